# ruff: noqa: E501  (the case table quotes whole recipe lines)
"""Every RCP rule: recipes that trigger it (right code, right key or value) and clean ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipe_fixtures import ALD, PECVD, TOOL, check, spans

from plantls.core.diagnostics import Severity
from plantls.languages.recipe import RECIPE_LANGUAGE


def test_correct_recipes_have_no_findings(tmp_path: Path) -> None:
    for name, text in (("ox.recipe.yaml", PECVD), ("ald.recipe.yaml", ALD)):
        doc, diags = check(tmp_path, text, name=name)
        assert spans(doc, diags) == [], name


def test_tool_file_itself_is_clean(tmp_path: Path) -> None:
    from recipe_fixtures import workspace

    ws = workspace(tmp_path, {"cvd-01.tool.yaml": TOOL})
    doc = ws.get((tmp_path / "cvd-01.tool.yaml").as_uri())
    assert doc is not None and doc.language_id == "fab-tool"
    assert ws.diagnostics(doc) == []


# (id, base recipe, old text, new text, expected code, expected marked text)
CASES = [
    ("RCP101-unknown-key", PECVD, "    pressure: 2 Torr\n    rf:", "    preasure: 2 Torr\n    rf:",
     "RCP101", "preasure"),
    ("RCP101-bad-step-type", PECVD, "type: plasma", "type: plasm", "RCP101", "plasm"),
    ("RCP101-missing-name", PECVD, "  - name: Ash\n    type: plasma", "  - type: plasma",
     "RCP101", "type: plasma"),
    ("RCP101-wrong-type", ALD, "cycles: 100", "cycles: many", "RCP101", "many"),
    ("RCP102-no-unit", PECVD, "N2O: 3000 sccm}\n    pressure: 2 Torr\n    rf",
     "N2O: 3000}\n    pressure: 2 Torr\n    rf", "RCP102", "3000"),
    ("RCP102-wrong-dimension", PECVD, "rf: {HF: 400 W}", "rf: {HF: 400 sccm}", "RCP102",
     "400 sccm"),
    ("RCP102-unknown-unit", PECVD, "duration: 60 s", "duration: 60 sekunden", "RCP102",
     "60 sekunden"),
    ("RCP102-param-dimension", PECVD, "silane_flow: {unit: sccm, min: 100, max: 250, default: 200}",
     "silane_flow: {unit: W, min: 100, max: 250, default: 200}", "RCP102", '"${silane_flow}"'),
    ("RCP103-undefined", PECVD, 'gases: {SiH4: "${silane_flow}", N2O: 3000 sccm}\n    pressure: 2 Torr\n    temperature',
     'gases: {SiH4: "${silane_flw}", N2O: 3000 sccm}\n    pressure: 2 Torr\n    temperature',
     "RCP103", "${silane_flw}"),
    ("RCP103-default-outside", PECVD, "default: 200", "default: 300", "RCP103", "300"),
    ("RCP201-mfc-full-scale", PECVD, "gases: {O2: 500 sccm}\n    pressure: 2 Torr\n    rf",
     "gases: {O2: 1.2 slm}\n    pressure: 2 Torr\n    rf", "RCP201",
     "1.2 slm"),
    ("RCP201-rf-max", PECVD, "rf: {HF: 300 W}", "rf: {HF: 1.2 kW}", "RCP201", "1.2 kW"),
    ("RCP201-pressure", PECVD, "gases: {O2: 500 sccm}\n    pressure: 2 Torr",
     "gases: {O2: 500 sccm}\n    pressure: 12 Torr", "RCP201", "12 Torr"),
    ("RCP201-parameter-max", PECVD, "max: 250", "max: 700", "RCP201", '"${silane_flow}"'),
    ("RCP202-low-end", PECVD, "gases: {O2: 500 sccm}", "gases: {O2: 10 sccm}", "RCP202",
     "10 sccm"),
    ("RCP203-window", PECVD, "rf: {HF: 400 W}", "rf: {HF: 700 W}", "RCP203", "700 W"),
    ("RCP204-gas-not-on-panel", PECVD, "gases: {O2: 500 sccm}", "gases: {CF4: 500 sccm}",
     "RCP204", "CF4"),
    ("RCP205-chamber", PECVD, "chamber: PM1", "chamber: PM3", "RCP205", "PM3"),
    ("RCP205-tool-type", PECVD, "tool_type: cvd", "tool_type: etch", "RCP205", "etch"),
    ("RCP206-too-fast", ALD, "ramp_rate: 5 degC/min\n    duration: 20 min\n    gases: {N2: 300 sccm}\n    pressure: 1 Torr\n  - name: Loop",
     "ramp_rate: 20 degC/min\n    duration: 20 min\n    gases: {N2: 300 sccm}\n    pressure: 1 Torr\n  - name: Loop",
     "RCP206", "20 degC/min"),
    ("RCP206-start-mismatch", ALD, "{from: 250 degC, to: 150 degC}",
     "{from: 200 degC, to: 150 degC}", "RCP206", "200 degC"),
    ("RCP301-same-step", PECVD, "gases: {O2: 500 sccm}", "gases: {O2: 500 sccm, SiH4: 100 sccm}",
     "RCP301", "SiH4"),
    ("RCP302-no-purge", PECVD, "  - name: Purge\n    type: purge\n    duration: 10 s\n    gases: {N2: 5 slm}\n  - name: Ash",
     "  - name: Ash", "RCP302", "O2"),
    ("RCP302-short-purge", PECVD, "  - name: Purge\n    type: purge\n    duration: 10 s",
     "  - name: Purge\n    type: purge\n    duration: 1 s", "RCP302", "O2"),
    ("RCP303-vent-without-purge", PECVD, "  - name: Purge 2\n    type: purge\n    duration: 10 s\n    gases: {N2: 5 slm}\n",
     "", "RCP303", "vent"),
    ("RCP303-pump-not-to-base", PECVD, "pressure: 10 mTorr", "pressure: 500 mTorr", "RCP303",
     "500 mTorr"),
    ("RCP304-no-stabilize", PECVD, "  - name: Stabilize\n    type: stabilize\n    duration: 20 s\n    gases: {SiH4: \"${silane_flow}\", N2O: 3000 sccm}\n    pressure: 2 Torr\n    temperature: 300 degC\n",
     "", "RCP304", "HF"),
    ("RCP305-zero-duration", PECVD, "duration: 60 s", "duration: 0 s", "RCP305", "0 s"),
    ("RCP305-endpoint-no-timeout", PECVD, "    duration: 60 s\n", "    endpoint: {signal: thickness}\n",
     "RCP305", "endpoint"),
    ("RCP306-zero-cycles", ALD, "cycles: 100", "cycles: 0", "RCP306", "0"),
    ("RCP307-heater-not-idle", ALD, "{from: 250 degC, to: 150 degC}",
     "{from: 250 degC, to: 250 degC}", "RCP307", "250 degC"),
    ("RCP308-approved-no-version", PECVD, "  version: 3\n", "", "RCP308", "approved"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_triggers_on_the_right_key(tmp_path: Path, case: tuple[str, ...]) -> None:
    _id, base, old, new, code, marked = case
    assert old in base, "test case does not apply"
    doc, diags = check(tmp_path, base.replace(old, new, 1))
    found = spans(doc, diags)
    mine = [f for f in found if f[0] == code]
    assert mine, f"expected {code}, got {found}"
    assert any(text == marked for _c, _l, text in mine), f"{code} marks {mine}, not {marked!r}"
    if new:
        wanted_line = base.replace(old, new, 1)[: base.index(old)].count("\n") + 1
        lines = {line for _c, line, _t in mine}
        last = wanted_line + new.count("\n")
        assert lines & set(range(wanted_line, last + 2)) or code in (
            "RCP201", "RCP102", "RCP302", "RCP304", "RCP307"
        ), f"{code} on lines {lines}, edit at {wanted_line}"


def test_rcp306_precursor_pulse_without_purge(tmp_path: Path) -> None:
    text = ALD.replace(
        "      - {name: Purge A, type: purge, duration: 4 s, gases: {N2: 300 sccm}}\n", ""
    )
    doc, diags = check(tmp_path, text)
    found = spans(doc, diags)
    assert ("RCP306", 21, "TMA") in found
    # the same missing purge is also an RCP302 (TMA then H2O)
    assert ("RCP302", 22, "H2O") in found


def test_rcp302_wraps_around_the_cycle(tmp_path: Path) -> None:
    text = ALD.replace(
        "      - {name: Purge B, type: purge, duration: 4 s, gases: {N2: 300 sccm}}\n", ""
    )
    doc, diags = check(tmp_path, text)
    assert ("RCP302", 21, "TMA") in spans(doc, diags)


def test_rcp303_process_gas_before_pump(tmp_path: Path) -> None:
    text = PECVD.replace("    type: pump\n    duration: 30 s\n    pressure: 10 mTorr\n",
                         "    type: wait\n    duration: 30 s\n")
    doc, diags = check(tmp_path, text)
    assert ("RCP303", 18, "SiH4") in spans(doc, diags)


def test_rcp307_gas_and_rf_left_on(tmp_path: Path) -> None:
    end = PECVD.index("  - name: Purge 2")
    doc, diags = check(tmp_path, PECVD[:end])
    found = spans(doc, diags)
    lines = PECVD[:end].splitlines()
    last_o2 = max(i for i, t in enumerate(lines) if "O2: 500" in t) + 1
    assert ("RCP307", last_o2, "O2") in found
    assert ("RCP307", last_o2 + 2, "HF") in found


def test_rcp205_tool_not_found_is_a_warning(tmp_path: Path) -> None:
    _doc, diags = check(tmp_path, PECVD.replace("tool: cvd-01", "tool: cvd-99"))
    found = [d for d in diags if d.code == "RCP205"]
    assert len(found) == 1 and found[0].severity == Severity.WARNING
    assert "cvd-99" in found[0].message
    assert not [d for d in diags if d.code.startswith("RCP2") and d.code != "RCP205"]


def test_tool_file_relative_path(tmp_path: Path) -> None:
    text = PECVD.replace("tool: cvd-01\n", "tool: cvd-01\n  tool_file: ../tools/x.tool.yaml\n")
    from recipe_fixtures import recipe_doc, workspace

    ws = workspace(tmp_path, {"tools/x.tool.yaml": TOOL, "recipes/r.recipe.yaml": text})
    doc = recipe_doc(ws, "recipes/r.recipe.yaml")
    assert ws.diagnostics(doc) == []
    bad = workspace(tmp_path / "b", {"recipes/r.recipe.yaml": text})
    diags = bad.diagnostics(recipe_doc(bad, "recipes/r.recipe.yaml"))
    assert [d.code for d in diags] == ["RCP205"]


def test_every_rule_has_a_doc_and_a_unique_code() -> None:
    rules = RECIPE_LANGUAGE.rules()
    assert len({r.code for r in rules}) == len(rules) == 18
    for r in rules:
        assert r.doc.why and r.doc.example and r.doc.fix and r.summary
        assert r.code.startswith("RCP") and r.language == "fab-recipe"
        assert "## Why" in r.markdown()
