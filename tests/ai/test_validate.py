"""Validation by the parser: keep, cut to the longest valid prefix, or drop."""

from __future__ import annotations

from plantls.ai.validate import validate
from plantls.core.documents import Document
from plantls.core.language import language_by_id
from plantls.core.workspace import Workspace

TEXT = """PROGRAM P
VAR
    bStart : BOOL;
    bRun : BOOL;
END_VAR
IF bStart THEN
    |
END_IF
END_PROGRAM
"""


def check(suggestion: str):
    offset = TEXT.index("|")
    text = TEXT.replace("|", "")
    ws = Workspace()
    doc = Document("file:///w/p.st", text, "iec-st", 1)
    ws.open(doc)
    lang = language_by_id("iec-st")
    assert lang is not None
    result = validate(lang, ws, doc, offset, suggestion)
    assert "file:///w/p.st" in ws.open_documents
    return result


def test_valid_is_kept() -> None:
    assert check("bRun := TRUE;").verdict == "kept"


def test_undeclared_name_is_cut_to_longest_valid_prefix() -> None:
    result = check("bRun := TRUE;\n    bMissing := FALSE;")
    assert (result.text, result.verdict) == ("bRun := TRUE;", "cut")
    assert any("bMissing" in m for m in result.added)


def test_syntax_error_is_dropped() -> None:
    result = check("bRun := := ;")
    assert (result.text, result.verdict) == ("", "dropped")
