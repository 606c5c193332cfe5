"""Computing, caching and delivering diagnostics (push, or refresh for pulling clients)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.workspace import analysis_limit_finding
from plantls.lsp import convert

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

CHANGE_DELAY_S = 0.04
"""Debounce after a change: a burst of keystrokes is checked once, at its latest version."""
LEADING_DELAY_S = 0.002
"""The first change after a quiet spell is checked at once (after the messages already
read): the user sees the result of a single edit without waiting for the debounce."""
DELAY_PER_MCHAR_S = 0.5
"""Extra debounce per million characters, so large documents are checked less eagerly."""
DEPENDENT_DELAY_S = 0.3
"""Other open documents (which may use the changed one) are re-checked after a longer pause."""


class DiagnosticsService:
    """Diagnostics for open documents, delivered the way the client wants them.

    Clients that pull (``textDocument/diagnostic``) get no pushes, or they would show every
    finding twice; they are asked to refresh when other documents may have changed.
    """

    def __init__(self, server: PlantLanguageServer) -> None:
        self.server = server
        self._cache: dict[str, tuple[tuple[int, int], list[types.Diagnostic]]] = {}
        self._published: dict[str, list[types.Diagnostic]] = {}
        self._dirty: set[str] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._dependent_timer: asyncio.TimerHandle | None = None
        self._dependent_languages: set[str] = set()
        self._last_change = -1e9
        self.extra: list[Callable[[Document], list[Diagnostic]]] = []
        """More findings for a document (the model's AI101 hints), added after the rules'."""

    # -- computing -----------------------------------------------------------------------
    @property
    def push(self) -> bool:
        """True when this client gets ``textDocument/publishDiagnostics``."""
        return not self.server.client_supports("text_document.diagnostic")

    def result_id(self, uri: str) -> str | None:
        """An id for the current state of a document's findings."""
        doc = self.server.core.get(uri)
        if doc is None:
            return None
        return f"{self.server.generation}:{doc.version}:{id(doc)}"

    def compute(self, uri: str) -> list[types.Diagnostic]:
        """LSP diagnostics for a document, with settings applied (cached per state)."""
        doc = self.server.core.get(uri)
        if doc is None:
            return []
        key = (self.server.generation, id(doc))
        cached = self._cache.get(uri)
        if cached is not None and cached[0] == key:
            return cached[1]
        limit = analysis_limit_finding(doc)
        found = [limit] if limit is not None else self.server.core.diagnostics(doc)
        if limit is None:
            for more in self.extra:
                found = [*found, *more(doc)]
        result = convert.diagnostics(found)
        self._cache[uri] = (key, result)
        return result

    # -- delivering ----------------------------------------------------------------------
    def publish(self, uri: str, only_if_changed: bool = False) -> None:
        """Push the current findings of an open document."""
        if not self.push or not self.server.index_ready.is_set():
            return  # the first check waits for settings and the index (no flicker)
        doc = self.server.core.open_documents.get(uri)
        if doc is None:
            return
        items = self.compute(uri)
        if only_if_changed and self._published.get(uri) == items:
            return
        self._published[uri] = items
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=doc.version)
        )

    def clear(self, uri: str) -> None:
        """A document was closed: drop its findings from the editor."""
        self._cache.pop(uri, None)
        if self._published.pop(uri, None) is not None or self.push:
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def now(self, uri: str) -> None:
        """Check a document right away, then its dependents later."""
        self._dirty.discard(uri)
        self.publish(uri)
        self.dependents_changed(uri)

    def changed(self, uri: str) -> None:
        """A document changed: check it after a short pause (the latest version wins)."""
        self._dirty.add(uri)
        if self._timer is not None:
            self._timer.cancel()
        doc = self.server.core.open_documents.get(uri)
        size = len(doc.text) if doc is not None else 0
        delay = CHANGE_DELAY_S + DELAY_PER_MCHAR_S * size / 1e6
        now = time.monotonic()
        quiet = now - self._last_change >= delay
        self._last_change = now
        self._timer = self._later(LEADING_DELAY_S if quiet else delay, self._flush)

    def dependents_changed(self, uri: str | None = None) -> None:
        """Documents that may depend on ``uri`` (or on everything) need a new check."""
        doc = self.server.core.get(uri) if uri else None
        if doc is not None:
            self._dependent_languages.add(doc.language_id)
        else:
            self._dependent_languages.add("*")
        if self._dependent_timer is not None:
            self._dependent_timer.cancel()
        self._dependent_timer = self._later(DEPENDENT_DELAY_S, self._flush_dependents)

    def everything_changed(self) -> None:
        """Settings or the index changed: re-check every open document now."""
        for uri in list(self.server.core.open_documents):
            self._publish_one(uri, only_if_changed=True)
        self._refresh()

    def forget(self, uri: str) -> None:
        """Drop a document's cached findings (an extra source has new ones)."""
        self._cache.pop(uri, None)

    def refresh(self) -> None:
        """Ask pulling clients to pull again."""
        self._refresh()

    # -- internals -----------------------------------------------------------------------
    def _later(self, delay: float, callback: Callable[[], None]) -> asyncio.TimerHandle | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            callback()
            return None
        return loop.call_later(delay, self._guarded, callback)

    def _guarded(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            self.server.log_exception("diagnostics")

    def _publish_one(self, uri: str, only_if_changed: bool = False) -> None:
        """Publish one document; a failure is logged and does not stop the others."""
        try:
            self.publish(uri, only_if_changed)
        except Exception:
            self.server.log_exception(f"diagnostics for {uri}")

    def _flush(self) -> None:
        self._timer = None
        dirty, self._dirty = self._dirty, set()
        for uri in dirty:
            self._publish_one(uri)
        for uri in dirty:
            self.dependents_changed(uri)

    def _flush_dependents(self) -> None:
        self._dependent_timer = None
        languages, self._dependent_languages = self._dependent_languages, set()
        for uri, doc in list(self.server.core.open_documents.items()):
            if uri in self._dirty:
                continue  # its own check is already scheduled
            if "*" in languages or doc.language_id in languages:
                self._publish_one(uri, only_if_changed=True)
        self._refresh()

    def _refresh(self) -> None:
        if not self.push and self.server.client_supports("workspace.diagnostics.refresh_support"):
            self.server.workspace_diagnostic_refresh(None)
