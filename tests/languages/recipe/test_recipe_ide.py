"""Hover, completion, definition and outline for recipes and tool files."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipe_fixtures import ALD, PECVD, TOOL, recipe_doc, workspace

from plantls.core.documents import Document
from plantls.core.positions import Position
from plantls.core.workspace import Workspace
from plantls.languages.recipe import RECIPE_LANGUAGE as RCP
from plantls.languages.recipe import TOOL_LANGUAGE as TOOL_LANG


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return workspace(tmp_path, {"cvd-01.tool.yaml": TOOL, "ox.recipe.yaml": PECVD,
                                "ald.recipe.yaml": ALD})


def at(text: str, needle: str, nth: int = 0, shift: int = 0) -> Position:
    seen = 0
    for i, line in enumerate(text.splitlines()):
        if needle in line:
            if seen == nth:
                return Position(i, line.index(needle) + shift)
            seen += 1
    raise AssertionError(needle)


def test_hover_on_gas_shows_line_full_scale_and_incompatibilities(ws: Workspace) -> None:
    h = RCP.hover(recipe_doc(ws, "ox.recipe.yaml"), ws, at(PECVD, "SiH4", shift=1))
    assert h is not None
    for text in ("line 1", "500 sccm", "10 sccm", "O2", "pyrophoric", "50 sccm .. 300 sccm"):
        assert text in h.markdown


def test_hover_on_key_shows_unit_limit_and_window(ws: Workspace) -> None:
    h = RCP.hover(recipe_doc(ws, "ox.recipe.yaml"), ws, at(PECVD, "pressure: 2 Torr"))
    assert h is not None
    assert "0.1 Torr .. 10 Torr" in h.markdown.replace("100 mTorr", "0.1 Torr")
    assert "1.5 Torr .. 3 Torr" in h.markdown and "mTorr" in h.markdown


def test_hover_on_generator_and_parameter(ws: Workspace) -> None:
    doc = recipe_doc(ws, "ox.recipe.yaml")
    h = RCP.hover(doc, ws, at(PECVD, "HF: 400"))
    assert h is not None and "13.56 MHz" in h.markdown and "1000 W" in h.markdown
    h = RCP.hover(doc, ws, at(PECVD, "${silane_flow}", shift=3))
    assert h is not None and "sccm" in h.markdown and "max 250 sccm" in h.markdown


def test_definition_to_tool_file_and_parameter(ws: Workspace) -> None:
    doc = recipe_doc(ws, "ox.recipe.yaml")
    tool_uri = (ws.roots[0] / "cvd-01.tool.yaml").as_uri()
    locs = RCP.definition(doc, ws, at(PECVD, "cvd-01", shift=2))
    assert [loc.uri for loc in locs] == [tool_uri] and locs[0].range.start.line == 1
    locs = RCP.definition(doc, ws, at(PECVD, "PM1", shift=1))
    assert locs[0].uri == tool_uri and locs[0].range.start.line == 4
    locs = RCP.definition(doc, ws, at(PECVD, "SiH4", shift=1))
    assert locs[0].uri == tool_uri and "SiH4" in TOOL.splitlines()[locs[0].range.start.line]
    locs = RCP.definition(doc, ws, at(PECVD, "${silane_flow}", shift=4))
    assert locs[0].uri == doc.uri and locs[0].range.start == at(PECVD, "silane_flow:")


def with_line(ws: Workspace, base: str, after: str, line: str) -> tuple[Document, Position]:
    text = base.replace(after, after + line + "\n", 1)
    doc = Document((ws.roots[0] / "ox.recipe.yaml").as_uri(), text, "fab-recipe", 2)
    ws.open(doc)
    row = text[: text.index(after) + len(after)].count("\n")
    return doc, Position(row, len(line))


def test_completion_of_gases_on_the_chamber(ws: Workspace) -> None:
    text = PECVD + "  - name: Extra\n    type: purge\n    gases:\n      N2: 1 slm\n      "
    doc = Document((ws.roots[0] / "ox.recipe.yaml").as_uri(), text, "fab-recipe", 2)
    ws.open(doc)
    labels = {c.label for c in RCP.completion(doc, ws, Position(text.count("\n"), 6))}
    assert labels == {"SiH4", "N2O", "NH3", "O2"}  # N2 is already in the step
    ald = workspace(ws.roots[0] / "b", {"t.tool.yaml": TOOL, "ald.recipe.yaml": ALD})
    text = ALD + "  - name: Extra\n    type: purge\n    gases:\n      "
    doc = Document((ald.roots[0] / "ald.recipe.yaml").as_uri(), text, "fab-recipe", 2)
    ald.open(doc)
    pos = Position(text.count("\n"), 6)
    assert {c.label for c in RCP.completion(doc, ald, pos)} == {"TMA", "H2O", "N2"}


def test_completion_of_step_keys_types_and_units(ws: Workspace) -> None:
    doc, pos = with_line(ws, PECVD, "    duration: 30 s\n", "    ")
    labels = {c.label for c in RCP.completion(doc, ws, pos)}
    assert {"gases", "pressure", "rf", "temperature", "duration"} <= labels
    doc, pos = with_line(ws, PECVD, "    duration: 30 s\n", "    type: ")
    assert "deposit" in {c.label for c in RCP.completion(doc, ws, pos)}
    doc, pos = with_line(ws, PECVD, "    duration: 30 s\n", "    pressure: 50 ")
    assert {c.label for c in RCP.completion(doc, ws, pos)} == {"mTorr", "Torr", "Pa", "mbar"}
    doc, pos = with_line(ws, PECVD, "    duration: 30 s\n", "    ramp_rate: 5 ")
    assert "degC/min" in {c.label for c in RCP.completion(doc, ws, pos)}
    doc, pos = with_line(ws, PECVD, "    duration: 30 s\n", "    duration: ${")
    assert [c.label for c in RCP.completion(doc, ws, pos)] == ["silane_flow"]
    doc, pos = with_line(ws, PECVD, "  chamber: PM1\n", "  ")
    assert "approval" in {c.label for c in RCP.completion(doc, ws, pos)}


def test_outline_lists_steps_and_cycles(ws: Workspace) -> None:
    syms = RCP.symbols(recipe_doc(ws, "ald.recipe.yaml"), ws)
    steps = next(s for s in syms if s.name == "steps")
    assert [s.name for s in steps.children] == ["Pump", "Heat", "Loop", "Cool", "Vent"]
    loop = steps.children[2]
    assert loop.detail == "cycle × 100"
    assert [c.name for c in loop.children] == ["TMA pulse", "Purge A", "H2O pulse", "Purge B"]


def test_tool_file_ide(ws: Workspace) -> None:
    doc = ws.get((ws.roots[0] / "cvd-01.tool.yaml").as_uri())
    assert doc is not None
    syms = TOOL_LANG.symbols(doc, ws)
    assert [s.name for s in syms] == ["PM1", "PM2"]
    assert "SiH4" in [c.name for c in syms[0].children]
    h = TOOL_LANG.hover(doc, ws, at(TOOL, "base_pressure"))
    assert h is not None and "pump-down" in h.markdown
