import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantls.cli.main import main

CASE_NO_ELSE = """PROGRAM MAIN
VAR
    nStep : INT;
    bValve : BOOL;
END_VAR
CASE nStep OF
    0: bValve := FALSE;
    1: bValve := TRUE;
END_CASE
END_PROGRAM
"""
BROKEN = """PROGRAM P
VAR x : INT; END_VAR
IF x > 1 THEN
    x := 2;
END_PROGRAM
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "main.st").write_text(CASE_NO_ELSE)
    (tmp_path / "notes.txt").write_text("not checked")
    return tmp_path


def test_text_output_and_exit_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project)]) == 0  # a warning does not fail by default
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "ST201" in x)
    path, lineno, col, rest = line.split(":", 3)
    assert path.endswith("main.st") and lineno == "6" and col == "1"
    assert rest.strip().startswith("ST201 ")
    assert main(["check", "--fail-on", "warning", str(project)]) == 1


def test_json_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "json", str(project)])
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1
    (entry,) = report["files"]
    assert entry["language"] == "iec-st"
    diag = next(d for d in entry["diagnostics"] if d["code"] == "ST201")
    assert diag["severity"] == "warning"
    assert diag["range"]["start"] == {"line": 5, "character": 0}
    assert report["summary"]["files"] == 1
    assert report["summary"]["warning"] >= 1


def test_clean_files_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.st").write_text("FUNCTION F : INT\nF := 1;\nEND_FUNCTION\n")
    assert main(["check", "--format", "json", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"][0]["diagnostics"] == []


def test_select_and_ignore(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--ignore", "ST2", "--format", "json", str(project)])
    codes = {d["code"] for f in json.loads(capsys.readouterr().out)["files"]
             for d in f["diagnostics"]}
    assert "ST201" not in codes
    main(["check", "--select", "ST201", "--format", "json", str(project)])
    codes = {d["code"] for f in json.loads(capsys.readouterr().out)["files"]
             for d in f["diagnostics"]}
    assert codes == {"ST201"}


def test_syntax_error_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.st").write_text(BROKEN)
    assert main(["check", str(tmp_path)]) == 1
    assert "ST001" in capsys.readouterr().out


def test_config_file_applies(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "plantls.toml").write_text('[rules]\nfail-on = "warning"\n')
    assert main(["check", str(project)]) == 1
    (project / "plantls.toml").write_text('[rules]\nfail-on = "warning"\nbogus = 1\n')
    main(["check", str(project)])
    assert "unknown setting 'rules.bogus'" in capsys.readouterr().err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["check", "--config", str(tmp_path / "nope.toml"), str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "xml", str(tmp_path)])
    assert exc.value.code == 2


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert "ST201" in capsys.readouterr().out
    assert main(["rules", "st201"]) == 0
    doc = capsys.readouterr().out
    for heading in ("## Why", "## Example", "## Fix"):
        assert heading in doc
    assert main(["rules", "XX999"]) == 2


def test_python_dash_m(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "plantls", "check", "--format", "json", str(project)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["files"] == 1
