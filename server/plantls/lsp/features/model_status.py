"""The model in the server: background loading with work-done progress, one clear message on
failure, and the AI101 unusual-line hints added to the diagnostics."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.ai.completion import CompletionEngine
from plantls.ai.hints import unusual_lines
from plantls.ai.service import ModelService, State
from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

CLIENT_TIMEOUT_S = 5.0


class ModelFeature:
    """Per-server model state: the service, the completion engine, hints, messages."""

    def __init__(self, server: PlantLanguageServer) -> None:
        self.server = server
        self.service = ModelService(server.core.settings)
        self.engine = CompletionEngine(self.service)
        self.shown_errors: set[str] = set()
        self.hints: dict[str, tuple[str, list[Diagnostic]]] = {}
        self._hint_times: dict[str, float] = {}
        self._hint_jobs: set[str] = set()
        self._tasks: set[asyncio.Future[None]] = set()

    # -- loading ------------------------------------------------------------------------------
    def settings_changed(self) -> None:
        """Settings were applied: reload the model when its settings changed."""
        if not self.service.configure(self.server.core.settings):
            return
        self.engine.cache.clear()
        self.hints.clear()
        self._tasks.add(task := asyncio.ensure_future(self._load()))
        task.add_done_callback(self._tasks.discard)

    async def _load(self) -> None:
        loop = asyncio.get_running_loop()
        token = await self._begin_progress()

        def progress(message: str) -> None:
            if token is not None:
                loop.call_soon_threadsafe(self._report, token, message)

        future = self.service.load_in_background(progress)
        state: State = await asyncio.wrap_future(future)
        if token is not None:
            message = "model ready" if state == "ready" else f"model {state}"
            with contextlib.suppress(Exception):
                self.server.work_done_progress.end(
                    token, types.WorkDoneProgressEnd(message=message)
                )
        self.after_load(state)

    async def _begin_progress(self) -> str | None:
        if self.service.model_settings.backend == "none":
            return None
        if not self.server.client_supports("window.work_done_progress"):
            return None
        token = f"plantls-model-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(
                self.server.work_done_progress.create_async(token), CLIENT_TIMEOUT_S
            )
        except Exception as exc:
            self.server.log(f"cannot create progress: {exc!r}")
            return None
        self.server.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="plantls: loading model", message=self.service.describe()
            ),
        )
        return token

    def _report(self, token: str, message: str) -> None:
        with contextlib.suppress(Exception):
            self.server.work_done_progress.report(
                token, types.WorkDoneProgressReport(message=message)
            )

    def after_load(self, state: State) -> None:
        """Tell the user once what went wrong; log what loaded."""
        if state == "ready":
            self.server.log(
                f"model loaded: {self.service.describe()} in {self.service.load_seconds:.1f} s"
            )
            for note in self.service.notes:
                self.server.log(f"model: {note}", types.MessageType.Warning)
            self.server.publisher.everything_changed()
        elif state == "failed":
            self.report_failure()

    def report_failure(self) -> None:
        """One message per distinct problem; static features keep working."""
        error = self.service.error
        if not error or error in self.shown_errors:
            return
        self.shown_errors.add(error)
        self.server.log(f"model: {error}", types.MessageType.Error)
        self.server.show(
            f"plantls: the model is not available ({error}). Checks, hover and the other "
            "features work without it.",
            types.MessageType.Warning,
        )

    # -- unusual-line hints -------------------------------------------------------------------
    def extra_findings(self, doc: Document) -> list[Diagnostic]:
        """AI101 hints for the current text (computed in the background, rate-limited)."""
        settings = self.server.core.settings.hints
        backend = self.service.backend
        if (
            not settings.unusual_lines
            or not self.service.ready
            or backend is None
            or not hasattr(backend, "token_logprobs")
            or len(doc.text) > settings.max_file_chars
            or doc.uri not in self.server.core.open_documents
        ):
            return []
        cached = self.hints.get(doc.uri)
        if cached is not None and cached[0] == doc.text:
            return cached[1]
        self._schedule_hints(doc)
        return []

    def _schedule_hints(self, doc: Document) -> None:
        if doc.uri in self._hint_jobs:
            return
        settings = self.server.core.settings.hints
        since = time.monotonic() - self._hint_times.get(doc.uri, -1e9)
        wait = settings.min_interval_ms / 1000 - since
        self._hint_jobs.add(doc.uri)
        self._tasks.add(task := asyncio.ensure_future(self._hint_job(doc.uri, max(0.0, wait))))
        task.add_done_callback(self._tasks.discard)

    async def _hint_job(self, uri: str, wait: float) -> None:
        try:
            if wait:
                await asyncio.sleep(wait)
            doc = self.server.core.open_documents.get(uri)
            backend = self.service.backend
            if doc is None or backend is None or backend.tokenizer() is None:
                return
            tok = backend.tokenizer()
            self._hint_times[uri] = time.monotonic()
            text = doc.text
            limit = self.server.core.settings.hints.max_hints
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(
                self.service.executor,
                unusual_lines,
                text,
                tok,
                backend.token_logprobs,  # type: ignore[attr-defined]
                doc.language_id,
                limit,
            )
            self.hints[uri] = (text, found)
            self.server.publisher.forget(uri)
            self.server.publisher.publish(uri, only_if_changed=True)
            self.server.publisher.refresh()
        except Exception:
            self.server.log_exception("unusual-line hints")
        finally:
            self._hint_jobs.discard(uri)


_FEATURES: dict[int, ModelFeature] = {}


def feature(server: PlantLanguageServer) -> ModelFeature:
    """The server's model feature (created on first use)."""
    found = _FEATURES.get(id(server))
    if found is None:
        found = _FEATURES[id(server)] = ModelFeature(server)
    return found


def register(server: PlantLanguageServer) -> None:
    """Load the model when settings arrive; add AI101 to the diagnostics."""
    model = feature(server)
    server.settings_hooks.append(model.settings_changed)
    server.publisher.extra.append(model.extra_findings)

    @server.handle(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        model.service.close()
