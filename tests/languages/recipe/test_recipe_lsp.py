"""End to end over stdio with pytest-lsp: diagnostics, hover on a gas, completion of gases."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lsp"))

from lsp_harness import PROFILES, diagnostics, index_done, open_doc, running
from lsprotocol import types
from recipe_fixtures import PECVD, TOOL

pytestmark = pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning")

BAD = PECVD.replace("gases: {O2: 500 sccm}\n    pressure: 2 Torr\n    rf",
                    "gases: {O2: 1.2 slm}\n    pressure: 2 Torr\n    rf")


def project(root: Path) -> Path:
    (root / "cvd-01.tool.yaml").write_text(TOOL)
    return root / "ox.recipe.yaml"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


@pytest.mark.parametrize("profile", PROFILES)
async def test_diagnostics_hover_and_gas_completion(profile: str, tmp_path: Path) -> None:
    path = project(tmp_path)
    async with running(profile, tmp_path) as client:
        await index_done(client)
        uri = open_doc(client, path, BAD)
        found = await diagnostics(client, uri, lambda ds: any(d.code == "RCP201" for d in ds))
        d = next(d for d in found if d.code == "RCP201")
        assert d.severity == types.DiagnosticSeverity.Error
        assert d.range.start.line == line_of(BAD, "O2: 1.2 slm")
        assert "1000 sccm" in d.message

        ident = types.TextDocumentIdentifier(uri=uri)
        row = line_of(BAD, "SiH4")
        col = BAD.splitlines()[row].index("SiH4") + 1
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=ident, position=types.Position(row, col))
        )
        assert hover is not None
        contents = hover.contents
        text = contents.value if isinstance(contents, types.MarkupContent) else str(contents)
        assert "500 sccm" in text and "O2" in text

        typed = BAD + "  - name: Extra\n    type: purge\n    gases:\n      "
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=typed)],
            )
        )
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=ident, position=types.Position(typed.count("\n"), 6)
            )
        )
        items = result.items if isinstance(result, types.CompletionList) else result or []
        assert {i.label for i in items} == {"SiH4", "N2O", "NH3", "N2", "O2"}


async def test_tool_file_error_is_pushed(tmp_path: Path) -> None:
    project(tmp_path)
    broken = TOOL.replace("full_scale: 500 sccm", "full_scale: 500 W")
    async with running("neovim", tmp_path) as client:
        uri = open_doc(client, tmp_path / "cvd-01.tool.yaml", broken)
        found = await diagnostics(client, uri, lambda ds: any(d.code == "RCP102" for d in ds))
        assert any(d.range.start.line == line_of(broken, "500 W") for d in found)
