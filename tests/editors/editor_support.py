"""Helpers for the real-editor tests (Neovim, Emacs, VS Code in code-server).

The editors and their tools are installed by the project's own files (`make editors`, run by
`make test`). When one is missing the test is skipped with the command that installs it;
under CI (``CI=true``) or with ``PLANTLS_EDITOR_TESTS=require`` it fails instead, so a broken
install can never pass as a skip. ``PLANTLS_EDITOR_TESTS=skip`` skips them all.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
if not (VENV_BIN / "plantls").exists():  # plantls installed in another environment
    VENV_BIN = Path(sys.prefix) / "bin"
EXAMPLES = ROOT / "examples"
PLC = EXAMPLES / "bottling_line" / "plc"
CLIENTS = ROOT / "clients"

sys.path.insert(0, str(Path(__file__).parent))


def mode() -> str:
    """``require`` (missing tools fail), ``skip`` (no editor tests) or ``auto``."""
    value = os.environ.get("PLANTLS_EDITOR_TESTS", "").strip().lower()
    if value in ("require", "skip"):
        return value
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return "require"
    return "auto"


def missing(what: str, how: str) -> None:
    """Skip (or fail under CI) because ``what`` is not installed."""
    message = f"{what} is not installed; {how}"
    if mode() == "require":
        pytest.fail(message + " (required: CI or PLANTLS_EDITOR_TESTS=require)", pytrace=False)
    pytest.skip(message)


def editor_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment with .venv/bin first on PATH and HOME/XDG dirs inside ``home``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NVIM", "VIM", "MYVIMRC", "EMACS", "XDG_", "VSCODE_"))
    }
    home.mkdir(parents=True, exist_ok=True)
    for name in ("config", "data", "state", "cache", "tmp"):
        (home / name).mkdir(exist_ok=True)
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        TMPDIR=str(home / "tmp"),
        TERM="dumb",
    )
    env.update(extra)
    return env


@dataclass(frozen=True)
class Case:
    """An example file an editor opens, and one finding it must show (1-based line)."""

    folder: Path  # copied whole: the server resolves references across the folder
    file: str
    filetype: str
    code: str
    line: int
    hover: str | None = None  # a word on the first line that declares it ``: WORD;``

    def expected_in(self) -> bool:
        """The finding is recorded in the folder's expected_findings.json."""
        if self.folder == PLC:  # the PLC's findings are in examples/expected_findings.json
            entries = json.loads((EXAMPLES / "expected_findings.json").read_text())
            entries = [dict(e, path=Path(e["path"]).name) for e in entries]
        else:
            entries = json.loads((self.folder / "expected_findings.json").read_text())
        return any(
            (e["path"], e["line"], e["code"]) == (self.file, self.line, self.code) for e in entries
        )

    def copy(self, tmp_path: Path) -> Path:
        """Copy the folder under ``tmp_path``, marked as a project root; the file's path."""
        dest = tmp_path / self.folder.name
        shutil.copytree(self.folder, dest)
        (dest / "plantls.toml").write_text("# the test's project root\n")
        return dest / self.file

    def hover_position(self, path: Path) -> tuple[int, int]:
        """0-based line and character on the ``hover`` word's declaration."""
        assert self.hover is not None
        for number, text in enumerate(path.read_text().splitlines()):
            if f": {self.hover};" in text:
                return number, text.index(f": {self.hover};") + 3
        raise AssertionError(f"{path.name} declares no {self.hover}")


CASES = [
    Case(PLC, "FB_Filler.st", "iec-st", "ST303", 34, hover="TON"),
    Case(EXAMPLES / "fab", "recipes/pecvd_oxide.recipe.yaml", "fab-recipe", "RCP101", 32),
    Case(EXAMPLES / "bottling_line" / "grid", "feeders/filling_hall.dss", "opendss", "DSS402", 9),
]
