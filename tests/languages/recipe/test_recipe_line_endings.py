"""Recipe and tool YAML with ``\\r\\n``, lone ``\\r`` and mixed line endings: the same findings,
hover and completion at the same LSP (line, character) positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipe_fixtures import PECVD, TOOL

from plantls.core.documents import Document
from plantls.core.positions import LineIndex, Position
from plantls.core.workspace import Workspace
from plantls.languages.recipe import RECIPE_LANGUAGE as RCP
from plantls.languages.recipe.yamltree import parse_yaml

# a duplicate key, a gas the chamber does not have, an out-of-range pressure, a comment
BROKEN = (
    PECVD.replace("  version: 3\n", "  version: 3\n  version: 4  # a second version\n")
    .replace("gases: {N2: 5 slm}", "gases: {Ar: 5 slm}", 1)
    .replace("pressure: 10 mTorr", "pressure: 99 Torr")
)

ENDINGS = ["\r\n", "\r", "mixed"]


def with_endings(text: str, eol: str) -> str:
    if eol != "mixed":
        return text.replace("\n", eol)
    lines = text.split("\n")
    breaks = ["\r", "\r\n", "\n"]
    return "".join(line + breaks[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


def workspace(root: Path, recipe: str, eol: str | None = None) -> tuple[Workspace, Document]:
    root.mkdir(parents=True, exist_ok=True)
    tool = TOOL if eol is None else with_endings(TOOL, eol)
    (root / "cvd-01.tool.yaml").write_bytes(tool.encode())
    (root / "r.recipe.yaml").write_bytes(recipe.encode())  # no newline translation
    ws = Workspace([root])
    ws.index_all()
    doc = ws.get((root / "r.recipe.yaml").as_uri())
    assert doc is not None and doc.text == recipe
    return ws, doc


def findings(root: Path, recipe: str, eol: str | None = None) -> list[tuple[object, ...]]:
    ws, doc = workspace(root, recipe, eol)
    return [
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in ws.diagnostics(doc)
    ]


@pytest.mark.parametrize("eol", ENDINGS)
def test_same_findings_at_same_positions(tmp_path: Path, eol: str) -> None:
    expected = findings(tmp_path / "lf", BROKEN)
    assert len({f[1] for f in expected}) >= 3, expected
    assert any("first defined on line 3" in str(f[5]) for f in expected), expected
    assert findings(tmp_path / "other", with_endings(BROKEN, eol), eol) == expected


@pytest.mark.parametrize("eol", ENDINGS)
def test_yaml_error_lands_on_its_line(eol: str) -> None:
    text = "recipe:\n  id: A\n  name: [unclosed\nsteps: []\n"
    (expected,) = parse_yaml(text).problems
    (problem,) = parse_yaml(with_endings(text, eol)).problems
    at = LineIndex(with_endings(text, eol)).position(problem.start)
    assert at == LineIndex(text).position(expected.start)
    assert at.line >= 2


@pytest.mark.parametrize("eol", ["\r", "\r\n"])
def test_hover_and_completion_after_a_lone_cr(tmp_path: Path, eol: str) -> None:
    ws, doc = workspace(tmp_path, with_endings(PECVD, eol), eol)
    lines = PECVD.split("\n")
    line = next(i for i, t in enumerate(lines) if "SiH4" in t)
    hover = RCP.hover(doc, ws, Position(line, lines[line].index("SiH4") + 1))
    assert hover is not None and "500 sccm" in hover.markdown
    rf = next(i for i, t in enumerate(lines) if "rf: {HF" in t)
    labels = {i.label for i in RCP.completion(doc, ws, Position(rf + 1, 4))}
    assert {"gases", "pressure"} <= labels
