"""Replays every input that once made a language entry point fail (tests/hardening/regressions).

Each file is run through the same checks as the fuzzers (see fuzz_support.exercise), with
positions on every line. Add the minimal input of each new crash here, in the folder of its
language, named after what it broke.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_support import REGRESSIONS, exercise, probe_positions

from plantls.core.documents import decode_text

CASES = sorted(p for p in REGRESSIONS.rglob("*") if p.is_file() and p.name != "README.md")


def test_regression_corpus_is_not_empty() -> None:
    assert CASES, "the regression corpus has no inputs"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_regression_input(path: Path) -> None:
    text, _ = decode_text(path.read_bytes())
    lines = text.split("\n")
    picks = [(i, c) for i, line in enumerate(lines) for c in (0, len(line) // 2, len(line))]
    exercise(path.name, text, probe_positions(text, picks[:300]))
