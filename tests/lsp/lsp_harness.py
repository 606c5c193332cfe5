"""Shared helpers for the end-to-end LSP tests: server command, client setup, waiting."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import (
    ClientServerConfig,
    LanguageClient,
    client_capabilities,
    make_test_lsp_client,
)

PROFILES = ("visual-studio-code", "neovim", "emacs")


def server_command() -> list[str]:
    """``python -m plantls serve`` once the CLI exists, else serve_stdio() directly."""
    try:
        has_cli = importlib.util.find_spec("plantls.cli.main") is not None
    except ModuleNotFoundError:
        has_cli = False
    if has_cli:
        return [sys.executable, "-m", "plantls", "serve"]
    return [sys.executable, "-c", "from plantls.lsp.server import serve_stdio; serve_stdio()"]


REGISTRATIONS: dict[int, list[types.Registration]] = {}
"""Dynamic registrations each test client received, by ``id(client)``."""


def make_client() -> LanguageClient:
    """pytest-lsp's test client, plus a handler for client/registerCapability."""
    client = make_test_lsp_client()
    REGISTRATIONS[id(client)] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(ls: LanguageClient, params: types.RegistrationParams) -> None:
        REGISTRATIONS[id(ls)].extend(params.registrations)

    return client


CONFIG = ClientServerConfig(server_command=server_command(), client_factory=make_client)


def capabilities(profile: str) -> types.ClientCapabilities:
    """The capabilities a real editor sends."""
    return client_capabilities(profile)


async def initialize(
    client: LanguageClient,
    profile: str,
    root: Path | None = None,
    options: Any = None,
) -> types.InitializeResult:
    """Run initialize/initialized with an editor profile and an optional workspace folder."""
    folders = [types.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if root else None
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(profile),
            workspace_folders=folders,
            root_uri=root.as_uri() if root else None,
            initialization_options=options,
        )
    )


def pulls(client: LanguageClient) -> bool:
    """True when the client's profile uses pull diagnostics (the server then does not push)."""
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """didOpen a document (language id left for the server to infer) and return its uri."""
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=_client_language_id(path), version=version, text=text
            )
        )
    )
    return uri


def _client_language_id(path: Path) -> str:
    return "iec-st" if path.suffix.lower() in (".st", ".iecst") else "plaintext"


def change_doc(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
) -> None:
    """One incremental didChange replacing ``start``..``end`` with ``text``."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=start[0], character=start[1]),
                        end=types.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


async def pull(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """textDocument/diagnostic for one document."""
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


async def wait_for(
    condition: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02
) -> Any:
    """Poll until ``condition()`` is truthy; fail with a clear message after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)


async def diagnostics(
    client: LanguageClient,
    uri: str,
    accept: Callable[[Sequence[types.Diagnostic]], bool] = lambda _: True,
    timeout: float = 10.0,
) -> list[types.Diagnostic]:
    """The server's diagnostics for ``uri`` once ``accept`` holds: pushed, or pulled."""
    if pulls(client):
        holder: list[list[types.Diagnostic]] = []

        async def poll() -> bool:
            holder[:] = [await pull(client, uri)]
            return accept(holder[0])

        deadline = time.monotonic() + timeout
        while not await poll():
            if time.monotonic() > deadline:
                raise AssertionError(f"pulled diagnostics never matched: {holder}")
            await asyncio.sleep(0.05)
        return holder[0]

    def pushed() -> bool:
        return uri in client.diagnostics and accept(client.diagnostics[uri])

    await wait_for(pushed, timeout)
    return list(client.diagnostics[uri])


def codes(diags: Sequence[types.Diagnostic]) -> list[str]:
    """The codes of some diagnostics, in order."""
    return [str(d.code) for d in diags]


async def index_done(client: LanguageClient, timeout: float = 10.0) -> None:
    """Wait until the server's first indexing progress has ended."""

    def ended() -> bool:
        return any(
            isinstance(v, types.WorkDoneProgressEnd)
            for values in client.progress_reports.values()
            for v in values
        )

    await wait_for(ended, timeout)


async def still_alive(client: LanguageClient, uri: str) -> None:
    """The server still answers hover and documentSymbol requests."""
    ident = types.TextDocumentIdentifier(uri=uri)
    await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(text_document=ident, position=types.Position(line=0, character=0))
        ),
        10,
    )
    result = await asyncio.wait_for(
        client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=ident)),
        10,
    )
    assert result is None or isinstance(result, list)


@contextlib.asynccontextmanager
async def running(
    profile: str,
    root: Path | None = None,
    options: Any = None,
    configuration: Any = None,
) -> AsyncIterator[LanguageClient]:
    """A server started for one test, with initializationOptions and client configuration."""
    client = await CONFIG.start()
    assert isinstance(client, LanguageClient)
    if configuration is not None:
        client.set_configuration(configuration, section="plantls")
    try:
        await initialize(client, profile, root, options)
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        process = client._server
        if process is not None and process.returncode is None:
            process.kill()
        await asyncio.wait_for(client.stop(), 10)


def handler_errors(client: LanguageClient) -> list[str]:
    """Tracebacks the server logged from its own handlers (they answered an empty result)."""
    return [
        m.message
        for m in client.log_messages
        if m.type == types.MessageType.Error and " failed:\n" in m.message
    ]
