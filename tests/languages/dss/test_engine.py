"""Engine validation: findings at the right line, power-flow results, and the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

from dss_helpers import check, codes_at, write

from plantls.core.documents import path_to_uri
from plantls.core.settings import DssSettings, Settings
from plantls.core.workspace import Workspace
from plantls.languages.dss.engine import build_job
from plantls.languages.dss.language import DSS_LANGUAGE

WEAK = """\
Clear
New Circuit.W basekv=11 bus1=src
New LineCode.lc nphases=3 r1=0.3 x1=0.1 units=km normamps=100
New Line.long bus1=src bus2=far linecode=lc length=15 units=km
New Load.big bus1=far phases=3 kv=11 kw=2500 pf=0.9
Set voltagebases=[11]
CalcVoltageBases
Solve
"""


def test_engine_errors_land_on_their_lines(tmp_path: Path) -> None:
    files = {
        "master.dss": "Clear\nNew Circuit.E basekv=11 bus1=src\nRedirect part.dss\n",
        "part.dss": "New Line.a bus1=src bus2=b\nNew Line.b bus1=b bus2=c linecode=nope\n",
    }
    found = check(tmp_path, files, "part.dss", engine=True)
    assert ("DSS501", 2) in codes_at(found)
    assert ("DSS201", 2) in codes_at(found)


def test_voltage_range_and_overload_after_solve(tmp_path: Path) -> None:
    found = check(tmp_path, {"m.dss": WEAK}, engine=True)
    got = codes_at(found)
    assert ("DSS503", 4) in got  # on the line that first connects to bus 'far'
    assert ("DSS504", 4) in got


def test_not_converged(tmp_path: Path) -> None:
    script = WEAK.replace("Solve", "Set maxiterations=2 tolerance=1e-30\nSolve")
    found = check(tmp_path, {"m.dss": script}, engine=True)
    assert ("DSS502", 9) in codes_at(found)


def _snapshot(folder: Path) -> dict[str, float]:
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = Path(root) / f
            out[str(p)] = p.stat().st_mtime
    return out


DANGEROUS = WEAK + """\
Export voltages
Save circuit dir=saved
Show voltages
Plot profile
DOScmd touch pwned.txt
System touch pwned.txt
Set datapath=/tmp
Set demandinterval=true
Redirect ../outside.dss
New LoadShape.x npts=2 mult=(file=/etc/hostname)
New EnergyMeter.m element=Line.long action=save
"""


def test_dangerous_commands_never_reach_the_engine(tmp_path: Path) -> None:
    ws_root = tmp_path / "ws"
    write(ws_root, {"m.dss": DANGEROUS})
    (tmp_path / "outside.dss").write_text("New Line.evil bus1=src bus2=x\n")
    before_ws, before_tmp = _snapshot(ws_root), set(os.listdir(tmp_path))
    cwd_before = set(os.listdir(Path.cwd()))
    settings = Settings(dss=DssSettings(engine=True))
    ws = Workspace([ws_root], settings)
    ws.index_all()
    doc = ws.get(path_to_uri(ws_root / "m.dss"))
    assert doc is not None
    analysis = DSS_LANGUAGE.analysis(doc, ws)
    assert analysis is not None
    job = build_job(analysis, ws_root)
    sent = " ".join(c[2].lower() for c in job.commands)
    for word in ("export", "save circuit", "show", "plot", "doscmd", "datapath", "/etc"):
        assert word not in sent
    found = ws.diagnostics(doc)
    assert any(d.code.startswith("DSS5") for d in found)  # the engine did run
    assert _snapshot(ws_root) == before_ws
    assert set(os.listdir(tmp_path)) == before_tmp
    assert set(os.listdir(Path.cwd())) == cwd_before
    assert not (Path.home() / "pwned.txt").exists()
