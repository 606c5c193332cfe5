from plantls.core.positions import LineIndex, Position, Range, utf16_len


def test_ascii_offsets_round_trip() -> None:
    idx = LineIndex("ab\ncd\n")
    assert idx.position(4) == Position(1, 1)
    assert idx.offset(Position(1, 1)) == 4
    assert idx.line_count == 3
    assert idx.line_text(1) == "cd"


def test_utf16_columns_count_surrogate_pairs() -> None:
    text = "x := '😀'; y\n"
    idx = LineIndex(text)
    y = text.index("y")
    assert utf16_len("😀") == 2
    assert idx.position(y) == Position(0, y + 1)
    assert idx.offset(Position(0, y + 1)) == y


def test_byte_points_convert_to_utf16() -> None:
    text = "ä := 1; b"
    idx = LineIndex(text)
    byte_col = len(text[: text.index("b")].encode())
    assert idx.from_byte_point(0, byte_col) == Position(0, text.index("b"))


def test_positions_are_clamped() -> None:
    idx = LineIndex("abc")
    assert idx.offset(Position(5, 0)) == 3
    assert idx.offset(Position(0, 99)) == 3
    assert idx.offset(Position(-1, 0)) == 0


def test_crlf_line_text() -> None:
    assert LineIndex("a\r\nb").line_text(0) == "a"


def test_range_contains() -> None:
    r = Range.of(1, 2, 1, 5)
    assert r.contains(Position(1, 5))
    assert not r.contains(Position(2, 0))
