"""The OpenDSS tokenizer and file model: exact positions, continuations, comments, arrays."""

from __future__ import annotations

from pathlib import Path

from plantls.languages.dss.model import Element, Include, build_model
from plantls.languages.dss.syntax import parse, split_array

SCRIPT = """\
/* block
   comment */
New Line.L1 bus1=a.1.2.3 bus2=b  ! trailing
~ linecode=lc length=0.5 // another
More units=km
New Load.x a 11 kw=(100 2 *) kvar="1 2"
New Transformer.T buses=[a, b] kvs=(11 0.4) conns={wye delta} xhl='5'
Redirect sub/lines.dss
set voltagebases=[11 0.4]
"""


def test_tokens_have_exact_offsets() -> None:
    script = parse(SCRIPT)
    words = [c.verb.text for c in script.commands]
    assert words == ["New", "~", "More", "New", "New", "Redirect", "set"]
    for cmd in script.commands:
        for p in cmd.params:
            for tok in (p.name, p.value):
                if tok is None:
                    continue
                raw = SCRIPT[tok.start : tok.end]
                assert raw == (f"{tok.quote}{tok.text}{raw[-1]}" if tok.quote else tok.text)
    assert len(script.comments) == 3  # block, '!' and '//'


def test_arrays_in_every_bracket_form() -> None:
    cmd = parse(SCRIPT).commands[4]
    values = {p.name.text: p.value for p in cmd.params if p.name and p.value}
    assert [t.text for t in split_array(values["buses"])] == ["a", "b"]
    assert [t.text for t in split_array(values["kvs"])] == ["11", "0.4"]
    assert [t.text for t in split_array(values["conns"])] == ["wye", "delta"]
    assert values["xhl"].quote == "'"
    item = split_array(values["kvs"])[1]
    assert SCRIPT[item.start : item.end] == "0.4"


def test_model_merges_continuations_and_resolves_properties(tmp_path: Path) -> None:
    model = build_model("file:///x.dss", SCRIPT, tmp_path / "x.dss")
    elements = [s for s in model.statements if isinstance(s, Element)]
    line = elements[0]
    assert line.full_name == "Line.L1" and line.end_line == 4
    assert line.value("linecode") == "lc" and line.value("units") == "km"
    load = elements[1]
    # positional values fill properties in the engine's order (Load: phases, bus1, kV)
    assert [(pv.name, pv.text) for pv in load.props[:2]] == [("Phases", "a"), ("Bus1", "11")]
    inc = next(s for s in model.statements if isinstance(s, Include))
    assert inc.target == (tmp_path / "sub/lines.dss").resolve()


def test_abbreviations_resolve_like_the_engine() -> None:
    model = build_model("file:///x.dss", "New Line.a bu=x len=2 r=0.5\nsol\n", None)
    el = model.elements[0]
    assert [pv.name for pv in el.props] == ["Bus1", "Length", "R1"]
    assert model.statements[1].name == "Solve"  # type: ignore[union-attr]


def test_property_edit_form_is_a_command() -> None:
    model = build_model("file:///x.dss", "Transformer.T1.Tap = 1.05\nLine.L1.length=2\n", None)
    assert all(getattr(s, "property_edit", False) for s in model.statements)
