"""``plantls check``: the same findings as the editor, for CI.

Parallel checking (``--jobs N``). Rules resolve names across files (an ST program uses
function blocks declared elsewhere; an OpenDSS script redirects to others), so every file
must be checked against the index of the whole workspace. Indexing is cheap next to the
rules, so plantls indexes once and checks in parallel:

- where processes can be forked (Linux), the parent reads and indexes every file, then
  forks N workers that inherit that index and check contiguous slices of the file list;
- elsewhere (spawn), each worker reads and indexes the workspace once at start-up, then
  checks its slices.

Results are put back in file order, so the output is the same as with ``--jobs 1``.
Languages index lazily (ST parses a file when its index is next read), so the parent brings
every index up to date before it forks; otherwise each worker would parse the whole
workspace again.

Garbage collection. A check keeps what it builds (syntax trees, file models, analyses cached
per document), several hundred thousand small objects for a few thousand files, and frees
almost nothing in cycles (its garbage goes by reference counting). With CPython's default
threshold (a collection every 700 net allocations) the collector rescans those objects so
often that it took about 40 % of a batch check; even with one young collection per 50,000
objects, scanning each survivor once took about 7 % of it. So ``check_paths`` raises the
young threshold above what a check keeps, and at the end moves the survivors to the oldest
generation without scanning them (``gc.freeze()`` then ``gc.unfreeze()``) before it puts the
threshold back: otherwise the first allocation after the check would start one young
collection over everything the check kept, cache-cold, which cost more than the collections
it saved (why turning the collector off was measured slower).

Context. Folders are indexed whole. A *file* named on the command line (as pre-commit
passes them) or given on standard input is checked against its project: the files under the
folder of the nearest ``plantls.toml`` / ``pyproject.toml`` with ``[tool.plantls]`` above it,
or, with no config file, the files next to it (not below: ``plantls check /tmp/x.st`` must
not index all of ``/tmp``). Only the files named are reported.

Cache. With a :class:`~plantls.cli.cache.ResultCache` (the CLI's default, see
``cli/cache.py``), every file is still read and indexed (ST files parsed), then each file's
key is computed from its text, the settings and what it depends on; files whose findings are
in the cache are not checked, the others are (in parallel with ``--jobs``), and the parent
process writes their findings to the cache at the end.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from plantls.cli.cache import ResultCache
from plantls.core.baseline import entries_for, fingerprints, path_key
from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document, decode_text, folders_resolved_once, path_to_uri
from plantls.core.language import language_by_id, language_for_path
from plantls.core.settings import Settings, find_config
from plantls.core.workspace import Workspace, iter_files, read_document
from plantls.report import FileResult


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def display_paths(paths: list[Path]) -> list[str]:
    """:func:`display_path` of each path, each folder's relative path worked out once (a
    file's relative path is its folder's, joined with its name)."""
    folders: dict[str, str | None] = {}
    out = []
    for path in paths:
        folder, name = os.path.split(os.fspath(path))
        rel = folders.get(folder, "")
        if rel == "":
            try:
                rel = os.path.relpath(folder or os.curdir)
            except ValueError:
                rel = None
            if rel is not None and set(rel.split(os.sep)) == {os.pardir}:
                rel = None  # a folder above the working one: the name may be one of its own
            folders[folder] = rel
        if rel is None or name in ("", os.curdir, os.pardir):
            out.append(display_path(path))
        else:
            out.append(name if rel == os.curdir else os.path.join(rel, name))
    return out


def _result(
    path: Path, doc: Document, diagnostics: list[Diagnostic], shown: str | None = None
) -> FileResult:
    lang = language_by_id(doc.language_id)
    return FileResult(
        path=display_path(path) if shown is None else shown,
        language=lang.id if lang else doc.language_id,
        diagnostics=diagnostics,
        text=doc.text,
        # the line index only where there is a finding to fingerprint
        fingerprints=fingerprints(diagnostics, doc.lines) if diagnostics else [],
    )


def _roots(paths: list[Path]) -> list[Path]:
    return [p if p.is_dir() else p.parent for p in paths]


# -- parallel checking -----------------------------------------------------------------


@dataclass
class _WorkerState:
    workspace: Workspace
    docs: list[Document]
    todo: list[int] | None = None
    """Indexes into ``docs`` of the files to check (None: all of them)."""


_STATE: _WorkerState | None = None


def context_files(path: Path) -> list[Path]:
    """The files indexed around a single file (see the module doc)."""
    config = find_config(path)
    if config is not None and path.resolve().is_relative_to(config.parent.resolve()):
        return list(iter_files([config.parent]))
    folder = path.parent
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.iterdir()) if p.is_file() and language_for_path(p.name)]


def _context(paths: list[Path], files: list[Path]) -> list[Path]:
    """Files to index but not to report, for the files among ``paths``."""
    if not any(path.is_file() for path in paths):
        return []
    checked = {f.resolve() for f in files}
    seen: set[Path] = set()
    out = []
    for path in paths:
        if not path.is_file():
            continue
        for f in context_files(path):
            key = f.resolve()
            if key not in checked and key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _index(paths: list[Path], files: list[Path], settings: Settings) -> _WorkerState:
    workspace = Workspace(roots=_roots(paths), settings=settings)
    for f in _context(paths, files):
        workspace.add_file(f)
    return _WorkerState(workspace, [workspace.add_file(f) for f in files])


def _init_worker(
    paths: list[Path], files: list[Path], settings: Settings, todo: list[int] | None = None
) -> None:
    """Spawned worker: index the whole workspace once."""
    global _STATE
    _STATE = _index(paths, files, settings)
    _STATE.todo = todo


def _check_slice(bounds: tuple[int, int]) -> list[list[Diagnostic]]:
    state = _STATE
    assert state is not None, "worker has no workspace"
    todo = state.todo if state.todo is not None else range(len(state.docs))
    return [state.workspace.diagnostics(state.docs[i]) for i in todo[bounds[0] : bounds[1]]]


def _slices(count: int, jobs: int) -> list[tuple[int, int]]:
    """Contiguous slices (neighbouring files share caches), about four per worker."""
    size = max(1, -(-count // (jobs * 4)))
    return [(i, min(i + size, count)) for i in range(0, count, size)]


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "fork" if sys.platform.startswith("linux") and "fork" in methods else "spawn"


def effective_jobs(jobs: int) -> int:
    """``--jobs 0`` means one per CPU."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


