"""OpenDSS end to end over LSP (pytest-lsp, the shared harness in tests/lsp)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lsp"))

from lsp_harness import diagnostics, open_doc, running
from lsprotocol import types

pytestmark = pytest.mark.asyncio

MASTER = """\
Clear
New Circuit.P basekv=11 bus1=src
Redirect codes.dss
Redirect lines.dss
Set voltagebases=[11]
Solve
"""
CODES = "New LineCode.mv nphases=3 r1=0.1 x1=0.08 units=km\n"
LINES = """\
New Line.a bus1=src bus2=b linecode=mv length=1 units=km
New Line.c bus1=b bus2=d linecode=mx length=1 units=km
""" + "New Line.x \n"


def _workspace(root: Path) -> None:
    (root / "master.dss").write_text(MASTER)
    (root / "codes.dss").write_text(CODES)
    (root / "lines.dss").write_text(LINES)


async def test_diagnostics_hover_completion_definition(tmp_path: Path) -> None:
    _workspace(tmp_path)
    async with running("visual-studio-code", tmp_path) as client:
        uri = open_doc(client, tmp_path / "lines.dss", LINES)
        found = await diagnostics(client, uri, lambda ds: any(d.code == "DSS201" for d in ds))
        d201 = next(d for d in found if d.code == "DSS201")
        assert d201.range.start.line == 1 and d201.severity == types.DiagnosticSeverity.Error

        ident = types.TextDocumentIdentifier(uri=uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=ident, position=types.Position(line=0, character=46))
        )
        assert hover is not None
        text = hover.contents.value if isinstance(hover.contents, types.MarkupContent) else ""
        assert "Line.Length" in text

        items = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=ident, position=types.Position(line=2, character=11)
            )
        )
        listed = items.items if isinstance(items, types.CompletionList) else items or []
        labels = {i.label for i in listed}
        assert {"Bus1", "LineCode", "Length", "Phases"} <= labels

        locations = await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=ident, position=types.Position(line=0, character=37)
            )
        )
        assert isinstance(locations, list) and locations
        loc = locations[0]
        assert isinstance(loc, types.Location)
        assert loc.uri == (tmp_path / "codes.dss").as_uri() and loc.range.start.line == 0


def _snapshot(folder: Path) -> dict[str, float]:
    return {
        str(Path(r) / f): (Path(r) / f).stat().st_mtime
        for r, _, fs in os.walk(folder) for f in fs
    }


async def test_opening_a_dangerous_script_writes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    script = (
        MASTER.replace("Redirect codes.dss\nRedirect lines.dss\n", "")
        + "Export voltages\nSave circuit\nShow voltages\nPlot profile\nDOScmd touch p.txt\n"
        + "Set datapath=/tmp\nSet demandinterval=true\nCompile ../elsewhere.dss\n"
        + "New Load.l bus1=src kv=11 kw=1 model=9\n"  # only the engine rejects model=9
    )
    (ws / "run.dss").write_text(script)
    before, around = _snapshot(ws), set(os.listdir(tmp_path))
    options = {"dss": {"engine": True}}
    async with running("neovim", ws, options) as client:
        uri = open_doc(client, ws / "run.dss", script)
        found = await diagnostics(
            client, uri, lambda ds: {"DSS202", "DSS501"} <= {str(d.code) for d in ds}
        )
        assert any(d.code == "DSS501" and d.range.start.line == 12 for d in found)
    assert _snapshot(ws) == before
    assert set(os.listdir(tmp_path)) == around
