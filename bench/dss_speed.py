"""OpenDSS speed: plantls's static check of the public feeders against the engine's own
compile of the same feeders, in one process run.

* **static**: a :class:`~plantls.core.workspace.Workspace` over ``../shared/corpus/dss``,
  every file read and indexed, then every ``.dss`` file checked (all static rules, no engine)
  — what ``plantls check`` does without ``--engine``; CPU seconds, median of ``--repeat``;
* **engine**: each top-level feeder script (one that no other file redirects to and that
  defines a circuit, as in ``dss_corpus.py``) compiled by the OpenDSS engine (dss-python,
  ``compile "<script>"`` in a fresh engine context), timed inside one child process per
  script, so interpreter start-up is not counted and an engine crash stays in the child.
  A script's own commands run too (most end in ``Solve``), as when an engineer compiles it.

Reported: seconds, lines per second and the ratio engine / static.

Usage: ``.venv/bin/python bench/dss_speed.py [--corpus DIR] [--repeat N] [--json]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from plantls.core.documents import uri_to_path  # noqa: E402
from plantls.core.workspace import Workspace  # noqa: E402
from plantls.languages.dss.language import DSS_LANGUAGE  # noqa: E402


def static_check(corpus: Path) -> tuple[float, Workspace, int]:
    """CPU seconds to index and check every OpenDSS file; the workspace and findings."""
    t0 = time.process_time()
    ws = Workspace([corpus])
    ws.index_all()
    findings = 0
    for doc in list(ws.documents()):
        if doc.language_id == "opendss":
            findings += len(ws.diagnostics(doc))
    return time.process_time() - t0, ws, findings


def feeder_roots(ws: Workspace) -> list[Path]:
    """Top-level scripts that define a circuit."""
    index = DSS_LANGUAGE.state(ws).index
    roots = []
    for doc in ws.documents():
        if doc.language_id != "opendss":
            continue
        uri = doc.uri
        if index.root_of(uri) != uri or index.is_data(uri):
            continue
        analysis = DSS_LANGUAGE.analysis(doc, ws)
        path = uri_to_path(uri)
        if analysis is not None and analysis.has_circuit and path is not None:
            roots.append(path)
    return sorted(roots)


_WORKER = """
import json, os, sys, time
from dss import DSS
path = sys.argv[1]
dss = DSS.NewContext()
dss.AllowForms = False
dss.AllowEditor = False
t0 = time.process_time()
ok = True
try:
    dss.Text.Command = 'compile "%s"' % path
except Exception:
    ok = False
print(json.dumps({"s": time.process_time() - t0, "ok": ok}), flush=True)
os._exit(0)
"""


def engine_compile(roots: list[Path], timeout: float) -> tuple[float, int, int]:
    """CPU seconds the engine spends compiling every root script (timed inside a child process
    per script, so its start-up is not counted and a crash stays there); scripts with
    engine errors; scripts whose engine run crashed or timed out (not counted)."""
    elapsed, failed, crashed = 0.0, 0, 0
    for path in roots:
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _WORKER, str(path)],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=path.parent,
            )
            record = json.loads(proc.stdout.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, ValueError, IndexError):
            crashed += 1
            continue
        elapsed += record["s"]
        failed += not record["ok"]
    return elapsed, failed, crashed


def count_lines(ws: Workspace) -> tuple[int, int]:
    """OpenDSS files and lines in the workspace."""
    docs = [d for d in ws.documents() if d.language_id == "opendss"]
    return len(docs), sum(d.text.count("\n") + 1 for d in docs)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dss")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0, help="per engine run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    corpus = args.corpus.resolve()
    _, ws, findings = static_check(corpus)  # warm up (imports, schema)
    files, lines = count_lines(ws)
    roots = feeder_roots(ws)
    static_runs, engine_runs = [], []
    failed = crashed = 0
    for _ in range(args.repeat):
        static_runs.append(static_check(corpus)[0])
        seconds, failed, crashed = engine_compile(roots, args.timeout)
        engine_runs.append(seconds)
    static_s, engine_s = statistics.median(static_runs), statistics.median(engine_runs)
    out = {
        "files": files,
        "lines": lines,
        "static_findings": findings,
        "static_s_cpu": round(static_s, 3),
        "static_lines_per_s": round(lines / static_s),
        "feeder_scripts": len(roots),
        "engine_compile_s_cpu": round(engine_s, 3),
        "engine_scripts_with_errors": failed,
        "engine_runs_crashed_or_timed_out": crashed,
        "engine_over_static": round(engine_s / static_s, 2),
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"OpenDSS corpus: {files} files, {lines:,} lines, {len(roots)} feeder scripts")
    print(
        f"  plantls static check (all files) : {static_s:6.3f} s CPU "
        f"({out['static_lines_per_s']:,} lines/s, {findings} findings)"
    )
    print(
        f"  engine compile (feeder scripts)  : {engine_s:6.3f} s CPU "
        f"({failed} with engine errors, {crashed} crashed or timed out, not counted)"
    )
    print(f"  engine / static                  : {engine_s / static_s:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
