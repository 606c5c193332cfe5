"""Malformed YAML, units and schema messages: a clear finding, never a crash or a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from recipe_fixtures import PECVD, check, spans

from plantls.core.diagnostics import Severity
from plantls.core.documents import Document
from plantls.core.positions import Position
from plantls.core.workspace import Workspace
from plantls.languages.recipe import RECIPE_LANGUAGE, TOOL_LANGUAGE
from plantls.languages.recipe.units import FLOW, POWER, PRESSURE, dimension_of, parse_quantity


def findings(text: str, decode_problem: str | None = None) -> list[tuple[str, int, str, str]]:
    doc = Document("file:///tmp/x.recipe.yaml", text, "fab-recipe",
                   decode_problem=decode_problem)
    ws = Workspace([])
    diags = RECIPE_LANGUAGE.diagnostics(doc, ws)
    # IDE features must not fail either
    RECIPE_LANGUAGE.symbols(doc, ws)
    RECIPE_LANGUAGE.hover(doc, ws, Position(0, 0))
    RECIPE_LANGUAGE.completion(doc, ws, Position(0, 0))
    return [(c, line, t, d.message) for (c, line, t), d in zip(spans(doc, diags), diags,
                                                                strict=True)]


def test_tabs() -> None:
    found = findings("recipe:\n\tid: X\n")
    assert found[0][:2] == ("RCP100", 2)
    assert "tab" in found[0][3]


def test_duplicate_key_points_at_the_second() -> None:
    text = PECVD.replace(
        "    pressure: 2 Torr\n    rf:", "    pressure: 2 Torr\n    pressure: 20 Torr\n    rf:"
    )
    found = findings(text)
    dup = [f for f in found if f[0] == "RCP100"]
    assert dup and dup[0][2] == "pressure" and "duplicate key 'pressure'" in dup[0][3]
    assert f"first defined on line {dup[0][1] - 1})" in dup[0][3]


def test_anchors_and_aliases_are_reported_not_expanded() -> None:
    bomb = "k0: &k0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"k{i + 1}: &k{i + 1} [*k{i}, *k{i}, *k{i}, *k{i}, *k{i}]\n" for i in range(20)
    )
    start = time.monotonic()
    found = findings(bomb)
    assert time.monotonic() - start < 5
    assert any(f[0] == "RCP100" and "alias" in f[3] for f in found)


def test_huge_file_is_refused() -> None:
    found = findings("recipe:\n" + "  # padding\n" * 200_000)
    assert found[0][0] == "RCP100" and "limit" in found[0][3]


def test_deep_nesting() -> None:
    found = findings("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert found[0][0] == "RCP100" and "nested" in found[0][3]


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_non_mapping_root(text: str) -> None:
    found = findings(text)
    assert [f[0] for f in found] == ["RCP101"]
    assert "must be a mapping" in found[0][3]


def test_empty_file() -> None:
    assert [f[0] for f in findings("")] == ["RCP100"]


def test_invalid_utf8_is_reported() -> None:
    found = findings("recipe: {}\n", decode_problem="file is not valid UTF-8 (byte 3)")
    assert found[0][0] == "RCP100" and "UTF-8" in found[0][3]


def test_syntax_error_position() -> None:
    found = findings("recipe:\n  id: [X\nsteps: []\n")
    assert found[0][0] == "RCP100" and found[0][3].startswith("invalid YAML")


def test_python_tags_are_not_executed() -> None:
    found = findings("recipe: !!python/object/apply:os.system [echo hi]\nsteps: []\n")
    assert any(f[0] == "RCP100" and "tag" in f[3] for f in found)


def test_unknown_key_did_you_mean(tmp_path: Path) -> None:
    _doc, diags = check(tmp_path, PECVD.replace("  chamber: PM1", "  chambre: PM1"))
    msgs = [d.message for d in diags if d.code == "RCP101"]
    assert any("did you mean 'chamber'?" in m for m in msgs)
    assert any("missing the required key 'chamber'" in m for m in msgs)


def test_tool_file_problems(tmp_path: Path) -> None:
    doc = Document("file:///tmp/t.tool.yaml",
                   "tool: {id: t, type: cvd}\nchambers:\n  PM1:\n    gas_lines:\n"
                   "      - {gas: SiH4, full_scale: 500 W, kinds: process}\n", "fab-tool")
    diags = TOOL_LANGUAGE.diagnostics(doc, Workspace([]))
    got = {(d.code, d.severity) for d in diags}
    assert ("RCP101", Severity.ERROR) in got and ("RCP102", Severity.ERROR) in got


def test_units() -> None:
    assert dimension_of(parse_quantity("50 sccm").quantity) == FLOW
    assert dimension_of(parse_quantity("1.5 slm").quantity) == FLOW
    assert dimension_of(parse_quantity("30 mTorr").quantity) == PRESSURE
    assert dimension_of(parse_quantity("400 W").quantity) == POWER
    # sccm is a molar flow: never comparable with power or pressure
    assert dimension_of(parse_quantity("1 slm").quantity) != dimension_of(
        parse_quantity("1 W").quantity)
    rate = parse_quantity("5 degC/min").quantity
    assert rate is not None and abs(rate.to("K/s").magnitude - 5 / 60) < 1e-9
    hot = parse_quantity("350 degC").quantity
    assert hot is not None and abs(hot.to("K").magnitude - 623.15) < 1e-9
    assert parse_quantity("50").unitless
    assert "did you mean 'sccm'" in (parse_quantity("50 sccmm").error or "")
