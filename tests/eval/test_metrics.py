"""Eval building blocks: edit similarity, reproducible holes, syntax checks by language."""

from __future__ import annotations

from pathlib import Path

from plantls.eval.runner import (
    candidate_holes,
    edit_similarity,
    levenshtein,
    sample_holes,
    syntax_error_count,
)
from plantls.train.corpus import SourceFile, collect

ST = """FUNCTION_BLOCK FB_Pump
VAR_INPUT
    bStart : BOOL;
END_VAR
VAR
    bRun : BOOL;
END_VAR
IF bStart THEN
    bRun := TRUE;
END_IF
END_FUNCTION_BLOCK
"""


def test_levenshtein_and_similarity() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert edit_similarity("abc", "abc") == 1.0
    assert edit_similarity("", "") == 1.0
    assert edit_similarity("abcd", "abxd") == 0.75


def test_holes_are_reproducible(corpus_dir: Path) -> None:
    files = collect([corpus_dir], 0.2, 0).validation
    for kind in ("next-line", "block", "span"):
        a = sample_holes(files, kind, 10, seed=3)
        b = sample_holes(files, kind, 10, seed=3)
        c = sample_holes(files, kind, 10, seed=4)
        assert a == b and a != c and len(a) == 10
        for hole in a:
            assert hole.target.strip()
            if kind != "block":
                assert "\n" not in hole.target


def test_block_holes_follow_indentation() -> None:
    src = SourceFile("x.st", "iec-st", ST)
    blocks = [h.target for h in candidate_holes(src, "block")]
    assert "IF bStart THEN\n    bRun := TRUE;\nEND_IF" in blocks
    assert all(b.count("\n") >= 1 for b in blocks)


def test_syntax_error_count_per_language() -> None:
    assert syntax_error_count(ST, "iec-st") == 0
    assert syntax_error_count(ST.replace("END_IF\n", ""), "iec-st") > 0
    assert syntax_error_count("New Line.L1 bus1=a bus2=b\n", "opendss") == 0
    assert syntax_error_count("Nwe Line.L1 bus1=a bus2=b\n", "opendss") > 0
    assert syntax_error_count("recipe: [unclosed\n", "fab-recipe") > 0
