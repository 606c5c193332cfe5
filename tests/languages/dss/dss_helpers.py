"""Helpers for the OpenDSS tests: write scripts to a folder and check them like the CLI does."""

from __future__ import annotations

import textwrap
from pathlib import Path

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import path_to_uri
from plantls.core.settings import DssSettings, Settings
from plantls.core.workspace import Workspace


def write(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (name → script, dedented) under ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def check(
    root: Path, files: dict[str, str], target: str | None = None, engine: bool = False
) -> list[Diagnostic]:
    """Findings for one file (default: the first) of a workspace made of ``files``."""
    write(root, files)
    settings = Settings(dss=DssSettings(engine=engine))
    ws = Workspace([root], settings)
    ws.index_all()
    name = target or next(iter(files))
    doc = ws.get(path_to_uri(root / name))
    assert doc is not None
    return ws.diagnostics(doc)


def codes_at(found: list[Diagnostic]) -> set[tuple[str, int]]:
    """(code, 1-based line) of each finding."""
    return {(d.code, d.range.start.line + 1) for d in found}


HEAD = """\
Clear
New Circuit.T basekv=11 bus1=src
New LineCode.lc nphases=3 r1=0.1 x1=0.08 units=km
"""
