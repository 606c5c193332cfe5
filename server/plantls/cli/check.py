"""``plantls check``: the same findings as the editor, for CI."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from plantls.core.diagnostics import Severity
from plantls.core.documents import Document
from plantls.core.language import language_by_id
from plantls.core.settings import Settings
from plantls.core.workspace import Workspace, iter_files
from plantls.report import FileResult


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def check_paths(paths: list[Path], settings: Settings) -> list[FileResult]:
    """Index every file under ``paths`` (so names resolve across files), then check each."""
    roots = [p if p.is_dir() else p.parent for p in paths]
    workspace = Workspace(roots=roots, settings=settings)
    files = list(iter_files(paths))
    docs: list[tuple[Path, Document]] = [(f, workspace.add_file(f)) for f in files]
    results = []
    for path, doc in docs:
        lang = language_by_id(doc.language_id)
        results.append(
            FileResult(
                path=display_path(path),
                language=lang.id if lang else doc.language_id,
                diagnostics=workspace.diagnostics(doc),
                text=doc.text,
            )
        )
    return results


def worst_severity(results: list[FileResult]) -> Severity | None:
    """The most serious severity among all findings."""
    worst = None
    for r in results:
        for d in r.diagnostics:
            if worst is None or d.severity > worst:
                worst = d.severity
    return worst


def with_overrides(
    settings: Settings,
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
) -> Settings:
    """Command-line options take precedence over the config file."""
    rules = settings.rules
    if select is not None:
        rules = replace(rules, select=tuple(select))
    if ignore is not None:
        rules = replace(rules, ignore=tuple(rules.ignore) + tuple(ignore))
    if fail_on is not None:
        rules = replace(rules, fail_on=fail_on)  # type: ignore[arg-type]
    return replace(settings, rules=rules)


def with_engine(settings: Settings) -> Settings:
    """``--engine``: run OpenDSS scripts through the engine as well (``dss.engine``)."""
    return replace(settings, dss=replace(settings.dss, engine=True))
