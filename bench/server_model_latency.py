"""Hover and completion latency of the server while the model generates.

Starts the real server (``plantls serve`` over stdio) with the shipped model
(``models/plantls-tiny`` through the ``transformers`` backend, or ``--model DIR``), opens a
generated ST file of ``--lines`` lines and measures, one request at a time:

1. **idle**: ``--requests`` hovers and as many completions (static: the client declares
   inline completion, so a completion request never waits for the model);
2. **while generating**: the same, while another task keeps the model busy with
   back-to-back ``textDocument/inlineCompletion`` requests (each one a real generation).

Reports p50/p95 of both, and the inline completions' own latency, so the cost the model's
work puts on the static features is a ratio measured in one run.

Usage: ``.venv/bin/python bench/server_model_latency.py [--model DIR] [--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lsp_client
from lsp_client import LspClient
from server_latency import summary
from server_memory import model_ready
from st_generate import generate

ROOT = Path(__file__).resolve().parents[1]
INLINE_CAPABILITIES: dict[str, Any] = {
    **lsp_client.CAPABILITIES,
    "textDocument": {**lsp_client.CAPABILITIES["textDocument"], "inlineCompletion": {}},
}


def _pos(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


class Probe:
    """The positions to ask about in the generated file."""

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        self.hover = next(
            (i, line.index("fSum") + 1) for i, line in enumerate(lines) if "fSum := fSum" in line
        )
        row = next(i for i, line in enumerate(lines) if "nCycles := nCycles + 1;" in line)
        self.complete = (row, lines[row].index("nCycles") + 3)
        self.inline = [  # the end of every statement line: each asks for a new generation
            (i, len(line)) for i, line in enumerate(lines) if line.rstrip().endswith(";")
        ]


async def timed(client: LspClient, uri: str, method: str, at: tuple[int, int]) -> float:
    """Seconds until ``method`` at ``at`` answered (it must answer something)."""
    params: dict[str, Any] = {"textDocument": {"uri": uri}, "position": _pos(*at)}
    if method == "textDocument/inlineCompletion":
        params["context"] = {"triggerKind": 1}
    result, elapsed = await client.request(method, params)
    if method != "textDocument/inlineCompletion" and not result:
        raise RuntimeError(f"{method} returned nothing")
    return elapsed


async def measure(client: LspClient, uri: str, probe: Probe, n: int) -> dict[str, list[float]]:
    """``n`` hovers and ``n`` completions, alternating, one at a time."""
    out: dict[str, list[float]] = {"hover": [], "completion": []}
    for _ in range(n):
        out["hover"].append(await timed(client, uri, "textDocument/hover", probe.hover))
        out["completion"].append(
            await timed(client, uri, "textDocument/completion", probe.complete)
        )
        await asyncio.sleep(0.02)
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Idle, then while generating, against one server with the model loaded."""
    text = generate(args.lines)
    probe = Probe(text)
    settings = {"model": {"backend": "transformers", "path": str(args.model)}}
    with tempfile.TemporaryDirectory(prefix="plantls-bench-") as tmp:
        path = Path(tmp) / "Big.st"
        path.write_text(text)
        uri = path.resolve().as_uri()
        client = await LspClient.start()
        try:
            await client.initialize(Path(tmp), settings, INLINE_CAPABILITIES)
            await model_ready(client)
            opened = client.expect_diagnostics(uri, 1)
            client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "iec-st", "version": 1, "text": text}},
            )
            await asyncio.wait_for(opened, 60)
            await measure(client, uri, probe, 3)  # warm-up
            idle = await measure(client, uri, probe, args.requests)

            busy = True
            inline: list[float] = []

            async def generator() -> None:
                for at in probe.inline:
                    if not busy:
                        break
                    inline.append(await timed(client, uri, "textDocument/inlineCompletion", at))

            task = asyncio.create_task(generator())
            await asyncio.sleep(0.2)
            during = await measure(client, uri, probe, args.requests)
            busy = False
            await task
        finally:
            await client.shutdown()
    return {
        "lines": len(text.split("\n")),
        "model": str(args.model),
        "idle": {k: summary(v) for k, v in idle.items()},
        "while_generating": {k: summary(v) for k, v in during.items()},
        "inline_completion": summary(inline),
    }


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "plantls-tiny")
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out = asyncio.run(run(args))
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"ST file of {out['lines']:,} lines, model {out['model']}")
    for what in ("hover", "completion"):
        i, b = out["idle"][what], out["while_generating"][what]
        print(
            f"  {what:<10}: idle p50 {i['p50_ms']:.1f} / p95 {i['p95_ms']:.1f} ms; while the "
            f"model generates p50 {b['p50_ms']:.1f} / p95 {b['p95_ms']:.1f} ms"
        )
    g = out["inline_completion"]
    print(
        f"  inline completions meanwhile: n={g['n']}, "
        f"p50 {g['p50_ms']:.0f} / p95 {g['p95_ms']:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
