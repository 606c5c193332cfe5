"""``plantls check``'s result cache: a cached run reports exactly what a fresh one does."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from plantls.cli import cache as result_cache
from plantls.cli.main import main

GVL = """VAR_GLOBAL
    gCounter : INT;
    gSpeed : REAL;
END_VAR
"""
FB = """FUNCTION_BLOCK FB_Motor
VAR_INPUT
    bStart : BOOL;
END_VAR
VAR_OUTPUT
    bRunning : BOOL;
END_VAR
bRunning := bStart;
END_FUNCTION_BLOCK
"""
MAIN = """PROGRAM MAIN
VAR
    fbMotor : FB_Motor;
    nStep : INT;
END_VAR
fbMotor(bStart := TRUE);
gCounter := gCounter + 1;
gSpeed := 1.5;
CASE nStep OF
    0: nStep := 1;
END_CASE
END_PROGRAM
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ST project; the working directory (where the cache goes) is another folder."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "GVL.st").write_text(GVL)
    (src / "FB_Motor.st").write_text(FB)
    (src / "MAIN.st").write_text(MAIN)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("PLANTLS_NO_CACHE", raising=False)
    return src


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    """``plantls check --format json ARGV``: stdout and stderr."""
    main(["check", "--format", "json", *argv])
    captured = capsys.readouterr()
    return captured.out, captured.err


def fresh(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    return run(capsys, "--no-cache", *argv)[0]


def stats() -> result_cache.Stats:
    return result_cache.LAST_STATS


def cache_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json"))


def codes(out: str, name: str) -> list[tuple[str, str]]:
    report = json.loads(out)
    entry = next(f for f in report["files"] if f["path"].endswith(name))
    return [(d["code"], d["message"]) for d in entry["diagnostics"]]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def test_second_run_is_identical_and_read_from_the_cache(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = run(capsys, str(project))
    assert stats().misses == 3 and stats().hits == 0 and stats().written
    folder = Path(".plantls_cache")
    assert (folder / ".gitignore").read_text() == "*\n"
    assert (folder / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55"
    )
    (written,) = cache_files(folder)
    mtime = written.stat().st_mtime_ns
    second, _ = run(capsys, str(project))
    assert second == first
    assert stats().hits == 3 and stats().misses == 0
    assert not stats().written and written.stat().st_mtime_ns == mtime  # nothing to write
    assert second == fresh(capsys, str(project))
    for fmt in ("text", "sarif", "junit"):
        main(["check", "--format", fmt, "--no-cache", str(project)])
        cold = capsys.readouterr().out
        main(["check", "--format", fmt, str(project)])
        assert capsys.readouterr().out == cold
        assert stats().hits == 3


def test_editing_a_file_invalidates_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, str(project))
    (project / "MAIN.st").write_text(MAIN.replace("gSpeed := 1.5;", "gSped := 1.5;"))
    out, _ = run(capsys, str(project))
    assert stats().hits == 2 and stats().misses == 1
    assert any(code == "ST101" for code, _ in codes(out, "MAIN.st"))
    assert out == fresh(capsys, str(project))


def test_a_declaration_in_another_file_is_not_hidden(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, _ = run(capsys, str(project))
    assert not any(code == "ST101" for code, _ in codes(before, "MAIN.st"))
    # MAIN.st does not change; the global it writes disappears from GVL.st
    (project / "GVL.st").write_text(GVL.replace("    gSpeed : REAL;\n", ""))
    out, _ = run(capsys, str(project))
    assert stats().hits == 0  # every ST file depends on the declarations
    assert any(code == "ST101" and "gSpeed" in msg for code, msg in codes(out, "MAIN.st"))
    assert out == fresh(capsys, str(project))
    # an input of the function block that MAIN calls is renamed
    (project / "FB_Motor.st").write_text(FB.replace("bStart", "bEnable"))
    out, _ = run(capsys, str(project))
    assert out == fresh(capsys, str(project))
    assert codes(out, "MAIN.st") != codes(before, "MAIN.st")


def test_line_numbers_quoted_from_another_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "plantls.toml").write_text("")  # one project: duplicate names are compared
    (project / "Other.st").write_text(FB.replace("bStart", "bGo"))  # FB_Motor declared twice
    out, _ = run(capsys, str(project))
    assert out == fresh(capsys, str(project))
    assert any("(line 1)" in msg for _, msg in codes(out, "Other.st"))
    # Other.st does not change; the declaration its message quotes moves down two lines
    (project / "FB_Motor.st").write_text("\n\n" + FB)
    out, _ = run(capsys, str(project))
    assert stats().hits == 0
    assert out == fresh(capsys, str(project))
    assert any("(line 3)" in msg for _, msg in codes(out, "Other.st"))


def test_a_body_edit_keeps_the_other_files_cached(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, str(project))
    (project / "FB_Motor.st").write_text(FB.replace("bRunning := bStart;", "bRunning := TRUE;"))
    out, _ = run(capsys, str(project))
    assert stats().hits == 2 and stats().misses == 1
    assert out == fresh(capsys, str(project))


def test_settings_invalidate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, str(project))
    out, _ = run(capsys, "--select", "ST201", str(project))
    assert stats().hits == 0
    assert out == fresh(capsys, "--select", "ST201", str(project))
    out, _ = run(capsys, "--ignore", "ST201", str(project))
    assert stats().hits == 0
    assert out == fresh(capsys, "--ignore", "ST201", str(project))
    run(capsys, str(project))
    assert stats().hits == 3  # each settings object has its own entries

    (project / "MAIN.st").write_text(MAIN.replace("nStep : INT;", "nStep : INT;\n    t : Lib.T_X;"))
    plain, _ = run(capsys, str(project))
    config = project / "plantls.toml"
    config.write_text('[st]\nknown_libraries = ["Lib"]\n')
    out, _ = run(capsys, str(project))
    assert stats().hits == 0
    assert out == fresh(capsys, str(project))
    assert codes(out, "MAIN.st") != codes(plain, "MAIN.st")


