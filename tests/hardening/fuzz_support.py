"""Shared pieces of the fuzz tests: run every language entry point on a text and check results.

:func:`exercise` is the property every fuzz test asserts: for one file text it runs the
language's diagnostics, symbols, hover, definition, completion and signature help (at the
positions it is given, in and outside the document), and checks that nothing raises, that
every range lies inside the document and that the whole file finished within a time bound.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings

from plantls.core.documents import Document, path_to_uri
from plantls.core.language import language_for_path
from plantls.core.positions import LineIndex, Position, Range, utf16_len
from plantls.core.symbols import Symbol
from plantls.core.workspace import Workspace

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLES = REPO / "examples"
REGRESSIONS = HERE / "regressions"

FUZZ_EXAMPLES = int(os.environ.get("PLANTLS_FUZZ_EXAMPLES", "0") or 0)
"""``PLANTLS_FUZZ_EXAMPLES=5000`` runs every fuzz test that many times (default: a CI budget)."""

FILE_DEADLINE_S = float(os.environ.get("PLANTLS_FUZZ_DEADLINE_S", "8"))
"""Every language entry point together, on one fuzzed file, must finish within this."""


def fuzz_settings(ci_examples: int) -> settings:
    """Hypothesis settings for one fuzz test: ``ci_examples`` by default, more when asked."""
    return settings(
        max_examples=FUZZ_EXAMPLES or ci_examples,
        deadline=None,  # the time bound is FILE_DEADLINE_S, checked by exercise()
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
        derandomize=False,
        print_blob=True,
    )


_ROOT: Path | None = None


def fuzz_root() -> Path:
    """An empty folder that serves as the workspace root of fuzzed documents."""
    global _ROOT
    if _ROOT is None:
        _ROOT = Path(tempfile.mkdtemp(prefix="plantls-fuzz-"))
    return _ROOT


@dataclass
class Outcome:
    """What one exercised file produced (for tests that look further)."""

    document: Document
    codes: list[str]
    seconds: float


def check_range(lines: LineIndex, rng: Range, what: str) -> None:
    """Fail unless ``rng`` is a valid LSP range of the text behind ``lines``."""
    for pos in (rng.start, rng.end):
        assert 0 <= pos.line < lines.line_count, (
            f"{what}: line {pos.line} outside 0..{lines.line_count - 1} ({rng})"
        )
        width = utf16_len(lines.line_text(pos.line))
        assert 0 <= pos.character <= width, (
            f"{what}: character {pos.character} outside line {pos.line} of width {width} ({rng})"
        )
    assert rng.start <= rng.end, f"{what}: start after end ({rng})"


def _check_symbols(lines: LineIndex, symbols: Iterable[Symbol], depth: int = 0) -> None:
    assert depth < 64, "symbol tree nested implausibly deep"
    for sym in symbols:
        assert sym.name is not None
        check_range(lines, sym.range, f"symbol {sym.name!r}")
        check_range(lines, sym.selection_range, f"selection of symbol {sym.name!r}")
        _check_symbols(lines, sym.children, depth + 1)


def probe_positions(text: str, picks: Iterable[tuple[int, int]] = ()) -> list[Position]:
    """Positions to query: start, end, past the end, and ``picks`` (line, column) as given."""
    lines = LineIndex(text)
    out = [Position(0, 0), lines.end(), Position(lines.line_count + 5, 3), Position(0, 10_000),
           Position(10_000, 10_000)]
    out.extend(Position(max(0, ln), max(0, col)) for ln, col in picks)
    return out


def exercise(
    name: str,
    text: str,
    positions: Iterable[Position] | None = None,
    workspace: Workspace | None = None,
    uri: str | None = None,
) -> Outcome:
    """Run every language entry point on ``text`` as file ``name`` and check the results."""
    lang = language_for_path(name)
    assert lang is not None, f"no language for {name}"
    root = fuzz_root()
    ws = workspace or Workspace([root])
    doc = Document(uri=uri or path_to_uri(root / name), text=text, language_id=lang.id)
    started = time.monotonic()
    ws.open(doc)
    lines = doc.lines
    found = ws.diagnostics(doc)
    for d in found:
        assert isinstance(d.code, str) and d.code, f"finding without a code: {d}"
        assert isinstance(d.message, str) and d.message, f"finding without a message: {d}"
        check_range(lines, d.range, f"{d.code} {d.message!r}")
    _check_symbols(lines, lang.symbols(doc, ws))
    for pos in positions if positions is not None else probe_positions(text):
        hover = lang.hover(doc, ws, pos)
        if hover is not None:
            assert isinstance(hover.markdown, str)
            if hover.range is not None:
                check_range(lines, hover.range, f"hover at {pos}")
        for loc in lang.definition(doc, ws, pos):
            if loc.uri == doc.uri:
                check_range(lines, loc.range, f"definition from {pos}")
        for item in lang.completion(doc, ws, pos):
            assert isinstance(item.label, str)
        sig = lang.signature_help(doc, ws, pos)
        if sig is not None:
            assert sig.active_parameter >= 0
    seconds = time.monotonic() - started
    assert seconds < FILE_DEADLINE_S, f"{name} took {seconds:.1f} s (bound {FILE_DEADLINE_S} s)"
    ws.close(doc.uri)
    return Outcome(doc, [d.code for d in found], seconds)


def example_files() -> list[Path]:
    """Every example file some language handles."""
    return sorted(
        p for p in EXAMPLES.rglob("*") if p.is_file() and language_for_path(p.name) is not None
    )
