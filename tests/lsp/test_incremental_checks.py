"""While the user types, the server checks only the edited unit, then the whole file when the
edits pause: findings that depend on other units end up right."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsp_harness import (
    CONFIG,
    PROFILES,
    change_doc,
    diagnostics,
    initialize,
    open_doc,
    pull,
    pulls,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

TWO_UNITS = (
    "PROGRAM A\nVAR x : INT; END_VAR\nx := LibAdd(1, 2);\nEND_PROGRAM\n"
    "PROGRAM B\nVAR y : INT; END_VAR\ny := LibAdd(3, 4);\nEND_PROGRAM\n"
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("incremental")


@pytest_lsp.fixture(config=CONFIG, scope="module", params=PROFILES)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, root: Path):
    await initialize(lsp_client, request.param, root)
    yield
    await lsp_client.shutdown_session()


async def wait_for_async(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the full check never replaced the incremental one"
        await asyncio.sleep(0.05)


def library_lines(diags: list[types.Diagnostic] | tuple[types.Diagnostic, ...]) -> list[int]:
    return [d.range.start.line for d in diags if d.code == "ST101"]


async def test_a_finding_that_moves_to_another_unit(client: LanguageClient, root: Path) -> None:
    # LibAdd is reported once per file, at its first use (in A). Once A stops using it, the
    # edited unit alone cannot know that B now holds the first use: the full check that
    # follows the pause puts the finding there.
    uri = open_doc(client, root / "Two.st", TWO_UNITS)
    await diagnostics(client, uri, lambda ds: library_lines(ds) == [2])
    change_doc(client, uri, 2, (2, 5), (2, 17), "1")  # x := 1;
    found = await diagnostics(client, uri, lambda ds: library_lines(ds) == [6])
    assert library_lines(found) == [6]


async def test_lines_added_above_move_the_findings_below(
    client: LanguageClient, root: Path
) -> None:
    uri = open_doc(client, root / "Moves.st", TWO_UNITS)
    await diagnostics(client, uri, lambda ds: library_lines(ds) == [2])
    change_doc(client, uri, 2, (2, 0), (2, 0), "\n\n")
    found = await diagnostics(client, uri, lambda ds: library_lines(ds) == [4])
    assert library_lines(found) == [4]


async def test_pulled_results_of_an_incremental_check_are_replaced(
    client: LanguageClient, root: Path
) -> None:
    if not pulls(client):
        pytest.skip("this client gets pushed diagnostics")
    uri = open_doc(client, root / "Pulled.st", TWO_UNITS)
    await diagnostics(client, uri, lambda ds: library_lines(ds) == [2])
    change_doc(client, uri, 2, (2, 5), (2, 17), "1")
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    caps = client.capabilities
    workspace = caps.workspace if caps is not None else None
    diagnostic_caps = workspace.diagnostics if workspace is not None else None
    if not (diagnostic_caps and diagnostic_caps.refresh_support):
        # a client that cannot be asked to pull again gets the full check's findings at once
        full = await client.text_document_diagnostic_async(params)
        assert isinstance(full, types.RelatedFullDocumentDiagnosticReport)
        assert not (full.result_id or "").endswith(":partial")
        assert library_lines(full.items) == [6]
        return
    quick = await client.text_document_diagnostic_async(params)
    assert isinstance(quick, types.RelatedFullDocumentDiagnosticReport)
    assert (quick.result_id or "").endswith(":partial")
    assert library_lines(quick.items) == []  # only the edited unit was checked

    async def full() -> bool:
        report = await client.text_document_diagnostic_async(params)
        return isinstance(report, types.RelatedFullDocumentDiagnosticReport) and not (
            report.result_id or ""
        ).endswith(":partial")

    await wait_for_async(full)
    assert library_lines(await pull(client, uri)) == [6]
