"""Bad input never takes the server down: after each case it still answers requests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import pytest_lsp
from lsp_harness import (
    CONFIG,
    PROFILES,
    change_doc,
    codes,
    diagnostics,
    handler_errors,
    initialize,
    open_doc,
    still_alive,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

BROKEN = "PROGRAM Main\nVAR\n    x : INT;\nEND_VAR\nx := x + ;\nEND_PROGRAM\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("robust")


@pytest_lsp.fixture(config=CONFIG, scope="module", params=PROFILES)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, root: Path):
    await initialize(lsp_client, request.param, root)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(autouse=True)
def _no_handler_errors(client: LanguageClient):
    yield
    assert handler_errors(client) == []


def program(body: str) -> str:
    return f"PROGRAM P\nVAR\n    x : INT;\n    b : BOOL;\nEND_VAR\n{body}\nEND_PROGRAM\n"


def nested_if(depth: int) -> str:
    return "IF b THEN\n" * depth + "x := 1;\n" + "END_IF;\n" * depth


CASES = {
    "binary": bytes(range(256)).decode("latin-1") * 64,
    "invalid-utf8": b"PROGRAM P\n\xff\xfe\xc3( x := 1;\nEND_PROGRAM\n".decode("utf-8", "replace"),
    "deep-parens": program("x := " + "(" * 500 + "1" + ")" * 500 + ";"),
    "deep-if": program(nested_if(500)),
    "unterminated-comment": program("(* never closed\nx := 1;"),
    "unterminated-string": program("s := 'never closed;\nx := 1;"),
    "empty": "",
    "astral": program("x := 1; // 😀😀 ünïcödé 𝔘"),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_bad_text(client: LanguageClient, root: Path, case: str) -> None:
    uri = open_doc(client, root / f"{case}.st", CASES[case])
    await diagnostics(client, uri)
    await still_alive(client, uri)


async def test_ten_megabyte_document(client: LanguageClient, root: Path) -> None:
    text = program("x := x + 1;\n" * 900_000)
    assert len(text) > 10_000_000
    uri = open_doc(client, root / "huge.st", text)
    found = await diagnostics(client, uri, lambda ds: "PLS002" in codes(ds), timeout=30)
    info = next(d for d in found if d.code == "PLS002")
    assert info.severity == types.DiagnosticSeverity.Information
    started = time.monotonic()
    change_doc(client, uri, 2, (5, 0), (5, 0), "x := 2;\n")
    await still_alive(client, uri)
    assert time.monotonic() - started < 5


async def test_deleted_file_keeps_open_text(client: LanguageClient, root: Path) -> None:
    path = root / "deleted.st"
    path.write_text(BROKEN)
    uri = open_doc(client, path, BROKEN)
    await diagnostics(client, uri, lambda ds: "ST001" in codes(ds))
    path.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri, type=types.FileChangeType.Deleted)]
        )
    )
    change_doc(client, uri, 2, (0, 0), (0, 0), "// still here\n")
    found = await diagnostics(client, uri, lambda ds: any(d.range.start.line == 5 for d in ds))
    assert "ST001" in codes(found)
    await still_alive(client, uri)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None


async def test_positions_outside_document(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "outside.st", BROKEN)
    ident = types.TextDocumentIdentifier(uri=uri)
    far = types.Position(line=10_000, character=10_000)
    wide = types.Position(line=1, character=10_000)
    for position in (far, wide):
        await client.text_document_hover_async(
            types.HoverParams(text_document=ident, position=position)
        )
        await client.text_document_definition_async(
            types.DefinitionParams(text_document=ident, position=position)
        )
        await client.text_document_completion_async(
            types.CompletionParams(text_document=ident, position=position)
        )
        await client.text_document_signature_help_async(
            types.SignatureHelpParams(text_document=ident, position=position)
        )
    change_doc(client, uri, 2, (9_000, 3), (9_999, 0), "\nEND_PROGRAM\n")
    await still_alive(client, uri)


async def test_requests_for_unopened_documents(client: LanguageClient, root: Path) -> None:
    for uri in (
        (root / "never-opened.st").as_uri(),
        "file:///no/such/dir/x.st",
        "untitled:Untitled-1",
        "not a uri",
    ):
        await still_alive(client, uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=0),
            )
        )
        assert hover is None
    uri = (root / "ghost.st").as_uri()
    change_doc(client, uri, 5, (0, 0), (0, 0), "x")  # change for a document never opened
    await still_alive(client, uri)


async def test_stale_change_is_ignored(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "stale.st", BROKEN, version=10)
    await diagnostics(client, uri, lambda ds: "ST001" in codes(ds))
    change_doc(client, uri, 3, (4, 9), (4, 9), "1")  # older than version 10: ignored
    change_doc(client, uri, 11, (0, 0), (0, 0), "\n")  # moves the error one line down
    found = await diagnostics(client, uri, lambda ds: any(d.range.start.line == 5 for d in ds))
    assert "ST001" in codes(found)
