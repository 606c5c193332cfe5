"""OpenDSS corpus benchmark: static rules vs the real engine on public feeders.

    .venv/bin/python bench/dss_corpus.py [--corpus ../shared/corpus/dss] [--timeout 60]

For every top-level script in the corpus (a file no other file Redirects or Compiles, whose
run defines a circuit) the script is run through the OpenDSS engine with plantls's
sandboxed runner, and the static findings of every file it runs are collected. Reported:

* error-severity static findings on scripts the engine compiles without error and solves
  (target 0: each would be a false positive), and on all scripts;
* agreement between static rules that have an engine counterpart and the engine's own
  errors, line by line: DSS101↔302, DSS102↔263, DSS103↔110/130, DSS201↔401,
  DSS202↔243/70401/653, DSS203↔ "element not set" errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from plantls.core.diagnostics import Severity
from plantls.core.documents import uri_to_path
from plantls.core.workspace import Workspace
from plantls.languages.dss import engine as eng
from plantls.languages.dss.language import DSS_LANGUAGE

COUNTERPARTS = {"DSS101", "DSS102", "DSS103", "DSS201", "DSS202", "DSS203"}


def main() -> int:
    """Run the benchmark and print the figures (and JSON with --json)."""
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=here.parent / "shared/corpus/dss")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    ws = Workspace([args.corpus])
    ws.index_all()
    index = DSS_LANGUAGE.state(ws).index
    docs = {d.uri: d for d in ws.documents() if d.language_id == "opendss"}
    static_time = time.monotonic()
    all_static: dict[str, list] = {uri: ws.diagnostics(doc) for uri, doc in docs.items()}
    static_time = time.monotonic() - static_time
    errors_all = Counter(
        d.code for ds in all_static.values() for d in ds if d.severity == Severity.ERROR
    )
    roots = []
    for uri, doc in sorted(docs.items()):
        if index.root_of(uri) != uri or index.is_data(uri):
            continue
        analysis = DSS_LANGUAGE.analysis(doc, ws)
        if analysis is not None and analysis.has_circuit:
            roots.append((uri, analysis))
    eng.TIMEOUT_S = args.timeout
    clean_roots = 0
    errors_on_clean: Counter[str] = Counter()
    clean_examples: list[str] = []
    tp = fp = fn = 0
    engine_lines_total = 0
    crashed = 0
    per_script = []
    missed: list[str] = []
    for uri, analysis in roots:
        root_path = uri_to_path(uri) or Path(uri)
        job = eng.build_job(analysis, root_path.parent)
        outcome = eng.run_job(job, root_path.parent, timeout=args.timeout)
        result = eng.interpret(job, outcome, analysis)
        engine_errors = {
            (u, line) for u, line, code, sev, _ in result.findings
            if code == "DSS501" and sev == "error"
        }
        engine_lines_total += len(engine_errors)
        if result.error:
            crashed += 1
        static_errors = {
            (f, d.range.start.line)
            for f in analysis.files
            for d in all_static.get(f, [])
            if d.code in COUNTERPARTS
        }
        tp += len(static_errors & engine_errors)
        fp += len(static_errors - engine_errors)
        fn += len(engine_errors - static_errors)
        solved_ok = not engine_errors and not result.error and result.converged is True
        if solved_ok:
            clean_roots += 1
            for f in analysis.files:
                for d in all_static.get(f, []):
                    if d.severity == Severity.ERROR and not d.code.startswith("DSS5"):
                        errors_on_clean[d.code] += 1
                        clean_examples.append(f"{f}:{d.range.start.line + 1} {d.code} {d.message}")
        if engine_errors - static_errors:
            missed.extend(
                f"{u.rsplit('Distrib/', 1)[-1]}:{line + 1} {m}"
                for u, line, code, sev, m in result.findings
                if (u, line) in engine_errors - static_errors
            )
        per_script.append(
            {"script": uri.rsplit("Distrib/", 1)[-1], "engine_errors": len(engine_errors),
             "static_errors": len(static_errors), "converged": result.converged,
             "engine_problem": result.error}
        )
    figures = {
        "files": len(docs),
        "root_scripts": len(roots),
        "scripts_engine_clean_and_solved": clean_roots,
        "static_error_findings_on_clean_scripts": sum(errors_on_clean.values()),
        "static_error_findings_all_files": dict(errors_all),
        "engine_error_lines": engine_lines_total,
        "agreement_static_and_engine_lines": tp,
        "static_only_lines": fp,
        "note": "static lines: findings of DSS101-DSS203 at any severity",
        "engine_only_lines": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "engine_runs_failed_or_timed_out": crashed,
        "static_seconds_all_files": round(static_time, 2),
        "total_seconds": round(time.monotonic() - t0, 1),
    }
    if args.json:
        print(json.dumps({"figures": figures, "scripts": per_script}, indent=1))
    else:
        for k, v in figures.items():
            print(f"{k:40} {v}")
        for line in clean_examples[:20]:
            print("  false positive?", line)
        for line in missed[:15]:
            print("  engine only:", line[:200])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
