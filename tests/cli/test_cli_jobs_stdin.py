"""--jobs gives the same report as one process; --stdin-filename checks unsaved text."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantls.cli.check import _slices, check_paths
from plantls.cli.main import main
from plantls.core.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
USES_FB = """PROGRAM MAIN
VAR
    fbPump : FB_Pump;
    bRun : BOOL;
END_VAR
fbPump(bEnable := bRun);
END_PROGRAM
"""
DECLARES_FB = """FUNCTION_BLOCK FB_Pump
VAR_INPUT
    bEnable : BOOL;
END_VAR
END_FUNCTION_BLOCK
"""
CASE_NO_ELSE = USES_FB.replace("fbPump(bEnable := bRun);",
                               "CASE 1 OF\n    0: bRun := FALSE;\nEND_CASE")


def as_tuples(results: list) -> list:
    return [(r.path, r.language, [(d.code, d.range, d.severity, d.message) for d in r.diagnostics],
             r.fingerprints) for r in results]


@pytest.mark.parametrize("jobs", [2, 5])
def test_jobs_match_one_process(jobs: int) -> None:
    one = as_tuples(check_paths([EXAMPLES], Settings(), jobs=1))
    assert as_tuples(check_paths([EXAMPLES], Settings(), jobs=jobs)) == one
    assert sum(len(r[2]) for r in one) > 20


def test_spawned_workers_index_for_themselves() -> None:
    one = as_tuples(check_paths([EXAMPLES], Settings(), jobs=1))
    assert as_tuples(check_paths([EXAMPLES], Settings(), jobs=2, start_method="spawn")) == one


def test_workers_resolve_across_files(tmp_path: Path) -> None:
    for i in range(6):  # several slices, so the FB's file is not in every worker's slice
        (tmp_path / f"a{i}.st").write_text(USES_FB.replace("MAIN", f"MAIN{i}"))
    (tmp_path / "z_pump.st").write_text(DECLARES_FB)
    results = check_paths([tmp_path], Settings(), jobs=3)
    assert len(results) == 7 and all(r.diagnostics == [] for r in results)


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "gitlab", "text"])
def test_cli_output_is_identical(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", fmt, str(EXAMPLES)])
    one = capsys.readouterr().out
    main(["check", "--format", fmt, "--jobs", "0", str(EXAMPLES)])
    assert capsys.readouterr().out == one


def test_slices_cover_everything() -> None:
    for count in (1, 7, 100):
        for jobs in (1, 3, 16):
            covered = [i for a, b in _slices(count, jobs) for i in range(a, b)]
            assert covered == list(range(count))


def test_bad_jobs_value() -> None:
    with pytest.raises(SystemExit):
        main(["check", "--jobs", "-1", "."])
    with pytest.raises(SystemExit):
        main(["check", "--jobs", "many", "."])


def stdin_check(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                text: str, *args: str) -> tuple[int, dict]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_stdin_uses_the_workspace_around_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plantls.toml").write_text("")
    (tmp_path / "plc").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "pump.st").write_text(DECLARES_FB)
    target = tmp_path / "plc" / "main.st"
    target.write_text("garbage that is not what the editor holds")
    monkeypatch.chdir(tmp_path)
    # FB_Pump is found in lib/ (indexed from the config's folder); the text comes from stdin
    code, report = stdin_check(monkeypatch, capsys, USES_FB, "--stdin-filename", "plc/main.st")
    assert code == 0
    (entry,) = report["files"]
    assert entry["path"] == "plc/main.st" and entry["diagnostics"] == []
    code, report = stdin_check(monkeypatch, capsys, CASE_NO_ELSE,
                               "--stdin-filename", "plc/main.st", "--fail-on", "warning")
    assert code == 1 and [d["code"] for d in report["files"][0]["diagnostics"]] == ["ST201"]


def test_stdin_for_a_file_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _, report = stdin_check(monkeypatch, capsys, USES_FB, "--stdin-filename", "new/x.st")
    assert [d["code"] for d in report["files"][0]["diagnostics"]] == ["ST107"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x")))
    assert main(["check", "--stdin-filename", "notes.txt"]) == 2
    assert "no plantls language handles 'notes.txt'" in capsys.readouterr().err


def test_stdin_in_a_real_pipe(tmp_path: Path) -> None:
    """As pre-commit or an editor plugin would run it."""
    (tmp_path / "pump.st").write_text(DECLARES_FB)
    proc = subprocess.run(
        [sys.executable, "-m", "plantls", "check", "--format", "github",
         "--stdin-filename", "main.st"],
        input=CASE_NO_ELSE.encode(), capture_output=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().startswith("::warning file=main.st,line=6,col=1,")


def test_check_needs_a_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "needs a PATH" in capsys.readouterr().err


def test_named_files_are_checked_against_their_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pre-commit passes only the changed files: their project is indexed, not reported."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "plc").mkdir()
    (tmp_path / "lib" / "pump.st").write_text(DECLARES_FB)
    (tmp_path / "plc" / "other.st").write_text(CASE_NO_ELSE.replace("MAIN", "OTHER"))
    main_st = tmp_path / "plc" / "main.st"
    main_st.write_text(USES_FB)
    # no config file: only the files next to it are indexed, so FB_Pump is unknown
    main(["check", "--format", "json", str(main_st)])
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert [d["code"] for d in entry["diagnostics"]] == ["ST107"]
    # with a config file at the top, the whole project is indexed; only main.st is reported
    (tmp_path / "plantls.toml").write_text("")
    for jobs in ("1", "2"):
        main(["check", "--format", "json", "--jobs", jobs, str(main_st)])
        (entry,) = json.loads(capsys.readouterr().out)["files"]
        assert entry["diagnostics"] == []
