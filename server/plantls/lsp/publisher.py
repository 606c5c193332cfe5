"""Computing, caching and delivering diagnostics (push, or refresh for pulling clients)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.core import memory
from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.limits import too_large
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
IDLE_COLLECT_DELAY_S = 2.0
"""This long after the last change (and its full check), the server collects its cyclic
garbage (see ``core/memory.py``), where it delays no keystroke."""
FULL_CHECK_DELAY_S = 0.3
"""While the user types, a document is checked incrementally (only the unit an edit touched,
see ``Workspace.quick_diagnostics``); this long after the last change it gets a full check."""


def _lower_priority() -> None:
    """Make the calling thread yield the CPU to the event loop's thread (Linux: per-thread
    nice value; elsewhere nothing)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class DiagnosticsService:
    """Diagnostics for open documents, delivered the way the client wants them.

    Clients that pull (``textDocument/diagnostic``) get no pushes, or they would show every
    finding twice; they are asked to refresh when other documents may have changed.
    """

    def __init__(self, server: PlantLanguageServer) -> None:
        self.server = server
        self._cache: dict[str, tuple[tuple[int, int], list[types.Diagnostic], bool]] = {}
        """By URI: the state the findings are for, the findings, and whether they come from
        a full check (False: an incremental one, to be replaced)."""
        self._partial: set[str] = set()
        self._full_timer: asyncio.TimerHandle | None = None
        self._full_task: asyncio.Future[None] | None = None
        self._worker: ThreadPoolExecutor | None = None
        self._checking: str | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        """The document the worker thread is checking in full."""
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
        """An id for the current state of a document's findings (call after computing them:
        incremental findings get an id of their own, so the full ones replace them)."""
        doc = self.server.core.get(uri)
        if doc is None:
            return None
        cached = self._cache.get(uri)
        partial = cached is not None and cached[0] == self._key(doc) and not cached[2]
        return f"{self.server.generation}:{doc.version}:{id(doc)}{':partial' if partial else ''}"

    def _key(self, doc: Document) -> tuple[int, int]:
        return (self.server.generation, id(doc))

    def compute(self, uri: str, incremental: bool = False) -> list[types.Diagnostic]:
        """LSP diagnostics for a document, with settings applied (cached per state).

        With ``incremental``, a document that was just edited may be checked only where the
        edit lies; a full check is then scheduled for when the edits pause.
        """
        doc = self.server.core.get(uri)
        if doc is None:
            return []
        key = self._key(doc)
        cached = self._cache.get(uri)
        if cached is not None and cached[0] == key and (cached[2] or incremental):
            return cached[1]
        limit = too_large(doc)
        found = None
        if incremental and limit is None and uri in self.server.core.open_documents:
            found = self.server.core.quick_diagnostics(doc)
        full = found is None
        if found is None:
            found = [limit] if limit is not None else self.server.core.diagnostics(doc)
        result = self._to_lsp(doc, found) if limit is None else convert.diagnostics(found)
        self._cache[uri] = (key, result, full)
        if full:
            self._partial.discard(uri)
        else:
            self._partial.add(uri)
            self._schedule_full_check()
        return result

    # -- delivering ----------------------------------------------------------------------
    def publish(self, uri: str, only_if_changed: bool = False, incremental: bool = False) -> None:
        """Push the current findings of an open document."""
        if not self.push or not self.server.index_ready.is_set():
            return  # the first check waits for settings and the index (no flicker)
        doc = self.server.core.open_documents.get(uri)
        if doc is None:
            return
        items = self.compute(uri, incremental)
        if only_if_changed and self._published.get(uri) == items:
            return
        self._published[uri] = items
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=doc.version)
        )

    def clear(self, uri: str) -> None:
        """A document was closed: drop its findings from the editor."""
        self._cache.pop(uri, None)
        self._partial.discard(uri)
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
        if self._full_timer is not None:
            self._schedule_full_check()  # not while the user is still typing
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

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

    def _publish_one(
        self, uri: str, only_if_changed: bool = False, incremental: bool = False
    ) -> None:
        """Publish one document; a failure is logged and does not stop the others."""
        try:
            self.publish(uri, only_if_changed, incremental)
        except Exception:
            self.server.log_exception(f"diagnostics for {uri}")

    def _schedule_full_check(self) -> None:
        if self._full_timer is not None:
            self._full_timer.cancel()
        self._full_timer = self._later(FULL_CHECK_DELAY_S, self._start_full_checks)

    def _start_full_checks(self) -> None:
        self._full_timer = None
        if self._full_task is not None and not self._full_task.done():
            return  # the running one takes the remaining documents
        try:
            self._full_task = asyncio.get_running_loop().create_task(self._full_checks())
        except RuntimeError:  # no event loop (a test calling in directly): check now
            for uri in list(self._partial):
                self._publish_one(uri, only_if_changed=True)
            self._partial.clear()

    async def _full_checks(self) -> None:
        """Replace incremental findings by a full check's, pushed only where they differ.

        The check runs on a worker thread, so the event loop stays free: a keystroke that
        arrives meanwhile gets its incremental findings at once, and the check of the
        outdated version stops at its next step (another follows the next pause).
        """
        loop = asyncio.get_running_loop()
        if self._worker is None:
            self._worker = ThreadPoolExecutor(
                1, thread_name_prefix="plantls-check", initializer=_lower_priority
            )
        refreshed = False
        while self._partial:
            uri = self._partial.pop()
            doc = self.server.core.open_documents.get(uri)
            if doc is None:
                continue
            key = self._key(doc)
            self._checking = uri
            try:
                found = await loop.run_in_executor(self._worker, self._full_check, uri, doc, key)
            except Exception:
                self.server.log_exception(f"diagnostics for {uri}")
                continue
            finally:
                self._checking = None
            if found is None or not self._current(uri, doc, key):
                continue
            self._cache[uri] = (key, self._to_lsp(doc, found), True)
            self._publish_one(uri, only_if_changed=True)
            refreshed = True
        if refreshed:
            self._refresh()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = self._later(IDLE_COLLECT_DELAY_S, self._collect)

    def _collect(self) -> None:
        self._idle_timer = None
        memory.collect_now()

    def _to_lsp(self, doc: Document, found: list[Diagnostic]) -> list[types.Diagnostic]:
        """The rules' findings plus the extra sources' (the model's hints), as LSP items."""
        for more in self.extra:
            found = [*found, *more(doc)]
        return convert.diagnostics(found)

    def _current(self, uri: str, doc: Document, key: tuple[int, int]) -> bool:
        """True while ``doc`` is still the open version of ``uri`` and nothing else changed."""
        return self._key(doc) == key and self.server.core.open_documents.get(uri) is doc

    def _full_check(self, uri: str, doc: Document, key: tuple[int, int]) -> list[Diagnostic] | None:
        """Run on the worker thread: the findings, or None once ``doc`` is outdated."""
        steps = self.server.core.diagnostic_steps(doc)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                found: list[Diagnostic] = done.value
                return found
            if not self._current(uri, doc, key):
                return None

    def _flush(self) -> None:
        self._timer = None
        dirty, self._dirty = self._dirty, set()
        for uri in dirty:
            self._publish_one(uri, incremental=True)
        for uri in dirty:
            self.dependents_changed(uri)

    def _flush_dependents(self) -> None:
        self._dependent_timer = None
        languages, self._dependent_languages = self._dependent_languages, set()
        for uri, doc in list(self.server.core.open_documents.items()):
            if uri in self._dirty or uri in self._partial or uri == self._checking:
                continue  # its own check is already scheduled
            if "*" in languages or doc.language_id in languages:
                self._publish_one(uri, only_if_changed=True)
        self._refresh()

    def _refresh(self) -> None:
        if not self.push and self.server.client_supports("workspace.diagnostics.refresh_support"):
            self.server.workspace_diagnostic_refresh(None)
