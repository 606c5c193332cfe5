"""What plantls adds to a model call: the whole inline-completion path against a bare
``generate`` on the same model and prompt, and the latency of cache and type-through hits.

    .venv/bin/python bench/completion_overhead.py [--model DIR] [--runs 15] [--max-tokens 48]

The whole path is :meth:`plantls.ai.completion.CompletionEngine.complete` (no debounce, cache
cleared before each run): domain-context header from the ST language layer, prompt in the
model's token budget, generation on the model thread, the filter chain and parser validation,
telemetry. The bare call is ``backend.generate`` with the prompt that path builds, so both
generate the same tokens (greedy). Runs are interleaved; medians are compared. Target: the
path adds at most 15 % to the bare call. Without --model it uses models/plantls-tiny when it
exists, else the tiny model the tests train (tests/ai/tiny_model.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests" / "ai"))

from plantls.ai.backends.base import GenerationRequest, context_length  # noqa: E402
from plantls.ai.completion import CompletionEngine, CompletionRequest  # noqa: E402
from plantls.ai.prompt import build_prompt  # noqa: E402
from plantls.ai.service import ModelService  # noqa: E402
from plantls.core.documents import Document  # noqa: E402
from plantls.core.language import language_by_id  # noqa: E402
from plantls.core.settings import Settings, merge_settings  # noqa: E402
from plantls.core.workspace import Workspace  # noqa: E402

DOC = """PROGRAM P_Motor
VAR
    bStart : BOOL;
    bStop : BOOL;
    bReset : BOOL;
    bRunning : BOOL;
    bAlarm : BOOL;
    bReady : BOOL;
    bEnable : BOOL;
    bDone : BOOL;
    nCount : INT;
    nState : INT;
    nStep : INT;
    iIndex : INT;
    nLimit : INT;
    rSpeed : REAL;
    rLevel : REAL;
    rTemp : REAL;
    rSetpoint : REAL;
    rPressure : REAL;
    tDelay : TON;
END_VAR

IF bStart AND NOT bStop THEN
    bRunning := TRUE;
    |
END_IF
END_PROGRAM
"""


def default_model() -> Path:
    shipped = ROOT / "models" / "plantls-tiny"
    if (shipped / "config.json").is_file():
        return shipped
    import tiny_model

    return tiny_model.cached()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--max-tokens", type=int, default=48)
    args = parser.parse_args()
    model = args.model or default_model()
    settings, warnings = merge_settings(
        Settings(),
        {
            "model": {"backend": "transformers", "path": str(model)},
            "completion": {"debounce_ms": 0, "max_tokens": args.max_tokens},
            "telemetry": {"log": False},
        },
    )
    assert not warnings, warnings
    service = ModelService(settings)
    if service.load() != "ready":
        print(f"cannot load {model}: {service.error}")
        return 2
    backend = service.backend
    assert backend is not None
    lang = language_by_id("iec-st")
    assert lang is not None
    offset = DOC.index("|")
    text = DOC.replace("|", "")
    workspace = Workspace(settings=settings)
    doc = Document("file:///bench/main.st", text, "iec-st", 1)
    workspace.open(doc)
    engine = CompletionEngine(service)

    def request(d: Document = doc, at: int = offset) -> CompletionRequest:
        return CompletionRequest(d, lang, workspace, at, automatic=False)

    header = lang.model_context(doc, workspace, doc.lines.position(offset))
    prompt = build_prompt(
        text[:offset], text[offset:], header, "iec-st", backend.tokenizer(),
        context_length(backend), args.max_tokens,
    )
    bare_request = GenerationRequest(
        prompt.text, args.max_tokens, stop=prompt.stops, prompt_ids=prompt.ids
    )

    async def path_once() -> float:
        engine.cache.clear()
        engine._shown.clear()
        t0 = time.perf_counter()
        await engine.complete(request())
        return time.perf_counter() - t0

    def bare_once() -> float:
        t0 = time.perf_counter()
        backend.generate(bare_request)
        return time.perf_counter() - t0

    async def run() -> None:
        for _ in range(3):  # warm up both
            bare_once()
            await path_once()
        bare, path = [], []
        for _ in range(args.runs):
            bare.append(bare_once())
            path.append(await path_once())
        records = [r for r in list(service.telemetry.records)[-args.runs :]]
        # Cache hit: the same surroundings again.
        engine.cache.clear()
        engine._shown.clear()
        first = await engine.complete(request())
        cache = []
        for _ in range(args.runs):
            engine._shown.clear()
            t0 = time.perf_counter()
            hit = await engine.complete(request())
            cache.append(time.perf_counter() - t0)
            assert first is None or (hit is not None and hit.source == "cache")
        # Type-through: the user types the first characters of the shown suggestion.
        through = []
        if first is not None and len(first.text) > 2:
            typed = first.text[:2]
            typed_doc = Document(doc.uri, text[:offset] + typed + text[offset:], "iec-st", 2)
            for _ in range(args.runs):
                engine._shown.clear()
                engine.cache.clear()
                engine._show(first, text[:offset], text[offset:])
                t0 = time.perf_counter()
                hit = await engine.complete(request(typed_doc, offset + 2))
                through.append(time.perf_counter() - t0)
                assert hit is not None and hit.source == "type-through"
        mb, mp = statistics.median(bare), statistics.median(path)
        tokens = statistics.median(r.generated_tokens for r in records) if records else 0
        post = statistics.median(r.post_ms for r in records) if records else 0.0
        prompt_ms = statistics.median(r.prompt_ms for r in records) if records else 0.0
        print(f"suggestion: {first.text if first else '(none: filtered or empty)'!r}")
        print(f"model: {model} ({sum(p.numel() for p in backend._model.parameters()):,} "
              f"parameters), prompt {prompt.tokens} tokens, {tokens:.0f} generated, "
              f"{args.runs} interleaved runs")
        print(f"bare generate          median {mb * 1000:8.1f} ms")
        print(f"whole inline path      median {mp * 1000:8.1f} ms   "
              f"(prompt {prompt_ms:.1f} ms, post+validation {post:.1f} ms)")
        gen = statistics.median(r.generation_ms for r in records) if records else 0.0
        queue = statistics.median(r.queue_ms for r in records) if records else 0.0
        print(f"  of which: generation {gen:.1f} ms, queue {queue:.1f} ms")
        print(f"overhead               {100 * (mp - mb) / mb:+8.1f} %   (target <= 15 %)")
        print(f"cache hit              median {statistics.median(cache) * 1000:8.3f} ms")
        if through:
            print(f"type-through hit       median {statistics.median(through) * 1000:8.3f} ms")
        else:
            print("type-through hit       (the suggestion was too short to type through)")

    asyncio.run(run())
    service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
