"""Documents with lone ``\\r`` and ``\\r\\n`` line endings over LSP: diagnostics, hover and
definition at the positions the editor counts, and incremental edits that land where the
editor meant (LSP: ``\\n``, ``\\r\\n`` and a lone ``\\r`` each end one line)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsp_harness import (
    CONFIG,
    PROFILES,
    change_doc,
    diagnostics,
    handler_errors,
    initialize,
    open_doc,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

PUMP = """FUNCTION_BLOCK FB_Pump
VAR_INPUT
    bStart : BOOL; // start request
END_VAR
VAR
    nCount : INT; // counts cycles
    bUnused : BOOL;
END_VAR
// a line comment
nCount := nCount + 1;
IF bStart THEN
    nCount := 0;
END_IF
END_FUNCTION_BLOCK
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("line_endings")


@pytest_lsp.fixture(config=CONFIG, scope="module", params=PROFILES)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, root: Path):
    await initialize(lsp_client, request.param, root)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(autouse=True)
def _no_handler_errors(client: LanguageClient):
    yield
    assert handler_errors(client) == []


def spans(diags: list[types.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    return sorted(
        (
            str(d.code),
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diags
    )


def unused(name: str):
    return lambda ds: any(d.code == "ST103" and f"'{name}'" in d.message for d in ds)


@pytest.mark.parametrize("eol", ["\r", "\r\n"])
async def test_diagnostics_hover_definition(client: LanguageClient, root: Path, eol: str) -> None:
    plain = open_doc(client, root / "plain.st", PUMP)
    expected = spans(await diagnostics(client, plain, unused("bUnused")))
    assert ("ST103", 6, 4, 6, 11) in expected

    name = "cr.st" if eol == "\r" else "crlf.st"
    uri = open_doc(client, root / name, PUMP.replace("\n", eol))
    assert spans(await diagnostics(client, uri, unused("bUnused"))) == expected

    ident = types.TextDocumentIdentifier(uri=uri)
    use = types.Position(line=10, character=3)  # bStart in 'IF bStart THEN'
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=ident, position=use)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "bStart : BOOL" in hover.contents.value
    assert "start request" in hover.contents.value
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=ident, position=use)
    )
    assert isinstance(result, list) and result
    loc = result[0]
    assert isinstance(loc, types.Location)
    assert (loc.range.start.line, loc.range.start.character) == (2, 4)


async def test_incremental_edit_in_a_lone_cr_document(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "edit.st", PUMP.replace("\n", "\r"))
    await diagnostics(client, uri, unused("bUnused"))
    # a new variable on line 7, typed where the editor shows the start of that line
    change_doc(client, uri, 2, (7, 0), (7, 0), "    bExtra : BOOL;\r")
    found = await diagnostics(client, uri, unused("bExtra"))
    extra = next(d for d in found if "'bExtra'" in d.message)
    assert (extra.range.start.line, extra.range.start.character) == (7, 4)
    assert not any(d.code == "ST001" for d in found)
    # replace 'nCount + 1' on line 10 (was 9) with 'nCount + ;': a syntax error there
    change_doc(client, uri, 3, (10, 19), (10, 20), "")
    found = await diagnostics(client, uri, lambda ds: any(d.code == "ST001" for d in ds))
    (error,) = [d for d in found if d.code == "ST001"]
    assert error.range.start.line == 10
