"""Diagnostics end to end: push after open/change/save, pull, and cross-file re-checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsp_harness import (
    CONFIG,
    PROFILES,
    change_doc,
    codes,
    diagnostics,
    initialize,
    open_doc,
    pull,
    pulls,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

BROKEN = "PROGRAM Main\nVAR\n    x : INT;\nEND_VAR\nx := x + ;\nEND_PROGRAM\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("diag")


@pytest_lsp.fixture(config=CONFIG, scope="module", params=PROFILES)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, root: Path):
    await initialize(lsp_client, request.param, root)
    yield
    await lsp_client.shutdown_session()


def has_st001(diags: list[types.Diagnostic] | tuple[types.Diagnostic, ...]) -> bool:
    return "ST001" in codes(list(diags))


async def test_syntax_error_reported_after_open(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "open.st", BROKEN)
    found = await diagnostics(client, uri, has_st001)
    d = next(d for d in found if d.code == "ST001")
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "plantls"
    assert d.range.start.line == 4


async def test_incremental_change_fixes_then_breaks(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "edit.st", BROKEN)
    await diagnostics(client, uri, has_st001)
    change_doc(client, uri, 2, (4, 9), (4, 9), "1")  # x := x + 1;
    fixed = await diagnostics(client, uri, lambda ds: not has_st001(ds))
    assert not has_st001(fixed)
    change_doc(client, uri, 3, (4, 11), (4, 11), "\nIF x THEN")  # unterminated IF
    broken = await diagnostics(client, uri, has_st001)
    assert any(d.range.start.line >= 5 for d in broken if d.code == "ST001")


async def test_pull_matches_push(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "pull.st", BROKEN)
    found = await diagnostics(client, uri, has_st001)
    pulled = await pull(client, uri)
    assert pulled == list(found)


async def test_pull_unchanged_report(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "unchanged.st", BROKEN)
    await diagnostics(client, uri, has_st001)
    first = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            previous_result_id=first.result_id,
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)


async def test_push_only_to_clients_that_do_not_pull(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "mode.st", BROKEN)
    await diagnostics(client, uri, has_st001)
    assert (uri in client.diagnostics) != pulls(client)


async def test_save_and_close(client: LanguageClient, root: Path) -> None:
    path = root / "saved.st"
    path.write_text(BROKEN)
    uri = open_doc(client, path, BROKEN)
    await diagnostics(client, uri, has_st001)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await diagnostics(client, uri, has_st001)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    if not pulls(client):
        await diagnostics(client, uri, lambda ds: len(ds) == 0)
