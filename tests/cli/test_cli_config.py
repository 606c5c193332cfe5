"""plantls.toml and [tool.plantls] for CI: select/ignore, per-path ignores, severities, fail-on."""

import json
from pathlib import Path

import pytest

from plantls.cli.main import main
from plantls.core.settings import Settings, load_config_file, merge_settings
from plantls.core.suppressions import glob_regex, path_ignores, severity_override

CASE_NO_ELSE = """PROGRAM MAIN
VAR
    nStep : INT;
    bValve : BOOL;
END_VAR
CASE nStep OF
    0: bValve := FALSE;
END_CASE
END_PROGRAM
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for rel in ("plc/main.st", "plc/legacy/old.st", "plc/legacy/deep/older.st", "vendor/v.st"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(CASE_NO_ELSE.replace("MAIN", Path(rel).stem.upper()))
    return tmp_path


def report(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, list[tuple]]:
    main(["check", "--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    return {Path(f["path"]).as_posix(): [(d["code"], d["severity"]) for d in f["diagnostics"]]
            for f in out["files"]}


def test_per_path_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "plantls.toml").write_text(
        '[rules.per-path-ignores]\n"plc/legacy/**" = ["ST2"]\n"v.st" = "ST201"\n'
    )
    found = report([str(project)], capsys)
    flagged = sorted(p for p, ds in found.items() if ds)
    assert len(found) == 4
    assert [Path(p).name for p in flagged] == ["main.st"]


def test_per_path_patterns_are_relative_to_the_config(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "plantls.toml").write_text('[rules.per-path-ignores]\n"legacy/*.st" = ["ST2"]\n')
    # 'legacy/*.st' means <config folder>/legacy/*.st, which does not exist: nothing ignored
    monkeypatch.chdir(project / "plc")
    found = report(["."], capsys)
    assert all(found.values())
    (project / "plantls.toml").write_text('[rules.per-path-ignores]\n"plc/legacy/*.st" = ["ST"]\n')
    found = report(["."], capsys)
    assert sorted(p for p, ds in found.items() if not ds) == ["legacy/old.st"]


def test_top_level_keys_and_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.plantls]\nignore = ["ST201"]\nfail-on = "warning"\n'
    )
    found = report([str(project)], capsys)
    assert not any(found.values())
    (project / "pyproject.toml").write_text(
        '[tool.plantls]\nfail-on = "warning"\n[tool.plantls.rules.severity]\nST2 = "error"\n'
    )
    found = report([str(project)], capsys)
    assert all(ds == [("ST201", "error")] for ds in found.values())
    assert main(["check", str(project)]) == 1
    capsys.readouterr()


def test_config_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = project / "ci.toml"
    other.write_text('[rules]\nseverity = { ST201 = "hint" }\n')
    found = report(["--config", str(other), str(project)], capsys)
    assert all(ds == [("ST201", "hint")] for ds in found.values())


def test_bad_values_warn(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "plantls.toml").write_text(
        '[rules.severity]\nST201 = "loud"\n[rules.per-path-ignores]\n"a" = 3\n"b" = ["ST1"]\n'
    )
    assert main(["check", str(project)]) == 0
    err = capsys.readouterr().err
    assert "rules.severity.ST201 must be one of error, warning, information, hint" in err
    assert "rules.per_path_ignores.a must be a list of strings" in err
    settings, _ = load_config_file(project / "plantls.toml")
    assert list(settings.rules.per_path_ignores.values()) == [("ST1",)]


def test_glob_rules() -> None:
    assert glob_regex("plc/*.st").match("plc/a.st")
    assert not glob_regex("plc/*.st").match("plc/x/a.st")
    assert glob_regex("plc/**/*.st").match("plc/a.st")
    assert glob_regex("plc/**/*.st").match("plc/x/y/a.st")
    assert glob_regex("plc/legacy").match("plc/legacy/a.st")  # a folder covers its files
    assert glob_regex("F_[AB]?.st").match("F_Ax.st")
    assert not glob_regex("F_[!AB]?.st").match("F_Ax.st")
    settings, _ = merge_settings(Settings(), {"rules": {"per-path-ignores": {
        "*.TcPOU": ["ST5"], "gen/*": ["st1"]}}})
    roots = [Path("/w")]
    assert path_ignores(Path("/w/plc/FB.TcPOU"), settings, roots) == {"ST5"}
    assert path_ignores(Path("/w/gen/x.st"), settings, roots) == {"ST1"}
    assert path_ignores(Path("/w/plc/gen/x.st"), settings, roots) == set()


def test_severity_override_longest_prefix() -> None:
    overrides = {"ST": "hint", "ST2": "error", "ST201": "information"}
    assert severity_override("ST201", overrides).label == "information"  # type: ignore[union-attr]
    assert severity_override("ST202", overrides).label == "error"  # type: ignore[union-attr]
    assert severity_override("ST101", overrides).label == "hint"  # type: ignore[union-attr]
    assert severity_override("DSS101", overrides) is None
