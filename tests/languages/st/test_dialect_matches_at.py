"""``_matches_at`` (keyword-anchored matching) gives the same matches as ``finditer``."""

from __future__ import annotations

import pytest

from plantls.languages.st import dialect

TEXT = """FUNCTION_BLOCK PUBLIC FB_A
VAR s : STRING[80]; w : WSTRING [10]; a : ARRAY[*] OF INT; END_VAR
METHOD PRIVATE ABSTRACT M : BOOL;
END_METHOD
END_FUNCTION_BLOCK
FUNCTION INTERNAL F : INT;  MYFUNCTION_BLOCK FINAL X
PROGRAM PUBLIC P  END_PROGRAM XSTRING[3] STRING[] FUNCTION_BLOCKFINAL
"""


@pytest.mark.parametrize(
    ("pattern", "words", "back"),
    [
        (dialect._FB_MODS, ("FUNCTION_BLOCK", "CLASS"), 0),
        (dialect._METHOD_MODS, ("METHOD", "PROPERTY"), 0),
        (dialect._FUNC_MODS, ("FUNCTION", "PROGRAM"), 0),
        (dialect._STRING_BRACKET, ("STRING",), 1),
        (dialect._HEADER_SEMI, ("METHOD", "PROPERTY", "FUNCTION", "INTERFACE"), 0),
        (dialect._ARRAY_STAR, ("ARRAY",), 0),
        (dialect._BLOCK_TOKEN, dialect._BLOCK_WORDS, 0),
        (dialect._DECL_REGION, ("VAR", "STRUCT", "TYPE", "END_"), 0),
        (
            dialect._DECL_REGION,
            ("VAR", "STRUCT", "TYPE", "END_VAR", "END_STRUCT", "END_TYPE"),
            0,
        ),
        (dialect._UNION, ("END_UNION", "UNION"), 0),
        (dialect._END_STRUCT, ("END_STRUCT",), 0),
        (dialect._CLASS, ("END_CLASS", "CLASS"), 0),
        (dialect._EMPTY_STRUCT, ("STRUCT", "UNION"), 0),
        (dialect._EDGE, ("BOOL",), 0),
        (dialect._AT_ADDRESS, ("AT",), 0),
        (dialect._CONFIGURATION, ("CONFIGURATION",), 0),
    ],
)
def test_same_matches_as_finditer(pattern, words, back) -> None:
    for text in (TEXT, TEXT.upper(), TEXT * 3, ""):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in dialect._matches_at(pattern, text, words, back)] == expected


MORE = """TYPE ST_A EXTENDS ST_B :
STRUCT
    x : INT;
END_STRUCT
END_TYPE
TYPE U : UNION a : INT; END_UNION END_TYPE TYPE E : STRUCT END_STRUCT; END_TYPE
  ACTION A1:
  bOut S= bIn; bOut R= TRUE; x := a S=b;
END_ACTION
CLASS C END_CLASS SUBCLASS MYCLASS
FUNCTION F1
FUNCTION F2 : STRING(80)
  METHOD M : WSTRING (10)
VAR_INPUT b : BOOL R_EDGE; c : BOOL  F_EDGE; END_VAR
VAR x AT %IX1.0 : BOOL; AT %QX0.1 : BOOL; y AT %I* : INT; END_VAR
  AT %MW3 : WORD;
INITIAL_STEP S1: END_STEP
  STEP S2 : END_STEP TRANSITION FROM S1 TO S2 := TRUE; END_TRANSITION
CONFIGURATION Cfg TASK T (INTERVAL := T#10MS); PROGRAM P WITH T : Main; END_CONFIGURATION
"""


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (dialect._SET_RESET, ("S=", "R=")),
        (dialect._RETURN_STRING_LENGTH, ("FUNCTION", "METHOD", "PROPERTY")),
        (dialect._ACTION, ("ACTION",)),
        (dialect._FUNC_HEADER, ("FUNCTION",)),
        (dialect._TYPE_EXTENDS, ("EXTENDS",)),
        (dialect._ANON_AT, ("%",)),
        (dialect._SFC, ("STEP", "TRANSITION")),
    ],
)
def test_line_matches_same_as_finditer(pattern, words) -> None:
    for text in (MORE, MORE.upper(), MORE.replace("\n", "\r\n"), TEXT.upper(), MORE * 2, ""):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in dialect._line_matches(pattern, text, words)] == expected


