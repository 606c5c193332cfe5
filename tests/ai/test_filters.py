"""Golden tests: each post-processing filter on its own, then the chain."""

from __future__ import annotations

import pytest

from plantls.ai.filters import (
    CHAIN,
    FilterContext,
    FilterTrace,
    balance_brackets,
    detect_indent_unit,
    drop_empty,
    drop_suffix_repeat,
    normalise_indentation,
    run_chain,
    single_line_mid_line,
    stop_at_block_end,
)

BODY_PREFIX = "PROGRAM P\nVAR\n    x : BOOL;\nEND_VAR\nIF x THEN\n    "
BODY_SUFFIX = "\nEND_IF\nEND_PROGRAM\n"


def st(prefix: str = BODY_PREFIX, suffix: str = BODY_SUFFIX) -> FilterContext:
    return FilterContext("iec-st", prefix, suffix)


@pytest.mark.parametrize(
    ("raw", "ctx", "want"),
    [
        # An END_IF that closes the block the cursor is in: the document has it already.
        ("x := FALSE;\nEND_IF\nEND_PROGRAM", st(), "x := FALSE;"),
        # A block opened and closed inside the suggestion is kept whole.
        (
            "IF y THEN\n        x := TRUE;\n    END_IF\nEND_IF",
            st(),
            "IF y THEN\n        x := TRUE;\n    END_IF",
        ),
        # A blank line after a full line ends the suggestion.
        ("x := TRUE;\n\nPROGRAM Q", st(), "x := TRUE;"),
        # A lone END_* at a fresh line closes an outer block: nothing to suggest.
        ("END_IF", st(), ""),
        ("END_VAR\nEND_VAR\n", st(), ""),
        # Indentation-based for YAML: stop at a line less indented than the cursor's block.
        (
            "pressure: 2 Torr\n    time: 5 s\nsteps:",
            FilterContext("fab-recipe", "steps:\n  - name: a\n    ", "\n"),
            "pressure: 2 Torr\n    time: 5 s",
        ),
    ],
)
def test_stop_at_block_end(raw: str, ctx: FilterContext, want: str) -> None:
    assert stop_at_block_end(raw, ctx) == want


@pytest.mark.parametrize(
    ("raw", "ctx", "want"),
    [
        # The next line of the document is repeated: cut there.
        ("x := TRUE;\nEND_IF", st(), "x := TRUE;"),
        # The suggestion's tail overlaps the text after the cursor.
        ("TON(IN := x);", st("t(", ");\nEND_PROGRAM"), "TON(IN := x"),
        # Nothing repeated: unchanged.
        ("x := TRUE;", st(), "x := TRUE;"),
    ],
)
def test_drop_suffix_repeat(raw: str, ctx: FilterContext, want: str) -> None:
    assert drop_suffix_repeat(raw, ctx) == want


@pytest.mark.parametrize(
    ("raw", "ctx", "want"),
    [
        ("TRUE AND y\n    z := 1;", st("x := ", " OR w;\nEND_PROGRAM"), "TRUE AND y"),
        # Only closing brackets after the cursor: not mid-line.
        ("a, b)\nc", st("f(", ")\n"), "a, b)\nc"),
        ("x := TRUE;\ny := 1;", st(), "x := TRUE;\ny := 1;"),
    ],
)
def test_single_line_mid_line(raw: str, ctx: FilterContext, want: str) -> None:
    assert single_line_mid_line(raw, ctx) == want


@pytest.mark.parametrize(
    ("raw", "ctx", "want"),
    [
        # The line already closes the call: do not repeat the closer.
        ("IN := x, PT := T#1S)", st("t(", ");\n"), "IN := x, PT := T#1S"),
        # A closer that matches nothing is cut with what follows.
        ("x := y);", st("    ", "\n"), "x := y"),
        # Balanced brackets are kept.
        ("t(IN := x);", st("    ", "\n"), "t(IN := x);"),
        # A multi-line ST suggestion that opens IF gets its END_IF.
        (
            "IF y THEN\n        x := TRUE;",
            st(),
            "IF y THEN\n        x := TRUE;\n    END_IF",
        ),
        # ...unless the document closes it right after the cursor.
        ("IF y THEN\n        x := TRUE;", st(BODY_PREFIX, "\n    END_IF\nEND_IF\n"),
         "IF y THEN\n        x := TRUE;"),
    ],
)
def test_balance_brackets(raw: str, ctx: FilterContext, want: str) -> None:
    assert balance_brackets(raw, ctx) == want


@pytest.mark.parametrize(
    ("raw", "ctx", "want"),
    [
        # Tabs become the document's unit; trailing whitespace and newlines go.
        ("x := 1;  \n\ty := 2;\n\n", st(), "x := 1;\n    y := 2;"),
        # The cursor already sits after the indentation: the first line's own is dropped.
        ("    x := 1;", st(), "x := 1;"),
        # A tab-indented document gets tabs.
        ("x := 1;\n        y := 2;", FilterContext("iec-st", "IF x THEN\n\t", "\n", "\t"),
         "x := 1;\n\t\ty := 2;"),
    ],
)
def test_normalise_indentation(raw: str, ctx: FilterContext, want: str) -> None:
    assert normalise_indentation(raw, ctx) == want


@pytest.mark.parametrize(("raw", "want"), [("", ""), ("  \n\t", ""), ("x", "x")])
def test_drop_empty(raw: str, want: str) -> None:
    assert drop_empty(raw, st()) == want


def test_chain_order_and_trace() -> None:
    assert [name for name, _ in CHAIN] == [
        "stop_at_block_end",
        "drop_suffix_repeat",
        "single_line_mid_line",
        "balance_brackets",
        "normalise_indentation",
        "drop_empty",
    ]
    trace = FilterTrace()
    out = run_chain("x := FALSE;   \nEND_IF\nEND_PROGRAM\n", st(), trace)
    assert out == "x := FALSE;"
    assert trace.changed_by == ["stop_at_block_end", "normalise_indentation"]
    assert run_chain("END_IF", st()) == ""


def test_detect_indent_unit() -> None:
    assert detect_indent_unit("A\n  b\n    c\n") == "  "
    assert detect_indent_unit("A\n\tb\n\t\tc\n") == "\t"
    assert detect_indent_unit("A\n") == "    "