GC_THRESHOLD = 10_000_000
"""Net allocations between two young-generation collections during a check (CPython: 700):
far above the ~300,000 objects a check of a thousand ST files keeps."""


@contextmanager
def _few_collections() -> Iterator[None]:
    """Collect no young garbage while checking, and leave what the check kept in the oldest
    generation (see the module doc)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # unfreeze would release what the caller froze
            gc.freeze()
            gc.unfreeze()
        gc.set_threshold(*old)


def _bring_indexes_up_to_date(state: _WorkerState) -> None:
    """Let each language finish its lazy indexing (ST parses pending files in ``state``)."""
    seen: set[str] = set()
    for doc in state.docs:
        if doc.language_id in seen:
            continue
        seen.add(doc.language_id)
        lang = language_by_id(doc.language_id)
        up_to_date = getattr(lang, "state", None)
        if callable(up_to_date):
            up_to_date(state.workspace)


def check_paths(
    paths: list[Path],
    settings: Settings,
    jobs: int = 1,
    start_method: str | None = None,
    cache: ResultCache | None = None,
) -> list[FileResult]:
    """Index every file under ``paths`` (so names resolve across files), then check each
    (taking the findings of unchanged files from ``cache`` when one is given)."""
    with _few_collections(), folders_resolved_once():
        return _check_paths(paths, settings, jobs, start_method, cache)


def _check_paths(
    paths: list[Path],
    settings: Settings,
    jobs: int,
    start_method: str | None,
    cache: ResultCache | None,
) -> list[FileResult]:
    global _STATE
    files = list(iter_files(paths))
    method = start_method or _start_method()
    found: list[list[Diagnostic] | None] = [None] * len(files)
    keys: list[str | None] = [None] * len(files)
    state: _WorkerState | None = None
    if cache is not None:
        state = _index(paths, files, settings)
        _bring_indexes_up_to_date(state)  # the keys read the indexes
        cache.begin(state.workspace)
        for i, doc in enumerate(state.docs):
            keys[i] = cache.key(doc)
            found[i] = cache.get(doc, keys[i])
    todo = [i for i, f in enumerate(found) if f is None]
    jobs = min(effective_jobs(jobs), len(todo))
    if jobs <= 1:
        if state is None:
            state = _index(paths, files, settings)
        for i in todo:
            found[i] = state.workspace.diagnostics(state.docs[i])
    elif method == "fork":
        if state is None:
            state = _index(paths, files, settings)
            _bring_indexes_up_to_date(state)
        state.todo = todo
        _STATE = state  # inherited by the forked workers
        gc.freeze()  # the workers' collector leaves the inherited pages alone (copy-on-write)
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=context) as ex:
                parts = ex.map(_check_slice, _slices(len(todo), jobs))
                checked = [d for part in parts for d in part]
        finally:
            _STATE = None
            state.todo = None
            gc.unfreeze()
        for i, d in zip(todo, checked, strict=True):
            found[i] = d
    else:
        with ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(paths, files, settings, todo),
        ) as ex:
            parts = ex.map(_check_slice, _slices(len(todo), jobs))
            checked = [d for part in parts for d in part]
        for i, d in zip(todo, checked, strict=True):
            found[i] = d
        if state is None:
            # the parent reads the files too, for the text and the fingerprints
            state = _WorkerState(Workspace(settings=settings), [read_document(f) for f in files])
    if cache is not None:
        for i in todo:
            cache.put(state.docs[i], keys[i], found[i] or [])
        cache.save()
    return [
        _result(f, doc, d or [], shown)
        for f, doc, d, shown in zip(files, state.docs, found, display_paths(files), strict=True)
    ]


# -- standard input ----------------------------------------------------------------------


def check_text(
    path: Path, data: bytes, settings: Settings, paths: list[Path] | None = None
) -> FileResult:
    """Check ``data`` as if it were the file at ``path``.

    The PATHs given (folders or files) are indexed from disk around it; without any, the
    file's project (see the module doc) is.
    """
    lang = language_for_path(path.name)
    if lang is None:
        raise ValueError(f"no plantls language handles {path.name!r} (see DESIGN.md)")
    text, problem = decode_text(data)
    workspace = Workspace(roots=_roots(paths) if paths else [path.parent], settings=settings)
    around = list(iter_files(paths)) if paths else context_files(path)
    target = path.resolve()
    for f in around:
        if f.resolve() != target:
            workspace.add_file(f)
    doc = Document(path_to_uri(path), text, lang.id, decode_problem=problem)
    workspace.open(doc)
    return _result(path, doc, workspace.diagnostics(doc))


# -- baseline ----------------------------------------------------------------------------


def write_new_baseline(results: list[FileResult], baseline: Path) -> int:
    """Record every finding of ``results`` in a new baseline file."""
    from plantls.core.baseline import write_baseline

    entries = [e for r in results for e in entries_for(r.path, r.text, r.diagnostics, baseline)]
    return write_baseline(baseline, entries)


def apply_baseline(
    results: list[FileResult], keys: set[tuple[str, str, str]], baseline: Path
) -> tuple[list[FileResult], int]:
    """Drop the findings recorded in a baseline.

    Returns the new results and the number of baseline entries, for the files checked,
    that no longer occur (fixed since the baseline was written).
    """
    out = []
    seen: set[tuple[str, str, str]] = set()
    checked: set[str] = set()
    for r in results:
        key = path_key(r.path, baseline)
        checked.add(key)
        fps = r.fingerprint_list()
        kept, kept_fps = [], []
        for d, fp in zip(r.diagnostics, fps, strict=True):
            k = (key, d.code, fp)
            if k in keys:
                seen.add(k)
            else:
                kept.append(d)
                kept_fps.append(fp)
        out.append(replace(r, diagnostics=kept, fingerprints=kept_fps))
    fixed = sum(1 for k in keys if k[0] in checked and k not in seen)
    return out, fixed


# -- exit code and options ---------------------------------------------------------------


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
