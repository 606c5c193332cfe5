"""The plantls language server object and the functions that run it over stdio or TCP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Generator
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter, lsp_method

from plantls import __version__
from plantls.core import memory
from plantls.core.documents import Document
from plantls.core.language import Language, language_by_id
from plantls.core.limits import too_large
from plantls.core.workspace import Workspace
from plantls.lsp.publisher import DiagnosticsService
from plantls.lsp.settings import SettingsState

logger = logging.getLogger("plantls.lsp")

F = TypeVar("F", bound=Callable[..., Any])


class PlantProtocol(LanguageServerProtocol):
    """pygls protocol that always negotiates UTF-16 positions, the unit core counts in."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        """Drop the client's position encoding preferences so that UTF-16 is chosen."""
        general = params.capabilities.general
        if general is not None:
            general.position_encodings = None
        return (yield from super().lsp_initialize(params))

    def structure_message(self, data: dict[str, Any]) -> Any:
        """A request whose params cannot be read gets an error response, not silence (pygls
        only logs it, and the client would wait for an answer forever)."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            msg_id = data.get("id")
            if "method" in data and isinstance(msg_id, int | str) and not isinstance(
                msg_id, bool
            ):
                with contextlib.suppress(Exception):
                    self._send_response(
                        msg_id,
                        error=types.ResponseError(code=exc.code, message=exc.message),
                    )
            raise


def capability(caps: Any, dotted: str, default: Any = None) -> Any:
    """A nested client capability such as ``window.work_done_progress``, or ``default``."""
    value = caps
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return default
    return value


def lsp_converter() -> Any:
    """pygls's converter that also reads what VS Code's language client (9.x) really sends
    with textDocument/inlineCompletion.

    That client forwards VS Code's own values: ``context.triggerKind`` counts from 0 (VS Code's
    Invoke), where LSP's Invoked is 1, and ``context.selectedCompletionInfo.range`` comes as
    ``[start, end]`` while the suggest widget is open. The strict converter rejects the whole
    request for either (Invalid Params), and no inline completion shows. Here 0 reads as
    Invoked and ``[start, end]`` as a Range.
    """
    converter = default_converter()
    strict_range = converter.get_structure_hook(types.Range)
    strict_kind = converter.get_structure_hook(types.InlineCompletionTriggerKind)

    def structure_range(obj: Any, cls: type) -> types.Range:
        if isinstance(obj, list) and len(obj) == 2:
            obj = {"start": obj[0], "end": obj[1]}
        return strict_range(obj, cls)

    def structure_trigger_kind(obj: Any, cls: type) -> types.InlineCompletionTriggerKind:
        if obj == 0:
            return types.InlineCompletionTriggerKind.Invoked
        return strict_kind(obj, cls)

    converter.register_structure_hook(types.Range, structure_range)
    converter.register_structure_hook(types.InlineCompletionTriggerKind, structure_trigger_kind)
    return converter


class PlantLanguageServer(LanguageServer):
    """pygls server holding the core workspace and the per-session protocol state."""

    def __init__(self) -> None:
        super().__init__(
            name="plantls",
            version=__version__,
            protocol_cls=PlantProtocol,
            converter_factory=lsp_converter,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.core = Workspace()
        self.request_counts: Counter[str] = Counter()
        self.generation = 0
        """Bumped whenever any document, the index or the settings change."""
        self.index_ready = asyncio.Event()
        self.config = SettingsState()
        self.publisher = DiagnosticsService(self)
        self.settings_hooks: list[Callable[[], None]] = []
        """Called after new settings are applied (the model feature reloads the model)."""

    # -- client capabilities -------------------------------------------------------------
    def client_supports(self, dotted: str) -> bool:
        """True when the client advertises a capability (``text_document.diagnostic``)."""
        return bool(self.client_capability(dotted))

    def client_capability(self, dotted: str) -> Any:
        """A nested client capability value, or None."""
        try:
            caps = self.client_capabilities
        except Exception:
            return None
        return capability(caps, dotted)

    def text_format(self, dotted: str) -> types.MarkupKind | None:
        """The best format in a client's list (hover's ``content_format``...); None: plain str."""
        formats = self.client_capability(dotted) or []
        for kind in (types.MarkupKind.Markdown, types.MarkupKind.PlainText):
            if kind in formats:
                return kind
        return None

    async def wait_indexed(self, timeout: float = 5.0) -> None:
        """Wait (a bounded time) for the first workspace index, so answers see all files."""
        if self.index_ready.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.index_ready.wait(), timeout)

    # -- documents -----------------------------------------------------------------------
    def touch(self) -> None:
        """Record that something changed that may affect any document's results."""
        self.generation += 1

    def open_document(self, doc: Document) -> None:
        """Put an editor document into the core workspace (too-large ones are not indexed)."""
        if too_large(doc) is None:
            self.core.open(doc)
        else:
            self.core.open_documents[doc.uri] = doc
            lang = language_by_id(doc.language_id)
            if lang is not None:
                lang.forget(doc.uri, self.core)
        self.touch()

    def target(self, uri: str) -> tuple[Document, Language] | None:
        """The document and its language for an IDE request, or None to answer nothing."""
        doc = self.core.get(uri)
        if doc is None or too_large(doc) is not None:
            return None
        lang = language_by_id(doc.language_id)
        if lang is None:
            return None
        return doc, lang

    # -- messages ------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """Write to the client's log (window/logMessage) and to stderr's logger."""
        level = {
            types.MessageType.Error: logging.ERROR,
            types.MessageType.Warning: logging.WARNING,
        }.get(kind, logging.INFO)
        logger.log(level, "%s", message)
        with contextlib.suppress(Exception):  # no connection yet, or it is gone
            self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_exception(self, where: str) -> None:
        """Log the exception being handled, with its traceback."""
        self.log(f"{where} failed:\n{traceback.format_exc()}", types.MessageType.Error)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """Show a message to the user (window/showMessage)."""
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:
            logger.exception("cannot show message")

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors outside our handlers (bad JSON, unknown documents) go to the log only."""
        self.log(f"{getattr(source, '__name__', source)}: {error}", types.MessageType.Error)

    # -- handler registration ------------------------------------------------------------
    def handle(
        self, method: str, options: Any = None, default: Callable[[], Any] = lambda: None
    ) -> Callable[[F], F]:
        """Register a feature whose failures are logged and answered with ``default()``."""

        def decorator(fn: F) -> F:
            if asyncio.iscoroutinefunction(fn):

                async def run_async(params):  # type: ignore[no-untyped-def]
                    self.request_counts[method] += 1
                    try:
                        return await fn(params)
                    except Exception:
                        self.log_exception(method)
                        return default()

                wrapper: Any = run_async
            else:

                def run(params):  # type: ignore[no-untyped-def]
                    self.request_counts[method] += 1
                    try:
                        return fn(params)
                    except Exception:
                        self.log_exception(method)
                        return default()

                wrapper = run
            # No annotations and no __wrapped__: pygls must pass only the params, never the
            # server (it does that when the first parameter's annotation fits the server).
            wrapper.__name__ = wrapper.__qualname__ = getattr(fn, "__name__", method)
            wrapper.__doc__ = fn.__doc__
            self.feature(method, options)(wrapper)
            return fn

        return decorator


def create_server() -> PlantLanguageServer:
    """A new server with every feature registered."""
    from plantls.lsp.features import register_all

    server = PlantLanguageServer()
    register_all(server)
    return server


def _setup_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
        )


_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n$", re.IGNORECASE)


class ResyncingReader:
    """stdin for pygls's message loop, which keeps reading after a malformed message.

    pygls only knows ``Content-Length: N\\r\\n`` at the start of a line. After a message
    whose header it cannot read (lower case, a bare ``\\n``) or whose length is wrong, the
    rest of that body is glued to the next header and every later message is lost: the
    server stops answering for good. Header lines are read here instead: a
    ``Content-Length`` header is found anywhere in a line (the garbage before it is dropped)
    and written the way pygls expects, so one bad message costs only that message.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def readline(self) -> bytes:
        """One header line; a Content-Length header in canonical form."""
        line: bytes = self.stream.readline()
        at = line.lower().rfind(b"content-length")
        if at >= 0:
            m = _HEADER.match(line, at)
            if m is not None:
                return b"Content-Length: " + m.group(1) + b"\r\n"
        return line

    def read(self, n: int) -> bytes:
        """A message body."""
        data: bytes = self.stream.read(n)
        return data


def serve_stdio() -> None:
    """Serve one client over stdin/stdout (stdout carries only LSP messages)."""
    _setup_logging()
    memory.tune_for_server()
    create_server().start_io(ResyncingReader(sys.stdin.buffer))  # type: ignore[arg-type]


def serve_tcp(host: str = "127.0.0.1", port: int = 2087) -> None:
    """Serve over TCP; binds to loopback unless another host is given."""
    _setup_logging()
    memory.tune_for_server()
    create_server().start_tcp(host, port)
