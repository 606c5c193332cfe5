"""Shared set-up for the real-editor tests (Neovim, Emacs, VS Code in code-server).

The editors and their tools are installed by the project's own files (`make editors`, run by
`make test`). When one is missing the test is skipped with the command that installs it;
under CI (``CI=true``) or with ``PLANTLS_EDITOR_TESTS=require`` it fails instead, so a broken
install can never pass as a skip. ``PLANTLS_EDITOR_TESTS=skip`` skips them all.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's tests ``editors``; skip them all with PLANTLS_EDITOR_TESTS=skip."""
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.editors)
            if mode() == "skip":
                item.add_marker(pytest.mark.skip(reason="PLANTLS_EDITOR_TESTS=skip"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "editors: drives a real editor headless (tests/editors)")


@pytest.fixture(scope="session")
def plantls_bin() -> Path:
    """The plantls the editors start: .venv/bin/plantls."""
    exe = VENV_BIN / "plantls"
    if not exe.exists():
        missing("plantls (.venv/bin/plantls)", "run 'make install-dev'")
    return exe


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


@pytest.fixture
def plant(tmp_path: Path) -> Path:
    """A copy of the example bottling line's PLC folder (the editors may write next to it)."""
    dest = tmp_path / "plc"
    shutil.copytree(PLC, dest)
    return dest


@pytest.fixture(scope="session")
def artifacts() -> Iterator[Path]:
    """Where screenshots and logs go: $PLANTLS_ARTIFACTS or tests/editors/artifacts."""
    path = Path(os.environ.get("PLANTLS_ARTIFACTS") or Path(__file__).parent / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    yield path


@pytest.fixture(scope="session")
def capabilities(plantls_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What this plantls server advertises (to assert a feature only when it is offered)."""
    from lsp_probe import server_capabilities

    return server_capabilities(str(plantls_bin), tmp_path_factory.mktemp("caps"))


def first_finding(path: Path) -> dict[str, Any]:
    """The expected finding for ``path`` from examples/expected_findings.json."""
    import json

    entries = json.loads((EXAMPLES / "expected_findings.json").read_text())
    for entry in entries:
        if Path(entry["path"]).name == path.name:
            return dict(entry)
    raise KeyError(path.name)
