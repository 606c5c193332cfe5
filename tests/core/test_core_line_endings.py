"""LSP line breaks in core: ``\\n``, ``\\r\\n`` (one break) and a lone ``\\r`` each end a line."""

from __future__ import annotations

import pytest

from plantls.core.documents import Document
from plantls.core.positions import (
    LineIndex,
    Position,
    iter_lines,
    line_starts,
    normalize_lone_cr,
    split_lines,
)
from plantls.core.suppressions import comment_spans, find_suppressions

MIXED = "ab\rcd\r\nef\ngh\r\rij"
LINES = ["ab", "cd", "ef", "gh", "", "ij"]


def test_every_kind_of_break_ends_a_line() -> None:
    idx = LineIndex(MIXED)
    assert idx.line_count == len(LINES)
    assert [idx.line_text(i) for i in range(idx.line_count)] == LINES
    assert split_lines(MIXED) == LINES
    assert [line for _, line in iter_lines(MIXED)] == LINES
    assert [MIXED[o : o + len(line)] for o, line in iter_lines(MIXED)] == LINES
    assert line_starts(MIXED) == idx.line_starts == [0, 3, 7, 10, 13, 14]


def test_trailing_breaks_open_an_empty_line() -> None:
    for text in ("a\n", "a\r\n", "a\r"):
        idx = LineIndex(text)
        assert idx.line_count == 2
        assert idx.end() == Position(1, 0)
    assert LineIndex("a\r\r\n").line_count == 3


def test_offsets_round_trip_in_mixed_text() -> None:
    idx = LineIndex(MIXED)
    for line, text in enumerate(LINES):
        for col in range(len(text) + 1):
            pos = Position(line, col)
            assert idx.position(idx.offset(pos)) == pos
    assert idx.position(MIXED.index("c")) == Position(1, 0)
    assert idx.position(MIXED.index("i")) == Position(5, 0)
    assert idx.offset(Position(1, 99)) == MIXED.index("\r\n")  # clamped to the line


def test_an_offset_inside_crlf_is_the_end_of_its_line() -> None:
    idx = LineIndex("ab\r\ncd")
    assert idx.position(3) == Position(0, 2)
    assert idx.from_byte_offset(3) == Position(0, 2)


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_byte_offsets_and_utf16_columns(eol: str) -> None:
    text = eol.join(["x := 1;", "ä := '😀'; b", "", "c"])
    idx = LineIndex(text)
    data = text.encode("utf-8")
    b = text.index("b")
    assert idx.from_byte_offset(len(text[:b].encode())) == Position(
        1, text.split(eol)[1].index("b") + 1
    )
    assert idx.from_byte_offset(data.index(b"c")) == Position(3, 0)
    assert idx.from_byte_offset(len(data)) == idx.end() == Position(3, 1)
    for line, content in enumerate(text.split(eol)):
        for col in range(len(content) + 1):
            pos = idx.position(idx.offset(Position(line, 0)) + col)
            byte = idx.byte_offset_of(pos)
            assert byte == len(text[: idx.offset(pos)].encode())
            assert idx.from_byte_offset(byte) == pos


def test_tree_sitter_points_of_a_lone_cr_text() -> None:
    """Tree-sitter counts rows at ``\\n`` only: in ``a\\rbc\\nd`` row 0 holds two LSP lines."""
    text = "a\rbä\nd"
    idx = LineIndex(text)
    assert idx.from_byte_point(0, 2) == Position(1, 0)
    assert idx.from_byte_point(0, 5) == Position(1, 2)
    assert idx.from_byte_point(0, 99) == Position(1, 2)  # past the row: its end
    assert idx.from_byte_point(1, 0) == Position(2, 0)
    assert LineIndex("ab\r\ncd").from_byte_point(1, 1) == Position(1, 1)


def test_normalize_lone_cr_keeps_offsets() -> None:
    out = normalize_lone_cr(MIXED)
    assert out == "ab\ncd\r\nef\ngh\n\nij"
    assert len(out) == len(MIXED)
    assert LineIndex(out).line_starts == LineIndex(MIXED).line_starts


def test_document_lines_use_the_same_model() -> None:
    doc = Document(uri="file:///x.st", text="a\rb\r\nc", language_id="iec-st")
    assert doc.lines.line_count == 3
    assert doc.lines.line_text(1) == "b"


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_suppressions_per_line(eol: str) -> None:
    st = eol.join(
        [
            "PROGRAM P",
            "VAR x : INT; END_VAR // plantls: ignore[ST103]",
            "x := 1;",
            "END_PROGRAM",
        ]
    )
    doc = Document(uri="file:///p.st", text=st, language_id="iec-st")
    (sup,) = find_suppressions(doc)
    assert sup.line == 1 and sup.codes == ("ST103",)
    spans = comment_spans("iec-st", st)
    assert len(spans) == 1 and eol not in st[spans[0][0] : spans[0][1]]

    dss = eol.join(["Clear", "New Load.l bus1=b kv=1 ! plantls: ignore[DSS104]", "Solve"])
    doc = Document(uri="file:///m.dss", text=dss, language_id="opendss")
    (sup,) = find_suppressions(doc)
    assert sup.line == 1 and sup.codes == ("DSS104",)

    yml = eol.join(["recipe:", "  id: A  # plantls: ignore[RCP101]", "  version: 1"])
    doc = Document(uri="file:///r.recipe.yaml", text=yml, language_id="fab-recipe")
    (sup,) = find_suppressions(doc)
    assert sup.line == 1 and sup.codes == ("RCP101",)
    (span,) = comment_spans("fab-recipe", yml)
    assert yml[span[0] : span[1]] == "# plantls: ignore[RCP101]"
