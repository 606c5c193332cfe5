"""Trying to break the OpenDSS engine sandbox (languages/dss/engine.py).

Scripts that try to write, export, change folders, reach outside the workspace or run
commands: each attack line must be kept from the engine (statically, in build_job), and a
real engine run over all of them must leave every folder outside its scratch directory as
it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plantls.core.documents import path_to_uri
from plantls.core.settings import DssSettings, Settings
from plantls.core.workspace import Workspace
from plantls.languages.dss.engine import build_job
from plantls.languages.dss.language import DSS_LANGUAGE

pytestmark = pytest.mark.timeout(120)

HEAD = """\
Clear
New Circuit.S basekv=11 bus1=src
New Line.a bus1=src bus2=b length=1 units=km
New Load.l bus1=b kv=11 kw=100
Set voltagebases=[11]
CalcVoltageBases
Solve
"""

ATTACKS = [
    # commands that write files, open windows or run programs
    "Export voltages", "export,voltages", "Export\tlosses", '"Export" currents',
    "(Export) powers", "exp powers", "Save circuit dir=saved", "save",
    "Show voltages", "sho currents", "Plot profile", "Visualize currents element=Line.a",
    "DOScmd touch pwned.txt", "doscmd /c del x", "FileEdit x.dss", "Dump Line.a debug",
    "Obfuscate", "CD ..", "cd /", "cd", "Set datapath=/tmp", "set dat=/tmp",
    "Set DataPath=..", "Set datapath=(/tmp)", 'Set datapath="/tmp"', "Set casename=../x",
    "Set editor=/bin/sh", "Set demandinterval=true", "Set log=yes",
    "Set keeplist=true", "Set overloadreport=true", "Set voltexceptionreport=true",
    # paths outside the workspace, in every spelling
    "New LoadShape.ls1 npts=2 mult=(file=/etc/hostname)",
    "New LoadShape.ls2 npts=2 mult=(file=../outside.csv)",
    "New LoadShape.ls3 npts=2 mult=[file=..\\outside.csv]",
    "New LoadShape.ls4 npts=2 mult={file=sub/../../outside.csv}",
    'New LoadShape.ls5 npts=2 mult=(file="../outside.csv")',
    "New LoadShape.ls6 npts=2 mult=(sngfile=~/x.sng)",
    "New LoadShape.ls7 npts=2 mult=(dblfile=C:\\x.dbl)",
    "New LoadShape.ls8 npts=2 mult=(file=\\\\server\\share\\x.csv)",
    "New XYcurve.c npts=2 csvfile=../outside.csv",
    # var substitution after the static path checks
    "var @up=..", "New LoadShape.ls9 npts=2 mult=(file=@up/outside.csv)",
    "Set datapath=@up", "Redirect @up/outside.dss",
]

INCLUDES = [
    "Redirect ../outside.dss", "Compile (/etc/passwd)", "Redirect ..\\..\\x.dss",
    "Redirect [../outside.dss]", 'Redirect "../outside.dss"', "Compile {../outside.dss}",
    "Redirect /etc/passwd", "Redirect ~/x.dss", "Redirect link.dss",
]


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            p = Path(root) / f
            st = p.lstat()
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


def _workspace(tmp_path: Path, script: str) -> tuple[Workspace, Path]:
    ws_root = tmp_path / "ws"
    (ws_root / "sub").mkdir(parents=True)
    (ws_root / "m.dss").write_text(script)
    (tmp_path / "outside.dss").write_text("New Line.evil bus1=src bus2=x\n")
    (tmp_path / "outside.csv").write_text("1\n2\n")
    (ws_root / "link.dss").symlink_to(tmp_path / "outside.dss")
    ws = Workspace([ws_root], Settings(dss=DssSettings(engine=True)))
    ws.index_all()
    return ws, ws_root


@pytest.mark.parametrize("attack", ATTACKS + INCLUDES)
def test_attack_never_reaches_the_engine(tmp_path: Path, attack: str) -> None:
    ws, root = _workspace(tmp_path, HEAD + attack + "\n")
    doc = ws.get(path_to_uri(root / "m.dss"))
    assert doc is not None
    analysis = DSS_LANGUAGE.analysis(doc, ws)
    assert analysis is not None
    job = build_job(analysis, root)
    sent = [c[2] for c in job.commands]
    allowed = attack.lower().startswith("var ") and "/" not in attack and "\\" not in attack
    if allowed:
        return  # a var definition alone does nothing; its uses are checked
    assert attack not in sent, f"{attack!r} would reach the engine: {sent}"
    assert "evil" not in " ".join(sent)


def test_very_long_and_hidden_commands(tmp_path: Path) -> None:
    long_value = "x" * 200_000
    script = HEAD + "\n".join([
        f"New Line.long bus1=src bus2={long_value}",
        f"// {long_value} Export voltages",
        "/* block comment\nExport voltages\n*/",
        "New Line.c bus1=src bus2=c ! Export voltages",
        "New Line.d bus1=src bus2=d\n~ length=1\n~ Export voltages",
        "More Export=voltages",
        "New Line.e bus1=src bus2=e" + " " * 50_000 + "Export voltages",
    ]) + "\n"
    ws, root = _workspace(tmp_path, script)
    doc = ws.get(path_to_uri(root / "m.dss"))
    assert doc is not None
    analysis = DSS_LANGUAGE.analysis(doc, ws)
    assert analysis is not None
    sent = [c[2].lower() for c in build_job(analysis, root).commands]
    assert not any(line.split(None, 1)[0] in ("export", "show", "save") for line in sent if line)
    assert not any("/*" in line or "block comment" in line for line in sent)


def test_engine_run_of_every_attack_leaves_the_disk_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All attacks in one script, through the real engine: nothing outside the scratch
    directory changes (the workspace, its parent, the working directory, the home)."""
    script = HEAD + "\n".join(ATTACKS + INCLUDES) + "\nSolve\n"
    ws, root = _workspace(tmp_path, script)
    monkeypatch.chdir(tmp_path / "ws" / "sub")
    watched = [tmp_path]
    before = {str(w): _snapshot(w) for w in watched}
    home_before = set(os.listdir(Path.home()))
    doc = ws.get(path_to_uri(root / "m.dss"))
    assert doc is not None
    found = ws.diagnostics(doc)
    assert any(d.code.startswith("DSS5") or d.code == "DSS501" for d in found) or found
    after = {str(w): _snapshot(w) for w in watched}
    assert after == before
    assert set(os.listdir(Path.home())) == home_before
    assert not Path("/tmp/pwned.txt").exists()
    analysis = DSS_LANGUAGE.analysis(doc, ws)
    assert analysis is not None and analysis.engine is not None
    assert analysis.engine.error == "", analysis.engine.error
