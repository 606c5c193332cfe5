"""IDE features end to end: hover, definition across files, outline, completion, signatures."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsp_harness import CONFIG, PROFILES, handler_errors, index_done, initialize, open_doc
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

MOTOR = """FUNCTION_BLOCK FB_Motor
VAR_INPUT
    bStart : BOOL;
END_VAR
VAR_OUTPUT
    bRunning : BOOL;
END_VAR
bRunning := bStart;
END_FUNCTION_BLOCK
"""

MAIN = """PROGRAM Main
VAR
    tDelay : TON;
    x : BOOL;
    fbMotor : FB_Motor;
END_VAR
tDelay(IN := x, PT := T#1S);
IF tDelay.Q THEN
    x := FALSE;
END_IF
fbMotor(bStart := x);
END_PROGRAM
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("features")
    (root / "motor.st").write_text(MOTOR)
    (root / "main.st").write_text(MAIN)
    return root


@pytest_lsp.fixture(config=CONFIG, scope="module", params=PROFILES)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, root: Path):
    await initialize(lsp_client, request.param, root)
    await index_done(lsp_client)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(autouse=True)
def _no_handler_errors(client: LanguageClient):
    yield
    assert handler_errors(client) == []


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def test_hover_on_standard_timer(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "main.st", MAIN)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=ident(uri), position=pos(2, 14))  # TON
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    for name in ("IN", "PT", "Q", "ET"):
        assert name in hover.contents.value


async def test_definition_in_another_file(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "main.st", MAIN)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=ident(uri), position=pos(4, 16))  # FB_Motor
    )
    assert isinstance(result, list) and result
    loc = result[0]
    assert isinstance(loc, types.Location)
    assert loc.uri == (root / "motor.st").resolve().as_uri()
    assert loc.range.start.line == 0


async def test_document_symbols_outline(client: LanguageClient, root: Path) -> None:
    uri = open_doc(client, root / "main.st", MAIN)
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident(uri))
    )
    assert result
    pou = result[0]
    assert isinstance(pou, types.DocumentSymbol)
    assert pou.name == "Main"
    sections = pou.children or []
    assert sections and all(isinstance(s, types.DocumentSymbol) for s in sections)
    names = {v.name for s in sections for v in s.children or []}
    assert {"tDelay", "x", "fbMotor"} <= names


async def test_member_completion_after_dot(client: LanguageClient, root: Path) -> None:
    text = MAIN.replace("IF tDelay.Q THEN", "IF tDelay. THEN")
    uri = open_doc(client, root / "completion.st", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=ident(uri),
            position=pos(7, 10),
            context=types.CompletionContext(
                trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character="."
            ),
        )
    )
    assert isinstance(result, types.CompletionList)
    labels = {item.label for item in result.items}
    assert {"Q", "ET"} <= labels


async def test_snippets_only_for_clients_that_support_them(
    client: LanguageClient, root: Path
) -> None:
    text = MAIN.replace("    x := FALSE;", "    ")
    uri = open_doc(client, root / "snippets.st", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=ident(uri), position=pos(8, 4))
    )
    assert isinstance(result, types.CompletionList)
    caps = client.capabilities
    supports = bool(
        caps
        and caps.text_document
        and caps.text_document.completion
        and caps.text_document.completion.completion_item
        and caps.text_document.completion.completion_item.snippet_support
    )
    formats = {item.insert_text_format for item in result.items}
    if not supports:
        assert types.InsertTextFormat.Snippet not in formats


async def test_signature_help_in_formal_call(client: LanguageClient, root: Path) -> None:
    text = MAIN.replace("tDelay(IN := x, PT := T#1S);", "tDelay(IN := x, ")
    uri = open_doc(client, root / "signature.st", text)
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=ident(uri), position=pos(6, 16))
    )
    assert result is not None and result.signatures
    sig = result.signatures[0]
    assert "IN" in sig.label and "PT" in sig.label
    active = result.active_parameter if result.active_parameter is not None else 0
    assert sig.parameters is not None
    assert "PT" in str(sig.parameters[active].label)
