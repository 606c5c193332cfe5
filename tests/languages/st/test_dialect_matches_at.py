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
    ],
)
def test_same_matches_as_finditer(pattern, words, back) -> None:
    for text in (TEXT, TEXT.upper(), TEXT * 3, ""):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in dialect._matches_at(pattern, text, words, back)] == expected
