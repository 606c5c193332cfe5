"""The completion pipeline: type-through, cache, debounce, cancellation of older requests,
prompt, generation on the model thread, filters, validation, telemetry.

LSP-free: the LSP layer (and the CLI and the benchmark) build a :class:`CompletionRequest`
and await :meth:`CompletionEngine.complete`.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import time
from collections import Counter as CounterT
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from plantls.ai.backends.base import (
    BackendError,
    CancelToken,
    GenerationRequest,
    GenerationResult,
    context_length,
)
from plantls.ai.filters import FilterContext, FilterTrace, detect_indent_unit, run_chain
from plantls.ai.prompt import Prompt, build_prompt, model_prompt_style
from plantls.ai.service import ModelService
from plantls.ai.telemetry import RequestRecord
from plantls.ai.validate import errors, validate
from plantls.core.documents import Document
from plantls.core.language import Language
from plantls.core.workspace import Workspace

CACHE_PREFIX_CHARS = 2000
CACHE_SUFFIX_CHARS = 600


@dataclass
class CompletionRequest:
    """A completion at ``offset`` of ``document``."""

    document: Document
    language: Language | None
    workspace: Workspace | None
    offset: int
    kind: str = "inline"
    automatic: bool = True
    """Typing triggered it (debounced); an explicit request is not."""


@dataclass
class Suggestion:
    """What the user is shown."""

    id: str
    text: str
    uri: str
    offset: int
    source: str
    """``model``, ``cache`` or ``type-through``."""
    record: RequestRecord
    raw: str = ""


@dataclass
class _Shown:
    suggestion: Suggestion
    prefix: str
    suffix: str
    accepted: bool = False
    settled: bool = False


@dataclass
class _Generated:
    prompt: Prompt
    result: GenerationResult
    queue_ms: float
    prompt_ms: float
    energy_j: float
    energy_source: str
    extra: dict[str, Any] = field(default_factory=dict)


class CompletionEngine:
    """Completions from a :class:`ModelService` with latency discipline."""

    def __init__(self, service: ModelService) -> None:
        self.service = service
        self.cache: OrderedDict[str, str] = OrderedDict()
        self._ids = itertools.count(1)
        self._seq = 0
        self._current: CancelToken | None = None
        self._shown: dict[str, _Shown] = {}
        self._by_id: dict[str, _Shown] = {}
        self._baselines: dict[str, tuple[int, int, CounterT[tuple[str, str]]]] = {}
        self._indent: dict[str, tuple[int, str]] = {}

    # -- acceptance -------------------------------------------------------------------------
    def accepted(self, suggestion_id: str) -> bool:
        """The client ran the accept command of an item."""
        shown = self._by_id.get(str(suggestion_id))
        if shown is None or shown.settled:
            return False
        shown.accepted = shown.settled = True
        self.service.telemetry.item("accepted")
        return True

    def dismissed(self, suggestion_id: str) -> bool:
        """An item was dismissed (explicitly, or replaced by another request)."""
        shown = self._by_id.get(str(suggestion_id))
        if shown is None or shown.settled:
            return False
        shown.settled = True
        self.service.telemetry.item("dismissed")
        return True

    def _show(self, suggestion: Suggestion, prefix: str, suffix: str) -> None:
        shown = _Shown(suggestion, prefix, suffix)
        self._shown[suggestion.uri] = shown
        self._by_id[suggestion.id] = shown
        if len(self._by_id) > 512:
            for key in list(self._by_id)[:256]:
                self._by_id.pop(key, None)
        self.service.telemetry.item("shown")

    # -- cheap answers ----------------------------------------------------------------------
    def _type_through(self, req: CompletionRequest) -> str | None:
        shown = self._shown.get(req.document.uri)
        if shown is None or shown.accepted:
            return None
        text, offset = req.document.text, req.offset
        old = shown.suggestion
        if offset < old.offset or not text.startswith(shown.prefix):
            return None
        if text[offset:] != shown.suffix:
            return None
        typed = text[old.offset : offset]
        if typed and old.text.startswith(typed) and len(typed) < len(old.text):
            return old.text[len(typed) :]
        return None

    def cache_key(self, req: CompletionRequest) -> str:
        """The surrounding text (and the model) that a cached completion depends on."""
        text = req.document.text
        before = text[max(0, req.offset - CACHE_PREFIX_CHARS) : req.offset]
        after = text[req.offset : req.offset + CACHE_SUFFIX_CHARS]
        model = repr(self.service.model_settings)
        digest = hashlib.blake2b(digest_size=16)
        for part in (req.document.language_id, model, before, "\x00", after):
            digest.update(part.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _remember(self, key: str, text: str) -> None:
        self.cache[key] = text
        self.cache.move_to_end(key)
        while len(self.cache) > max(1, self.service.settings.completion.cache_size):
            self.cache.popitem(last=False)

    def _quick(self, req: CompletionRequest, text: str, source: str, t0: float) -> Suggestion:
        record = RequestRecord(kind=req.kind, outcome=source)
        record.total_ms = (time.perf_counter() - t0) * 1000
        self.service.telemetry.record(record)
        suggestion = Suggestion(
            str(next(self._ids)), text, req.document.uri, req.offset, source, record
        )
        doc = req.document
        self._show(suggestion, doc.text[: req.offset], doc.text[req.offset :])
        return suggestion

    # -- the pipeline -----------------------------------------------------------------------
    async def complete(self, req: CompletionRequest, debounce: bool = True) -> Suggestion | None:
        """A suggestion, or None (no model, nothing worth showing, or superseded).

        Raises asyncio.CancelledError when the caller's task is cancelled; the generation
        running for it is stopped through its cancel token.
        """
        t0 = time.perf_counter()
        self._seq += 1
        mine = self._seq
        rest = self._type_through(req)
        if rest is not None:
            return self._quick(req, rest, "type-through", t0)
        previous = self._shown.get(req.document.uri)
        if previous is not None and not previous.settled:
            self.dismissed(previous.suggestion.id)
        self._shown.pop(req.document.uri, None)
        if not self.service.ready:
            return None
        key = self.cache_key(req)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self._quick(req, self.cache[key], "cache", t0) if self.cache[key] else None
        if self._current is not None:
            self._current.cancel()  # a newer request supersedes the one in flight
        token = CancelToken()
        self._current = token
        record = RequestRecord(kind=req.kind)
        settings = self.service.settings.completion
        if debounce and req.automatic and settings.debounce_ms:
            await asyncio.sleep(settings.debounce_ms / 1000)
            record.debounce_ms = (time.perf_counter() - t0) * 1000
            if token.cancelled or mine != self._seq:
                record.outcome = "cancelled"
                record.finish = "superseded in debounce"
                record.total_ms = (time.perf_counter() - t0) * 1000
                self.service.telemetry.record(record)
                return None
        header = ""
        if req.language is not None and req.workspace is not None:
            try:
                pos = req.document.lines.position(req.offset)
                header = req.language.model_context(req.document, req.workspace, pos)
            except Exception:
                header = ""
        loop = asyncio.get_running_loop()
        queued = time.perf_counter()
        future = loop.run_in_executor(
            self.service.executor, self._generate, req, header, token, queued, record
        )
        try:
            generated = await future
        except asyncio.CancelledError:
            token.cancel()
            raise
        except BackendError as exc:
            record.outcome, record.finish = "error", str(exc)[:200]
            self.service.telemetry.record(record)
            if self.service.model_settings.backend == "openai":
                self.service.fail(str(exc))
            return None
        if generated is None:
            return None
        return self._finish(req, generated, record, key, t0)

    def _generate(
        self,
        req: CompletionRequest,
        header: str,
        token: CancelToken,
        queued: float,
        record: RequestRecord,
    ) -> _Generated | None:
        """On the model thread: prompt, then generation (records cancelled requests itself)."""
        started = time.perf_counter()
        record.queue_ms = (started - queued) * 1000
        backend = self.service.backend
        if token.cancelled or backend is None:
            record.outcome, record.finish = "cancelled", "superseded in queue"
            record.total_ms = record.debounce_ms + record.queue_ms
            self.service.telemetry.record(record)
            return None
        settings = self.service.settings.completion
        doc = req.document
        tok = backend.tokenizer()
        prompt = build_prompt(
            doc.text[: req.offset],
            doc.text[req.offset :],
            header,
            doc.language_id,
            tok,
            context_length(backend),
            settings.max_tokens,
            server_fim=backend.name == "openai",
            fim=model_prompt_style(self.service.settings.model.path) != "prefix",
        )
        record.prompt_ms = (time.perf_counter() - started) * 1000
        ctx = FilterContext(doc.language_id, doc.text[: req.offset], doc.text[req.offset :])
        stops = tuple(prompt.stops) + (("\n",) if ctx.mid_line else ())
        meter = self.service.energy.start()
        result = backend.generate(
            GenerationRequest(
                prompt=prompt.text,
                max_new_tokens=settings.max_tokens,
                stop=stops,
                prompt_ids=prompt.ids,
                suffix=prompt.server_suffix,
            ),
            token,
        )
        energy, source = self.service.energy.stop(meter)
        record.generation_ms = result.seconds * 1000
        record.prompt_tokens = result.prompt_tokens or prompt.tokens
        record.generated_tokens = result.generated_tokens
        record.tokens_per_second = round(result.tokens_per_second, 2)
        record.first_token_ms = (
            result.first_token_seconds * 1000 if result.first_token_seconds is not None else None
        )
        record.finish = result.finish
        record.energy_j, record.energy_source = energy, source
        if result.finish == "cancelled" or token.cancelled:
            record.outcome = "cancelled"
            record.total_ms = (time.perf_counter() - queued) * 1000 + record.debounce_ms
            self.service.telemetry.record(record)
            return None
        return _Generated(prompt, result, record.queue_ms, record.prompt_ms, energy, source)

    def _finish(
        self,
        req: CompletionRequest,
        gen: _Generated,
        record: RequestRecord,
        key: str,
        t0: float,
    ) -> Suggestion | None:
        """On the event loop: filters, validation, cache, telemetry."""
        post0 = time.perf_counter()
        doc = req.document
        ctx = FilterContext(
            doc.language_id,
            doc.text[: req.offset],
            doc.text[req.offset :],
            self._indent_unit(doc),
        )
        trace = FilterTrace()
        text = run_chain(gen.result.text, ctx, trace)
        record.filters = trace.changed_by
        if (
            text
            and self.service.settings.completion.validate
            and req.language is not None
            and req.workspace is not None
        ):
            try:
                checked = validate(
                    req.language, req.workspace, doc, req.offset, text, self._baseline(req)
                )
                text, record.validation = checked.text, checked.verdict
            except RecursionError:
                record.validation = ""
        record.post_ms = (time.perf_counter() - post0) * 1000
        record.total_ms = (time.perf_counter() - t0) * 1000
        record.outcome = "shown" if text else "empty"
        self._remember(key, text)
        self.service.telemetry.record(record)
        if not text:
            return None
        suggestion = Suggestion(
            str(next(self._ids)), text, doc.uri, req.offset, "model", record, gen.result.text
        )
        self._show(suggestion, doc.text[: req.offset], doc.text[req.offset :])
        return suggestion

    def _indent_unit(self, doc: Document) -> str:
        cached = self._indent.get(doc.uri)
        if cached is not None and cached[0] == doc.version:
            return cached[1]
        unit = detect_indent_unit(doc.text)
        self._indent[doc.uri] = (doc.version, unit)
        return unit

    def _baseline(self, req: CompletionRequest) -> CounterT[tuple[str, str]]:
        doc = req.document
        cached = self._baselines.get(doc.uri)
        if cached is not None and cached[0] == doc.version and cached[1] == hash(doc.text):
            return cached[2]
        assert req.language is not None and req.workspace is not None
        found = errors(req.language, req.workspace, doc, doc.text)
        self._baselines[doc.uri] = (doc.version, hash(doc.text), found)
        return found


def snapshot(document: Document) -> Document:
    """A copy of a document that later edits do not change (requests outlive keystrokes)."""
    return replace(document, _cache={})
