"""One broken script per static rule: the finding appears at the right line with the right code."""

from __future__ import annotations

from pathlib import Path

import pytest
from dss_helpers import HEAD, check, codes_at

from plantls.core.language import language_by_id

CASES: list[tuple[str, dict[str, str], str, int]] = [
    ("DSS101", {"m.dss": HEAD + "Sovle\n"}, "m.dss", 4),
    ("DSS102", {"m.dss": HEAD + "New Lien.a bus1=src bus2=b\n"}, "m.dss", 4),
    ("DSS103", {"m.dss": HEAD + "New Line.a bus1=src bus2=b lenght=2\n"}, "m.dss", 4),
    ("DSS103", {"m.dss": HEAD + "Set voltbases=[11]\n"}, "m.dss", 4),
    ("DSS104", {"m.dss": HEAD + "New Load.l bus1=src kv=11 kw=100kW\n"}, "m.dss", 4),
    ("DSS104", {"m.dss": HEAD + "New Load.l bus1=src kv=11 kw=1 conn=star\n"}, "m.dss", 4),
    ("DSS105", {"m.dss": HEAD + "New Load.l bus1=src kv=11\nNew Load.l bus1=src kv=11\n"},
     "m.dss", 5),
    ("DSS106", {"m.dss": "New Line.a bus1=x bus2=y\nSolve\n"}, "m.dss", 1),
    ("DSS201", {"m.dss": HEAD + "New Line.a bus1=src bus2=b linecode=nope\n"}, "m.dss", 4),
    ("DSS201", {"m.dss": HEAD + "New Line.a bus1=src bus2=b linecode=late\n"
                "New LineCode.late r1=1\n"}, "m.dss", 4),
    ("DSS202", {"m.dss": HEAD + "Redirect missing.dss\n"}, "m.dss", 4),
    ("DSS202", {"m.dss": HEAD + "Redirect ../outside.dss\n"}, "m.dss", 4),
    ("DSS203", {"m.dss": HEAD + "New Monitor.m element=Line.nope\n"}, "m.dss", 4),
    ("DSS203", {"m.dss": HEAD + "New RegControl.r transformer=nope\n"}, "m.dss", 4),
    ("DSS301", {"m.dss": HEAD + "New Line.a bus1=src bus2=b linecode=lc\n"
                "New Line.c bus1=x bus2=y linecode=lc\n"}, "m.dss", 5),
    ("DSS302", {"m.dss": HEAD + "New Line.a bus1=src bus2=pump_house linecode=lc\n"
                "New Load.p bus1=pump_hosue kv=11 kw=5\n"}, "m.dss", 5),
    ("DSS303", {"m.dss": HEAD + "New Load.p bus1=src.1 kv=6.35 kw=5\n"}, "m.dss", 4),
    ("DSS304", {"m.dss": HEAD + "New LineCode.m nphases=3 rmatrix=[1|0.1 1|0.1 0.1 1]\n"
                "New Line.a bus1=src.1 bus2=b.1 linecode=m phases=1\n"}, "m.dss", 5),
    ("DSS401", {"m.dss": HEAD + "New Line.a bus1=src bus2=b linecode=lc\nSolve\n"}, "m.dss", 2),
    ("DSS401", {"m.dss": HEAD + "CalcVoltageBases\nSet voltagebases=[11]\n"}, "m.dss", 4),
    ("DSS402", {"m.dss": HEAD + "Set voltagebases=[11]\nNew Load.p bus1=src phases=3 kv=6.35\n"},
     "m.dss", 5),
    ("DSS403", {"m.dss": HEAD + "New LineCode.nu r1=0.1 x1=0.1\n"
                "New Line.a bus1=src bus2=b linecode=nu length=100 units=m\n"}, "m.dss", 5),
    ("DSS404", {"m.dss": HEAD + "New LoadShape.s npts=4 mult=[1 2 3]\n"}, "m.dss", 4),
    ("DSS405", {"m.dss": HEAD + "New Line.a bus1=src bus2=b r1=0 x1=0 length=1\n"}, "m.dss", 4),
    ("DSS405", {"m.dss": HEAD + "New Line.a bus1=src bus2=b linecode=lc length=0\n"}, "m.dss", 4),
]


@pytest.mark.parametrize(("code", "files", "target", "line"), CASES)
def test_rule_fires_at_line(
    tmp_path: Path, code: str, files: dict[str, str], target: str, line: int
) -> None:
    root = tmp_path / "ws"
    found = check(root, files, target)
    assert (code, line) in codes_at(found), [(d.code, d.range.start.line + 1) for d in found]


CLEAN = HEAD + """\
New LoadShape.day npts=4 interval=6 mult=(0.5 1 1 0.5)
New Transformer.T phases=3 windings=2 buses=[src lv] conns=[delta wye] kvs=[11 0.4] kvas=[500 500]
~ xhl=5
New Line.a bus1=lv bus2=b linecode=lc length=0.2 units=km
New Load.p bus1=b phases=3 kv=0.4 kw=100 daily=day
New Load.q bus1=b.1 phases=1 kv=0.23 kw=10
New Monitor.m element=Line.a terminal=1
Set voltagebases=[11 0.4]
CalcVoltageBases
Solve
"""


def test_clean_script_has_no_findings(tmp_path: Path) -> None:
    assert check(tmp_path, {"m.dss": CLEAN}) == []


def test_reference_across_redirect_in_order(tmp_path: Path) -> None:
    files = {
        "master.dss": "Clear\nNew Circuit.x basekv=11\nRedirect codes.dss\nRedirect lines.dss\n",
        "codes.dss": "New LineCode.c1 nphases=3 r1=0.1 x1=0.1 units=km\n",
        "lines.dss": "New Line.a bus1=sourcebus bus2=b linecode=c1 length=1 units=km\n",
    }
    assert check(tmp_path, files, "lines.dss") == []
    files["master.dss"] = "Clear\nNew Circuit.x basekv=11\nRedirect lines.dss\nRedirect codes.dss\n"
    found = check(tmp_path, files, "lines.dss")
    assert ("DSS201", 1) in codes_at(found)
    assert "only after" in next(d.message for d in found if d.code == "DSS201")


def test_every_rule_has_a_doc_and_a_case() -> None:
    lang = language_by_id("opendss")
    assert lang is not None
    static = {c for c, *_ in CASES}
    for rule in lang.rules():
        assert rule.doc.why and rule.doc.example and rule.doc.fix
        if not rule.code.startswith("DSS5"):
            assert rule.code in static, rule.code


def test_example_feeder_findings(tmp_path: Path) -> None:
    import json

    from plantls.cli.check import check_paths
    from plantls.core.settings import Settings

    grid = Path(__file__).resolve().parents[3] / "examples/bottling_line/grid"
    expected = json.loads((grid / "expected_findings.json").read_text())
    results = check_paths([grid], Settings())
    got = {
        (str(Path(r.path).resolve().relative_to(grid)), d.range.start.line + 1, d.code)
        for r in results for d in r.diagnostics
    }
    want = {(e["path"], e["line"], e["code"]) for e in expected if not e["code"].startswith("DSS5")}
    assert got == want
