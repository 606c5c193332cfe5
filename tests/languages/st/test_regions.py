"""Cutting an ST file into top-level regions (``languages/st/regions.py``)."""

from __future__ import annotations

import itertools

import pytest

from plantls.languages.st import regions

FILE = """\
(* plant types *)
TYPE E_Mode : (eOff, eOn);
END_TYPE

{attribute 'qualified_only'}
VAR_GLOBAL
    gMode : E_Mode;
END_VAR

// the pump
FUNCTION_BLOCK FB_Pump
VAR
    bRun : BOOL;
END_VAR
bRun := TRUE;
END_FUNCTION_BLOCK

METHOD Start : BOOL
Start := TRUE;
END_METHOD

FUNCTION F_Add : INT
VAR_INPUT a, b : INT; END_VAR
F_Add := a + b;
END_FUNCTION

PROGRAM MAIN
VAR fbPump : FB_Pump; END_VAR
fbPump();
END_PROGRAM
"""


def _firsts(parts: list[regions.Region]) -> list[str]:
    return [next(line for line in p.text.splitlines() if line.strip()) for p in parts]


def test_one_region_per_unit_with_the_comments_above_it_and_members_after_it() -> None:
    parts = regions.split(FILE)
    assert "".join(p.text for p in parts) == FILE
    assert _firsts(parts) == [
        "(* plant types *)",
        "{attribute 'qualified_only'}",
        "// the pump",
        "FUNCTION F_Add : INT",
        "PROGRAM MAIN",
    ]
    assert "END_METHOD" in parts[2].text  # a member written after its block stays with it
    assert [p.start_line for p in parts] == [0, 3, 8, 20, 25]
    for a, b in itertools.pairwise(parts):
        assert a.end_line == b.start_line


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending(newline: str) -> None:
    text = FILE.replace("\n", newline)
    parts = regions.split(text)
    assert "".join(p.text for p in parts) == text
    assert [p.start_line for p in parts] == [0, 3, 8, 20, 25]
    assert all(regions.line_breaks(p.text) == p.line_count for p in parts[:-1])


@pytest.mark.parametrize(
    "text",
    [
        # keywords inside comments and strings never cut
        "PROGRAM A\nEND_PROGRAM\n(*\nPROGRAM B\n*)\nx := 1;\n",
        "PROGRAM A\ns := 'END_PROGRAM';\nEND_PROGRAM\n",
        # code after an END keyword on the same line or before the next unit
        "PROGRAM A\nEND_PROGRAM x := 1;\nPROGRAM B\nEND_PROGRAM\n",
        # constructs that span units, and a comment that never ends
        "CONFIGURATION C\nEND_CONFIGURATION\nPROGRAM B\nEND_PROGRAM\n",
        "NAMESPACE N\nPROGRAM A\nEND_PROGRAM\nEND_NAMESPACE\nPROGRAM B\nEND_PROGRAM\n",
        "PROGRAM A\nEND_PROGRAM\n(* open\nPROGRAM B\nEND_PROGRAM\n",
        # a unit that is not closed swallows the next
        "PROGRAM A\nx := 1;\nPROGRAM B\nEND_PROGRAM\n",
    ],
)
def test_does_not_cut_where_units_are_not_cleanly_separated(text: str) -> None:
    parts = regions.split(text)
    assert "".join(p.text for p in parts) == text
    assert len(parts) <= 2
    if "(*\nPROGRAM B" in text or "'END_PROGRAM'" in text or "x := 1;\nPROGRAM B" in text:
        assert len(parts) == 1
    if text.startswith(("CONFIGURATION", "NAMESPACE")) or "(* open" in text:
        assert len(parts) == 1


def test_a_keyword_used_as_a_name_does_not_open_a_unit() -> None:
    text = "FUNCTION_BLOCK A\nEND_FUNCTION_BLOCK\nMETHOD M\nVAR END_VAR\ntype := 1;\nEND_METHOD\n"
    assert len(regions.split(text)) == 1
    assert len(regions.split(text.replace("type := 1;", "TYPE T : INT; END_TYPE"))) == 2


def test_self_contained() -> None:
    assert regions.self_contained("PROGRAM A\n(* done *)\nEND_PROGRAM\n")
    assert not regions.self_contained("PROGRAM A\n(* open\nEND_PROGRAM\n")
    assert regions.self_contained("s := '(*';\n")
    assert not regions.self_contained("FUNCTION_BLOCK A\nVAR END_VAR\n")
    assert regions.self_contained("FUNCTION_BLOCK A\nVAR END_VAR\n", unit_may_stay_open=True)


def test_empty_and_single_unit_files() -> None:
    assert [p.text for p in regions.split("")] == [""]
    assert len(regions.split("PROGRAM A\nEND_PROGRAM\n")) == 1