def test_bounded_matches_same_as_finditer() -> None:
    text = MORE.upper() * 2
    for pos, endpos in ((0, len(text)), (10, 200), (37, 38), (100, len(text) - 5)):
        for pattern, words in ((dialect._FB_ARGS, (":", "OF")), (dialect._EDGE, ("BOOL",))):
            expected = [m.span() for m in pattern.finditer(text, pos, endpos)]
            found = dialect._matches_at(pattern, text, words, pos=pos, endpos=endpos)
            assert [m.span() for m in found] == expected


def test_end_words_found_with_their_word_same_as_finditer() -> None:
    """An ``END_X`` searched for with ``X`` is found as the ``X`` it ends with, also where
    the bounds cut through it."""
    text = (TEXT + MORE).upper() * 2
    cases = (
        (dialect._DECL_REGION, ("VAR", "STRUCT", "TYPE", "END_VAR", "END_STRUCT", "END_TYPE"), 0),
        (dialect._UNION, ("END_UNION", "UNION"), 0),
        (dialect._CLASS, ("END_CLASS", "CLASS"), 0),
        (dialect._STRING_BRACKET, ("STRING", "END_STRING"), 1),
    )
    bounds = [(0, len(text))] + [(i, i + 60) for i in range(0, 400, 7)]
    for pattern, words, back in cases:
        for pos, endpos in bounds:
            expected = [m.span() for m in pattern.finditer(text, pos, endpos)]
            found = dialect._matches_at(pattern, text, words, back, pos=pos, endpos=endpos)
            assert [m.span() for m in found] == expected, (pattern.pattern, pos, endpos)


def test_blank_same_as_a_substitution_per_character() -> None:
    import itertools
    import re

    not_newline = re.compile(r"[^\r\n]")
    parts = ["a", "\n", "\r", "\r\n", " ", "ä", "\U0001f600", "\t"]
    for size in range(5):
        for combo in itertools.product(parts, repeat=size):
            chunk = "".join(combo)
            wide = dialect._NON_BMP.sub("  ", chunk)
            assert dialect.blank(chunk) == not_newline.sub(" ", wide), repr(chunk)


SHIFTED = """FUNCTION F1 // no return type
VAR_INPUT x : INT; END_VAR
F1 := x; (* a comment *) s := 'text';
END_FUNCTION
FUNCTION F2
(* header comment *)
END_FUNCTION
FUNCTION_BLOCK FB
METHOD M : BOOL
END_METHOD
x := 1; // after
END_FUNCTION_BLOCK
CLASS C
END_CLASS
"""


def test_scan_kept_after_length_changes_equals_a_rescan(monkeypatch) -> None:
    kept = []
    original = dialect.Source._shift_in_place

    def checked(self, *args):
        ok = original(self, *args)
        if ok:
            fresh = dialect.Source(self.text)
            assert fresh.spans == self.spans
            assert fresh.code == self.code
            kept.append(True)
        return ok

    monkeypatch.setattr(dialect.Source, "_shift_in_place", checked)
    for text in (SHIFTED, SHIFTED.replace("\n", "\r\n"), SHIFTED.replace("F1 //", "F1//")):
        dialect.rewrite(text, "file:///w/x.st")
    assert kept


def test_after_number_only_where_no_token_ends() -> None:
    import itertools

    parts = ["1", "x", "_", " ", "]", ")", "#", "%", "\n", "ä", "٣"]
    skipped = 0
    for size in range(1, 6):
        for combo in itertools.product(parts, repeat=size):
            code = "".join(combo) + ".3"
            pos = len(code) - 2
            if dialect._after_number(code, pos):
                skipped += 1
                assert dialect._TOKEN_BEFORE.search(code, max(0, pos - 64), pos) is None, code
    assert skipped