def test_corrupt_cache_is_ignored(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = run(capsys, str(project))
    (written,) = cache_files(Path(".plantls_cache"))
    intact = written.read_bytes()
    damaged = [
        b"{not json",
        b"[]",
        b"\x00\xff",
        intact[: len(intact) // 2],  # truncated
        intact.replace(b"ST201", b"ST202", 1),  # altered: the digest no longer matches
        result_cache.file_bytes({"x": 1}).replace(b'"format": 1', b'"format": 99'),
    ]
    for garbage in damaged:
        written.write_bytes(garbage)
        out, err = run(capsys, str(project))
        assert out == first and "Traceback" not in err
        assert stats().hits == 0
    # intact files whose entries have the right key but the wrong shape
    run(capsys, str(project))
    entries = result_cache.parse_file(written.read_bytes())
    assert entries is not None
    for bad in ([["ST201", "x", [0, 0], 3, "plantls", [], None]], [["ST201"]], {"a": 1}, None):
        for entry in entries.values():
            entry["findings"] = bad
        written.write_bytes(result_cache.file_bytes(entries))
        out, _ = run(capsys, str(project))
        assert out == first and stats().hits == 0


def test_no_cache_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = run(capsys, "--no-cache", str(project))
    assert not Path(".plantls_cache").exists()
    monkeypatch.setenv("PLANTLS_NO_CACHE", "1")
    assert run(capsys, str(project))[0] == out
    assert not Path(".plantls_cache").exists()
    assert not any(p.name == ".plantls_cache" for p in project.parent.rglob("*"))


def test_cache_dir_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = project.parent / "ci-cache"
    first, _ = run(capsys, "--cache-dir", str(elsewhere), str(project))
    assert cache_files(elsewhere) and not Path(".plantls_cache").exists()
    assert run(capsys, "--cache-dir", str(elsewhere), str(project))[0] == first
    assert stats().hits == 3


def test_unwritable_cache_dir_still_checks_everything(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = fresh(capsys, str(project))
    blocker = project.parent / "a-file"
    blocker.write_text("not a folder")
    for _ in range(2):
        out, err = run(capsys, "--cache-dir", str(blocker / "cache"), str(project))
        assert out == expected
        assert err.count("warning") <= 1 and "Traceback" not in err
        assert stats().misses == 3 and not stats().written
    assert blocker.read_text() == "not a folder"


def test_the_cache_never_changes_sources(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(project)
    run(capsys, str(project))
    run(capsys, str(project))
    run(capsys, "--jobs", "2", str(project))
    assert snapshot(project) == before


def test_jobs_with_the_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(6):
        (project / f"Extra{i}.st").write_text(FB.replace("FB_Motor", f"FB_Extra{i}"))
    first, _ = run(capsys, "--jobs", "2", str(project))
    assert first == fresh(capsys, str(project))
    out, _ = run(capsys, "--jobs", "2", str(project))
    assert out == first and stats().hits == 9
    (project / "MAIN.st").write_text(MAIN.replace("gSpeed := 1.5;", "gSped := 1.5;"))
    out, _ = run(capsys, "--jobs", "2", str(project))
    assert stats().hits == 8 and stats().misses == 1
    assert out == fresh(capsys, str(project))


# -- OpenDSS and recipes -----------------------------------------------------------------------


def test_dss_include_changes_invalidate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    grid = tmp_path / "grid"
    grid.mkdir()
    (grid / "master.dss").write_text(
        "Clear\nNew Circuit.x basekv=11\nRedirect codes.dss\nRedirect lines.dss\n"
    )
    (grid / "codes.dss").write_text("New LineCode.c1 nphases=3 r1=0.1 x1=0.1 units=km\n")
    (grid / "lines.dss").write_text(
        "New Line.a bus1=sourcebus bus2=b linecode=c1 length=1 units=km\n"
    )
    first, _ = run(capsys, str(grid))
    assert first == fresh(capsys, str(grid))
    run(capsys, str(grid))
    assert stats().hits == 3
    # lines.dss does not change; the order of the includes in master.dss does
    (grid / "master.dss").write_text(
        "Clear\nNew Circuit.x basekv=11\nRedirect lines.dss\nRedirect codes.dss\n"
    )
    out, _ = run(capsys, str(grid))
    assert stats().hits == 0
    assert any(code == "DSS201" for code, _ in codes(out, "lines.dss"))
    assert out == fresh(capsys, str(grid))
    # a data file appears
    (grid / "shape.dss").write_text("New Loadshape.s npts=2 mult=(file=shape.csv)\n")
    out, _ = run(capsys, str(grid))
    assert any("not found" in msg for _, msg in codes(out, "shape.dss"))
    run(capsys, str(grid))
    assert stats().hits == 4
    (grid / "shape.csv").write_text("1\n2\n")
    out, _ = run(capsys, str(grid))
    assert not any("not found" in msg for _, msg in codes(out, "shape.dss"))
    assert out == fresh(capsys, str(grid))


def test_dss_engine_runs_are_not_cached(tmp_path: Path) -> None:
    from plantls.cli.cache import ResultCache
    from plantls.cli.check import with_engine
    from plantls.core.settings import Settings
    from plantls.core.workspace import Workspace

    (tmp_path / "m.dss").write_text("Clear\nNew Circuit.x basekv=11\n")
    (tmp_path / "p.st").write_text(FB)
    for settings, cached in ((Settings(), True), (with_engine(Settings()), False)):
        cache = ResultCache(tmp_path / "c", settings)
        ws = Workspace(roots=[tmp_path], settings=settings)
        dss = ws.add_file(tmp_path / "m.dss")
        st = ws.add_file(tmp_path / "p.st")
        cache.begin(ws)
        assert (cache.key(dss) is not None) is cached
        assert cache.key(st) is not None


def _recipe_fixtures() -> object:
    path = Path(__file__).resolve().parents[1] / "languages" / "recipe" / "recipe_fixtures.py"
    spec = importlib.util.spec_from_file_location("recipe_fixtures_for_cache", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recipe_tool_changes_invalidate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fixtures = _recipe_fixtures()
    monkeypatch.chdir(tmp_path)
    fab = tmp_path / "fab"
    fab.mkdir()
    tool: str = fixtures.TOOL  # type: ignore[attr-defined]
    (fab / "cvd-01.tool.yaml").write_text(tool)
    (fab / "ox.recipe.yaml").write_text(fixtures.PECVD)  # type: ignore[attr-defined]
    first, _ = run(capsys, str(fab))
    run(capsys, str(fab))
    assert stats().hits == 2
    (fab / "cvd-01.tool.yaml").write_text(tool.replace("id: cvd-01", "id: cvd-02"))
    out, _ = run(capsys, str(fab))
    assert stats().hits == 0
    assert codes(out, "ox.recipe.yaml") != codes(first, "ox.recipe.yaml")
    assert out == fresh(capsys, str(fab))


def test_findings_round_trip() -> None:
    from plantls.core.diagnostics import Diagnostic, Severity
    from plantls.core.positions import Position, Range

    found = [
        Diagnostic("ST201", "m \u00e9 'x'", Range(Position(1, 2), Position(3, 4)), Severity.HINT,
                   tags=("unnecessary",), data={"a": [1, "b"]}),
        Diagnostic("ST001", "e", Range(Position(0, 0), Position(0, 0)), Severity.ERROR),
    ]
    encoded = result_cache.encode(found)
    assert encoded is not None
    back = result_cache.decode(json.loads(json.dumps(encoded)))
    assert back == found and [d.data for d in back] == [d.data for d in found]
    odd = [Diagnostic("X", "m", found[0].range, data={"t": (1, 2)})]
    assert result_cache.encode(odd) is None  # a tuple would come back a list: not cached


def test_environment_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, off in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv("PLANTLS_NO_CACHE", value)
        assert result_cache.disabled_by_env() is off
    assert os.environ.get("PLANTLS_NO_CACHE") == ""


def test_separate_processes_share_the_cache(project: Path) -> None:
    """Keys are the same in a new process (nothing hashed depends on object identity)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PLANTLS_NO_CACHE"}
    argv = [sys.executable, "-m", "plantls", "check", "--format", "json", str(project)]
    first = subprocess.run(argv, capture_output=True, env=env, check=False)
    (written,) = cache_files(Path(".plantls_cache"))
    data = written.read_bytes()
    mtime = written.stat().st_mtime_ns
    second = subprocess.run(argv, capture_output=True, env=env, check=False)
    assert second.stdout == first.stdout and second.returncode == first.returncode
    assert written.stat().st_mtime_ns == mtime and written.read_bytes() == data  # all hits


def test_spawned_workers_with_the_cache(project: Path) -> None:
    from plantls.cli.cache import ResultCache
    from plantls.cli.check import check_paths
    from plantls.core.settings import Settings

    for i in range(4):
        (project / f"Extra{i}.st").write_text(FB.replace("FB_Motor", f"FB_Extra{i}"))
    folder = project.parent / "spawn-cache"
    check_paths([project], Settings(), cache=ResultCache(folder, Settings()))
    (project / "MAIN.st").write_text(MAIN.replace("gSpeed := 1.5;", "gSped := 1.5;"))
    (project / "Extra0.st").write_text(FB.replace("FB_Motor", "FB_Extra0") + "\n")
    expected = check_paths([project], Settings())
    cache = ResultCache(folder, Settings())
    got = check_paths([project], Settings(), jobs=2, start_method="spawn", cache=cache)
    assert cache.stats.hits == 5 and cache.stats.misses == 2
    assert [(r.path, r.diagnostics) for r in got] == [(r.path, r.diagnostics) for r in expected]
