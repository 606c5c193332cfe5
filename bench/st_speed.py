"""ST checking speed: ``plantls check`` against a bare tree-sitter parse and against blark.

One process run, on the same files (the ST files ``plantls check`` finds under
``../shared/corpus/st``), reporting lines per second and ratios, so the figures hold on a
noisy machine:

* **bare** (the floor): ``tree-sitter-iec61131-3-st`` on each file's text as it is on disk
  (read, decode, parse; TwinCAT XML is parsed as it is);
* **bare (grammar text)**: the same grammar on the text plantls hands it (TwinCAT ST
  extracted, dialect handled), parse only: the stricter floor, the grammar's own speed;
* **plantls**: :func:`plantls.cli.check.check_paths`, the whole ``plantls check`` path in
  process (read, TwinCAT extraction, dialect handling, parse, index, name resolution, every
  rule), without the interpreter start-up and the report formatting;
* **plantls, cache written** and **plantls, warm cache**: the same with the result cache
  (``cli/cache.py``) in a scratch folder: a first run over an empty cache (checks every
  file and writes the cache), then a second run over the unchanged files (reads and indexes
  every file, ST files parsed, computes the keys, takes every file's findings from the
  cache), as a second ``plantls check`` in CI or pre-commit would; the warm run's findings
  are compared with the uncached run's;
* **plantls --jobs N** (wall time), when the CLI has ``--jobs``;
* **blark** (a peer): ``blark.parse.parse`` on each file (its TwinCAT loader for XML files,
  its parser on the text for the others), the grammar compiled before timing.

Times are CPU seconds of this process (``time.process_time``) for the single-process runs,
the median of ``--repeat`` interleaved runs; the ``--jobs`` figure is wall time. Garbage is
collected before each timed run (not timed), so no run pays for collecting what the one
before it left, as a ``plantls check`` process, which runs once, never does. blark takes
minutes over the whole corpus; ``--blark-sample K`` times every K-th file only (its lines
per second are then over that sample).

Usage: ``.venv/bin/python bench/st_speed.py [--corpus DIR] [--repeat N] [--jobs N]
[--blark-sample K] [--no-blark] [--json]``
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import inspect
import io
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from plantls.cli import cache as result_cache  # noqa: E402
from plantls.cli.check import check_paths  # noqa: E402
from plantls.core.documents import decode_text  # noqa: E402
from plantls.core.settings import Settings  # noqa: E402
from plantls.core.workspace import iter_files  # noqa: E402
from plantls.languages.st import syntax  # noqa: E402
from plantls.languages.st.language import ST_EXTENSIONS  # noqa: E402


def st_files(corpus: Path) -> list[Path]:
    """The ST files ``plantls check`` would check under ``corpus``."""
    return [p for p in iter_files([corpus]) if p.name.lower().endswith(ST_EXTENSIONS)]


def count_lines(files: list[Path]) -> int:
    """Lines in the files, as the corpus benchmark counts them."""
    return sum(decode_text(p.read_bytes())[0].count("\n") + 1 for p in files)


def time_bare(files: list[Path]) -> float:
    """CPU seconds to read, decode and parse every file with the bare grammar."""
    t0 = time.process_time()
    for path in files:
        syntax.parse_bare(decode_text(path.read_bytes())[0])
    return time.process_time() - t0


def grammar_texts(files: list[Path]) -> list[str]:
    """The texts plantls hands the grammar (extraction and dialect handling done)."""
    return [syntax.prepare(decode_text(p.read_bytes())[0], str(p))[0] for p in files]


def time_bare_grammar(texts: list[str]) -> float:
    """CPU seconds to parse the prepared texts with the bare grammar."""
    t0 = time.process_time()
    for text in texts:
        syntax.parse_bare(text)
    return time.process_time() - t0


def time_plantls(corpus: Path, files: list[Path]) -> tuple[float, int]:
    """CPU seconds of ``check_paths`` over the corpus, and the number of findings."""
    t0 = time.process_time()
    results = check_paths([corpus], Settings())
    elapsed = time.process_time() - t0
    if len(results) != len(files):
        raise SystemExit(f"plantls checked {len(results)} files, expected {len(files)}")
    return elapsed, sum(len(r.diagnostics) for r in results)


def time_plantls_cached(
    corpus: Path, files: list[Path], folder: Path
) -> tuple[float, list[object]]:
    """CPU seconds of ``check_paths`` with the result cache in ``folder`` (opening the cache
    and, as in a fresh process, hashing plantls's own sources are timed), and the findings."""
    result_cache._CODE_DIGEST = None
    t0 = time.process_time()
    cache = result_cache.ResultCache(folder, Settings())
    results = check_paths([corpus], Settings(), cache=cache)
    elapsed = time.process_time() - t0
    if len(results) != len(files):
        raise SystemExit(f"plantls checked {len(results)} files, expected {len(files)}")
    return elapsed, [(r.path, r.diagnostics) for r in results]


def time_plantls_jobs(corpus: Path, jobs: int) -> float | None:
    """Wall seconds of ``check_paths(..., jobs=N)``, or None when the CLI has no ``--jobs``."""
    if "jobs" not in inspect.signature(check_paths).parameters:
        return None
    t0 = time.perf_counter()
    check_paths([corpus], Settings(), jobs=jobs)  # type: ignore[call-arg]
    return time.perf_counter() - t0


def time_blark(files: list[Path], sample: int) -> tuple[float, int, int, int]:
    """CPU seconds of blark over every ``sample``-th file; lines, files, files with errors."""
    from blark import parse as blark_parse

    logging.getLogger("blark").setLevel(logging.CRITICAL)
    blark_parse.get_parser()  # compile the grammar before timing
    chosen = files[::sample]
    lines = count_lines(chosen)
    failed = 0
    t0 = time.process_time()
    for path in chosen:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                results = list(blark_parse.parse(path))
            except Exception:
                # blark has no loader for this extension (B&R .fun/.typ/.var): parse the text
                try:
                    text = decode_text(path.read_bytes())[0]
                    results = [blark_parse.parse_source_code(text, fn=str(path))]
                except Exception:
                    failed += 1
                    continue
        if not results or any(r.exception is not None for r in results):
            failed += 1
    return time.process_time() - t0, lines, len(chosen), failed


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "st")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs (median)")
    parser.add_argument("--jobs", type=int, default=0, help="--jobs N run (0: one per CPU)")
    parser.add_argument("--blark-sample", type=int, default=1, help="time every K-th file")
    parser.add_argument("--no-blark", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    corpus = args.corpus.resolve()
    files = st_files(corpus)
    lines = count_lines(files)
    texts = grammar_texts(files)

    # warm up: imports, the grammar, the rule registry
    time_bare(files)
    time_plantls(corpus, files)
    bare, grammar, plantls, cold_cached, warm = [], [], [], [], []
    findings = 0
    expected = [(r.path, r.diagnostics) for r in check_paths([corpus], Settings())]
    scratch = Path(tempfile.mkdtemp(prefix="plantls-bench-cache-"))
    try:
        for _ in range(args.repeat):
            gc.collect()
            bare.append(time_bare(files))
            gc.collect()
            grammar.append(time_bare_grammar(texts))
            gc.collect()
            elapsed, findings = time_plantls(corpus, files)
            plantls.append(elapsed)
            shutil.rmtree(scratch / "cache", ignore_errors=True)
            gc.collect()
            cold_cached.append(time_plantls_cached(corpus, files, scratch / "cache")[0])
            gc.collect()
            elapsed, found = time_plantls_cached(corpus, files, scratch / "cache")
            stats = result_cache.LAST_STATS
            if found != expected or stats.hits != len(files):
                raise SystemExit(f"the warm run differs or missed the cache ({stats})")
            warm.append(elapsed)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    gc.collect()
    bare_s, grammar_s, plantls_s = (statistics.median(x) for x in (bare, grammar, plantls))
    cold_cached_s, warm_s = statistics.median(cold_cached), statistics.median(warm)
    jobs_s = time_plantls_jobs(corpus, args.jobs) if args.jobs >= 0 else None

    out: dict[str, object] = {
        "files": len(files),
        "lines": lines,
        "findings": findings,
        "bare_s": bare_s,
        "bare_grammar_text_s": grammar_s,
        "plantls_s": plantls_s,
        "plantls_vs_bare": plantls_s / bare_s,
        "plantls_vs_bare_grammar_text": plantls_s / grammar_s,
        "plantls_cache_written_s": cold_cached_s,
        "plantls_warm_cache_s": warm_s,
        "plantls_cache_written_vs_bare": cold_cached_s / bare_s,
        "plantls_warm_cache_vs_bare": warm_s / bare_s,
        "lines_per_s": {
            "bare": lines / bare_s,
            "bare_grammar_text": lines / grammar_s,
            "plantls": lines / plantls_s,
            "plantls_warm_cache": lines / warm_s,
        },
    }
    if jobs_s is not None:
        out["plantls_jobs_wall_s"] = jobs_s
        out["lines_per_s"]["plantls_jobs_wall"] = lines / jobs_s  # type: ignore[index]
    if not args.no_blark:
        blark_s, blark_lines, blark_files, blark_failed = time_blark(files, args.blark_sample)
        blark_lps = blark_lines / blark_s
        out["blark"] = {
            "s": blark_s,
            "lines": blark_lines,
            "files": blark_files,
            "files_with_errors": blark_failed,
        }
        out["lines_per_s"]["blark"] = blark_lps  # type: ignore[index]
        out["plantls_speedup_vs_blark"] = (lines / plantls_s) / blark_lps

    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    lps = out["lines_per_s"]
    assert isinstance(lps, dict)
    print(f"ST corpus: {len(files)} files, {lines:,} lines, {findings} findings")
    print(f"  bare grammar, files as on disk : {bare_s:6.3f} s CPU  {lps['bare']:>10,.0f} lines/s")
    print(
        f"  bare grammar, plantls's text   : {grammar_s:6.3f} s CPU  "
        f"{lps['bare_grammar_text']:>10,.0f} lines/s"
    )
    print(
        f"  plantls check                  : {plantls_s:6.3f} s CPU  "
        f"{lps['plantls']:>10,.0f} lines/s"
    )
    print(
        f"  plantls check, cache written   : {cold_cached_s:6.3f} s CPU  "
        f"{lines / cold_cached_s:>10,.0f} lines/s"
    )
    print(
        f"  plantls check, warm cache      : {warm_s:6.3f} s CPU  "
        f"{lps['plantls_warm_cache']:>10,.0f} lines/s"
    )
    if jobs_s is not None:
        print(
            f"  plantls check --jobs {args.jobs or 'auto'}         : {jobs_s:6.3f} s wall "
            f"{lps['plantls_jobs_wall']:>10,.0f} lines/s"
        )
    print(f"  plantls / bare (files on disk) : {plantls_s / bare_s:.2f}x  (target <= 3x)")
    print(f"  plantls / bare (grammar text)  : {plantls_s / grammar_s:.2f}x")
    print(f"  cache written / bare           : {cold_cached_s / bare_s:.2f}x")
    print(f"  warm cache / bare              : {warm_s / bare_s:.2f}x")
    if "blark" in out:
        b = out["blark"]
        assert isinstance(b, dict)
        print(
            f"  blark (every {args.blark_sample}. file: {b['files']} files, {b['lines']:,} lines, "
            f"{b['files_with_errors']} with errors): {b['s']:.1f} s CPU  "
            f"{lps['blark']:>8,.0f} lines/s"
        )
        print(
            f"  plantls vs blark               : {out['plantls_speedup_vs_blark']:.1f}x faster "
            "(target >= 10x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
