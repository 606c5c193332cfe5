"""--baseline: accept today's findings, report new ones, survive edits above a finding."""

import json
from pathlib import Path

import pytest

from plantls.cli.main import main
from plantls.core.baseline import fingerprints
from plantls.core.diagnostics import Diagnostic
from plantls.core.positions import Range

HEAD = """PROGRAM MAIN
VAR
    nStep : INT;
    nMode : INT;
    bValve : BOOL;
END_VAR
"""
CASE_STEP = """CASE nStep OF
    0: bValve := FALSE;
END_CASE
"""
CASE_MODE = CASE_STEP.replace("nStep", "nMode")
TAIL = "END_PROGRAM\n"


def run(project: Path, baseline: Path, capsys: pytest.CaptureFixture[str],
        *extra: str) -> tuple[int, list[tuple[str, int]], str]:
    code = main(["check", "--format", "json", "--fail-on", "warning", "--baseline",
                 str(baseline), *extra, str(project)])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    found = [(d["code"], d["range"]["start"]["line"] + 1)
             for f in report["files"] for d in f["diagnostics"]]
    return code, found, captured.err


def test_baseline_lifecycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "plc"
    project.mkdir()
    main_st = project / "main.st"
    main_st.write_text(HEAD + CASE_STEP + TAIL)
    baseline = tmp_path / "plantls-baseline.json"

    # 1. no baseline yet: write it, report nothing, exit 0
    code, found, err = run(project, baseline, capsys)
    assert (code, found) == (0, [])
    assert "wrote 1 finding(s)" in err
    data = json.loads(baseline.read_text())
    (entry,) = data["findings"]
    assert entry["path"] == "plc/main.st" and entry["code"] == "ST201" and entry["line"] == 7

    # 2. unchanged: still nothing
    assert run(project, baseline, capsys)[:2] == (0, [])

    # 3. lines inserted above the finding: it moved, but it is the same finding
    main_st.write_text(HEAD.replace("VAR\n", "VAR\n    nPad1 : INT;\n    nPad2 : INT;\n", 1)
                       + "\n\n" + CASE_STEP + TAIL)
    assert run(project, baseline, capsys)[:2] == (0, [])

    # 4. a new finding is reported, the old one is not
    main_st.write_text(HEAD + "\n" + CASE_STEP + CASE_MODE + TAIL)
    code, found, _ = run(project, baseline, capsys)
    assert code == 1 and found == [("ST201", 11)]

    # 5. the baselined finding fixed: a hint that the baseline can shrink
    main_st.write_text(HEAD + CASE_MODE + TAIL)
    code, found, err = run(project, baseline, capsys)
    assert found == [("ST201", 7)] and "1 baseline finding(s) no longer occur" in err


def test_same_finding_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main_st = tmp_path / "main.st"
    main_st.write_text(HEAD + CASE_STEP + TAIL)
    baseline = tmp_path / "b.json"
    assert run(tmp_path, baseline, capsys)[:2] == (0, [])
    # an identical CASE on another line: same line text, so the occurrence counter tells
    # the two apart and one of them is new
    main_st.write_text(HEAD + CASE_STEP + CASE_STEP + TAIL)
    code, found, _ = run(tmp_path, baseline, capsys)
    assert code == 1 and [c for c, _ in found] == ["ST201"]


def test_other_working_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the baseline are relative to the baseline file, not to where plantls runs."""
    (tmp_path / "plc").mkdir()
    (tmp_path / "plc" / "main.st").write_text(HEAD + CASE_STEP + TAIL)
    baseline = tmp_path / "baseline.json"
    monkeypatch.chdir(tmp_path)
    assert run(Path("plc"), Path("baseline.json"), capsys)[:2] == (0, [])
    monkeypatch.chdir(tmp_path / "plc")
    assert run(Path("."), baseline, capsys)[:2] == (0, [])


def test_sarif_fingerprints_match_the_baseline(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.st").write_text(HEAD + CASE_STEP + CASE_STEP + TAIL)
    baseline = tmp_path / "b.json"
    main(["check", "--baseline", str(baseline), str(tmp_path)])
    capsys.readouterr()
    recorded = {e["fingerprint"] for e in json.loads(baseline.read_text())["findings"]}
    baseline.unlink()
    main(["check", "--format", "sarif", str(tmp_path)])
    log = json.loads(capsys.readouterr().out)
    sarif = {r["partialFingerprints"]["plantls/v1"] for r in log["runs"][0]["results"]}
    assert sarif == recorded and len(sarif) == 2


def test_bad_baseline_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.st").write_text(HEAD + CASE_STEP + TAIL)
    bad = tmp_path / "b.json"
    bad.write_text("[1, 2]")
    assert main(["check", "--baseline", str(bad), str(tmp_path)]) == 2
    assert "not a plantls baseline" in capsys.readouterr().err


def test_fingerprint_ignores_whitespace_and_line_number() -> None:
    d1 = Diagnostic("ST201", "m", Range.of(0, 0, 0, 4))
    d2 = Diagnostic("ST201", "other message", Range.of(3, 2, 3, 6))
    assert fingerprints([d1], "CASE  x OF\n") == fingerprints([d2], "\n\n\n  CASE x   OF\n")
    assert fingerprints([d1], "CASE x OF\n") != fingerprints([d1], "CASE y OF\n")
