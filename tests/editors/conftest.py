"""pytest set-up for the real-editor tests: markers, skip switch, shared fixtures.

The helpers live in editor_support.py: tests/ has no packages, so every conftest.py is
imported under the one name ``conftest`` and cannot be imported from safely.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from editor_support import VENV_BIN, missing, mode


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
