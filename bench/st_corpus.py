"""Parse rate of plantls on the public ST corpus, against the bare tree-sitter grammar.

Reads ``../shared/corpus/st`` (relative to the repository root; ``--corpus`` overrides it)
and reports, per repository and in total:

* files and lines checked;
* files with no ST001 syntax error, and their percentage (plantls: TwinCAT extraction,
  dialect handling, the grammar);
* error-severity findings per 1,000 lines from the whole ``plantls check`` pipeline
  (:class:`plantls.core.workspace.Workspace` with the registered languages, one workspace
  per repository so names resolve across its files, as the CLI does);
* the bare grammar's rate: ``tree-sitter-iec61131-3-st`` on the file's text as it is (for
  TwinCAT XML that is the XML itself), and on the extracted TwinCAT ST without dialect
  handling (``bare+xml``);
* parse time of plantls against the bare grammar on the same texts.

The files that SOURCES.md lists as wrong on purpose are left out of the rates and listed
apart, with whether plantls still reports a syntax error in each.

Usage: ``.venv/bin/python bench/st_corpus.py [--corpus DIR] [--json] [--failures]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from plantls.core.diagnostics import Severity  # noqa: E402
from plantls.core.documents import decode_text, path_to_uri  # noqa: E402
from plantls.core.workspace import Workspace  # noqa: E402
from plantls.languages.st import syntax, twincat  # noqa: E402

EXTENSIONS = (".st", ".tcpou", ".tcgvl", ".tcdut", ".tcio", ".fun", ".typ", ".var")

# Files that SOURCES.md lists as wrong on purpose (syntax or semantics), by repository.
# They are left out of the rates; the report shows whether plantls flags them.
WRONG_ON_PURPOSE = {
    "ironplc__ironplc": [
        "compiler/resources/test/first_steps_syntax_error.st",  # syntax error
        "compiler/resources/test/first_steps_semantic_error.st",  # semantic error
        "integrations/vscode/src/screenshots/fixtures/invalid.st",  # semantic error
    ],
    "jubnzv__iec-checker": [
        "test/st/bad/lexing-error.st",  # lexing error
        "test/st/bad/semantic-error.st",  # semantic error
        "test/st/dead-code.st",  # valid syntax, dead code on purpose
        "test/st/declaration-analysis.st",  # valid syntax, declaration issues on purpose
    ],
    "Roald87__TcBlack": [
        "twincat/BrokenProjectForUnitTests/PLC2/POUs/MAIN.TcPOU",  # variable with no type
    ],
}
SYNTAX_BROKEN = {
    "compiler/resources/test/first_steps_syntax_error.st",
    "test/st/bad/lexing-error.st",
    "twincat/BrokenProjectForUnitTests/PLC2/POUs/MAIN.TcPOU",
}
"""The files above whose defect is a syntax error: plantls must report ST001 in them."""


@dataclass
class RepoStats:
    """Figures for one repository (or the total)."""

    files: int = 0
    lines: int = 0
    clean: int = 0
    bare_clean: int = 0
    bare_xml_clean: int = 0
    error_findings: int = 0
    plantls_seconds: float = 0.0
    bare_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def add(self, other: RepoStats) -> None:
        """Accumulate another repository's figures."""
        for name in (
            "files",
            "lines",
            "clean",
            "bare_clean",
            "bare_xml_clean",
            "error_findings",
            "plantls_seconds",
            "bare_seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures.extend(other.failures)

    def rate(self, n: int) -> float:
        """``n`` as a percentage of the files."""
        return 100.0 * n / self.files if self.files else 0.0

    @property
    def errors_per_kloc(self) -> float:
        """Error-severity findings per 1,000 lines."""
        return 1000.0 * self.error_findings / self.lines if self.lines else 0.0


def corpus_files(repo: Path) -> list[Path]:
    """ST files of one repository: no LICENSE files, no Markdown, known extensions only."""
    out = []
    for path in sorted(repo.rglob("*")):
        if not path.is_file() or path.name.upper().startswith(("LICENSE", "OSCAT_LICENSE")):
            continue
        if path.suffix.lower() in EXTENSIONS:
            out.append(path)
    return out


def has_st001(text: str, path: str) -> bool:
    """True when plantls's parse reports a syntax error."""
    return bool(syntax.syntax_errors(syntax.parse(text, path), limit=1))


def bare_clean(text: str, xml: bool) -> tuple[bool, bool]:
    """The bare grammar on the raw text, and on the extracted TwinCAT ST (no dialect)."""
    raw_ok = not syntax.parse_bare(text).root_node.has_error
    if not xml:
        return raw_ok, raw_ok
    extracted = twincat.extract(text)
    xml_ok = not extracted.problems and not syntax.parse_bare(extracted.text).root_node.has_error
    return raw_ok, xml_ok


def timed_parses(text: str, path: str) -> tuple[float, float]:
    """Seconds for a plantls parse and for a bare parse of the text the grammar sees."""
    t0 = time.perf_counter()
    st = syntax.parse(text, path)
    t1 = time.perf_counter()
    syntax.parse_bare(st.source)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def measure_repo(repo: Path) -> tuple[RepoStats, list[dict[str, object]]]:
    """Figures for one repository, and the status of its wrong-on-purpose files."""
    stats = RepoStats()
    purpose = set(WRONG_ON_PURPOSE.get(repo.name, []))
    files = corpus_files(repo)
    workspace = Workspace(roots=[repo])
    docs = {path: workspace.add_file(path) for path in files}
    special = []
    for path in files:
        rel = path.relative_to(repo).as_posix()
        text, _problem = decode_text(path.read_bytes())
        flagged = has_st001(text, str(path))
        if rel in purpose:
            special.append(
                {
                    "repo": repo.name,
                    "path": rel,
                    "syntax_error_expected": rel in SYNTAX_BROKEN,
                    "st001_reported": flagged,
                }
            )
            continue
        stats.files += 1
        stats.lines += text.count("\n") + 1
        xml = twincat.is_twincat(str(path))
        raw_ok, xml_ok = bare_clean(text, xml)
        stats.bare_clean += raw_ok
        stats.bare_xml_clean += xml_ok
        if flagged:
            stats.failures.append(f"{repo.name}/{rel}")
        else:
            stats.clean += 1
        diags = workspace.diagnostics(docs[path])
        stats.error_findings += sum(1 for d in diags if d.severity == Severity.ERROR)
        plantls_s, bare_s = timed_parses(text, path_to_uri(path))
        stats.plantls_seconds += plantls_s
        stats.bare_seconds += bare_s
    return stats, special


def print_table(per_repo: dict[str, RepoStats], total: RepoStats) -> None:
    """A rich table of the figures."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ST corpus: files with no ST001 syntax error")
    for col in ("repository", "files", "lines", "plantls", "%", "errors/kLOC", "bare", "%"):
        table.add_column(col, justify="left" if col == "repository" else "right")
    table.add_column("bare+xml %", justify="right")
    rows = [*per_repo.items(), ("TOTAL", total)]
    for name, s in rows:
        table.add_row(
            name,
            str(s.files),
            f"{s.lines:,}",
            str(s.clean),
            f"{s.rate(s.clean):.1f}",
            f"{s.errors_per_kloc:.2f}",
            str(s.bare_clean),
            f"{s.rate(s.bare_clean):.1f}",
            f"{s.rate(s.bare_xml_clean):.1f}",
        )
    console = Console()
    console.print(table)
    ratio = total.plantls_seconds / total.bare_seconds if total.bare_seconds else 0.0
    console.print(
        f"parse time: plantls {total.plantls_seconds:.2f}s, bare grammar "
        f"{total.bare_seconds:.2f}s ({ratio:.2f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table or JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "st")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--failures", action="store_true", help="list files with ST001")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    per_repo: dict[str, RepoStats] = {}
    special: list[dict[str, object]] = []
    total = RepoStats()
    for repo in sorted(p for p in args.corpus.iterdir() if p.is_dir()):
        stats, wrong = measure_repo(repo)
        per_repo[repo.name] = stats
        special.extend(wrong)
        total.add(stats)
    if args.json:
        out = {
            "repositories": {k: _as_json(v) for k, v in per_repo.items()},
            "total": _as_json(total),
            "wrong_on_purpose": special,
        }
        print(json.dumps(out, indent=2))
        return 0
    print_table(per_repo, total)
    missed = [s for s in special if s["syntax_error_expected"] and not s["st001_reported"]]
    print(
        f"wrong on purpose: {len(special)} files left out; "
        f"{sum(1 for s in special if s['syntax_error_expected'])} have syntax errors, "
        f"{len(missed)} of those not reported"
    )
    if args.failures:
        by_repo: dict[str, list[str]] = defaultdict(list)
        for f in total.failures:
            repo, _, rest = f.partition("/")
            by_repo[repo].append(rest)
        for repo, paths in by_repo.items():
            print(f"{repo}:")
            for p in paths:
                print(f"  {p}")
    return 0


def _as_json(s: RepoStats) -> dict[str, object]:
    """JSON view of one row."""
    d = asdict(s)
    d["clean_percent"] = round(s.rate(s.clean), 2)
    d["bare_clean_percent"] = round(s.rate(s.bare_clean), 2)
    d["bare_xml_clean_percent"] = round(s.rate(s.bare_xml_clean), 2)
    d["errors_per_kloc"] = round(s.errors_per_kloc, 3)
    return d


if __name__ == "__main__":
    raise SystemExit(main())
