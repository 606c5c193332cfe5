"""The completion pipeline with the tiny model: a suggestion that parses, cache, type-through,
a newer request cancelling an older one, acceptance counts, telemetry."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from tiny_model import _BOOLS, _INTS, _REALS

from plantls.ai.backends.base import CancelToken
from plantls.ai.completion import CompletionEngine, CompletionRequest
from plantls.ai.service import ModelService
from plantls.core.documents import Document
from plantls.core.language import language_by_id
from plantls.core.settings import Settings, merge_settings
from plantls.core.workspace import Workspace

DECLS = "".join(f"    {n} : BOOL;\n" for n in _BOOLS) + "".join(
    f"    {n} : INT;\n" for n in _INTS
) + "".join(f"    {n} : REAL;\n" for n in _REALS)
TEXT = (
    "PROGRAM P_Motor\nVAR\n" + DECLS + "    tDelay : TON;\nEND_VAR\n\n"
    "IF bStart AND NOT bStop THEN\n    bRunning := TRUE;\n    |\nEND_IF\nEND_PROGRAM\n"
)


def settings(model: Path, **completion: object) -> Settings:
    s, warnings = merge_settings(
        Settings(),
        {
            "model": {"backend": "transformers", "path": str(model)},
            "completion": {"debounce_ms": 0, **completion},
            "telemetry": {"log": False},
        },
    )
    assert not warnings
    return s


@pytest.fixture(scope="module")
def service(tiny_model_dir: Path):
    svc = ModelService(settings(tiny_model_dir))
    assert svc.load() == "ready", svc.error
    yield svc
    svc.close()


def request(text: str = TEXT, version: int = 1) -> CompletionRequest:
    offset = text.index("|")
    clean = text.replace("|", "")
    ws = Workspace(settings=Settings())
    doc = Document("file:///w/main.st", clean, "iec-st", version)
    ws.open(doc)
    return CompletionRequest(doc, language_by_id("iec-st"), ws, offset, automatic=False)


async def test_suggestion_parses_then_cache_and_type_through(service: ModelService) -> None:
    engine = CompletionEngine(service)
    req = request()
    first = await engine.complete(req)
    assert first is not None and first.source == "model", service.telemetry.stats()
    assert first.record.validation in ("kept", "cut")
    # The suggestion inserted: no new syntax errors or undeclared names.
    lang = language_by_id("iec-st")
    assert lang is not None
    doc = req.document
    new_text = doc.text[: req.offset] + first.text + doc.text[req.offset :]
    new_doc = Document(doc.uri, new_text, "iec-st", 2)
    found = [d for d in lang.diagnostics(new_doc, req.workspace) if d.code in ("ST001", "ST101")]
    assert found == []
    # The same surroundings again: from the cache, without the model.
    again = await engine.complete(request())
    assert again is not None and again.source == "cache" and again.text == first.text
    assert again.record.generated_tokens == 0
    # Typing the start of the shown suggestion reuses it.
    typed = first.text[:2]
    text2 = TEXT.replace("|", typed + "|")
    through = await engine.complete(request(text2, 3))
    assert through is not None and through.source == "type-through"
    assert through.text == first.text[2:]
    assert engine.accepted(through.id)
    stats = service.telemetry.stats()
    assert stats["items"]["accepted"] == 1
    assert stats["items"]["dismissed"] == 1  # the cached item was replaced unaccepted
    assert stats["requests"]["inline"]["cache"] == 1
    assert stats["requests"]["inline"]["type-through"] == 1


async def test_newer_request_cancels_older(tiny_model_dir: Path) -> None:
    svc = ModelService(settings(tiny_model_dir, max_tokens=400, validate=False))
    assert svc.load() == "ready"
    backend = svc.backend
    assert backend is not None
    loop = asyncio.get_running_loop()
    midway = asyncio.Event()
    generate = backend.generate
    calls = []

    def spy(request, token):  # type: ignore[no-untyped-def]
        """The first generation pauses at its 5th token until something cancels it."""
        calls.append(request)
        if len(calls) > 1:
            return generate(request, token)

        class Watch(CancelToken):
            checks = 0

            @property
            def cancelled(self) -> bool:
                self.checks += 1
                if self.checks == 5:
                    loop.call_soon_threadsafe(midway.set)
                    deadline = time.monotonic() + 10
                    while not token.cancelled and time.monotonic() < deadline:
                        time.sleep(0.01)
                return token.cancelled

        return generate(request, Watch())

    backend.generate = spy  # type: ignore[method-assign]
    engine = CompletionEngine(svc)
    old = asyncio.ensure_future(engine.complete(request("|")))
    await asyncio.wait_for(midway.wait(), 30)
    new = asyncio.ensure_future(engine.complete(request("PROGRAM P\n|", 2)))
    assert await old is None
    await new
    cancelled = [r for r in svc.telemetry.records if r.outcome == "cancelled"]
    assert cancelled, [(r.outcome, r.finish) for r in svc.telemetry.records]
    assert cancelled[0].finish == "cancelled"  # stopped inside the generation...
    assert 0 < cancelled[0].generated_tokens <= 6  # ...early, right after the 5th token
    svc.close()


async def test_no_model_no_suggestion() -> None:
    engine = CompletionEngine(ModelService(Settings()))
    assert await engine.complete(request()) is None
