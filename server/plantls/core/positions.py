"""Positions and ranges in LSP terms (0-based lines, UTF-16 columns) and conversions from text.

Lines are LSP lines everywhere: ``\\n``, ``\\r\\n`` and a lone ``\\r`` each end one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A 0-based line and a column counted in UTF-16 code units, as LSP counts them."""

    line: int
    character: int


@dataclass(frozen=True, order=True, slots=True)
class Range:
    """A half-open span between two positions."""

    start: Position
    end: Position

    @staticmethod
    def of(sl: int, sc: int, el: int, ec: int) -> Range:
        """Build a range from four numbers."""
        return Range(Position(sl, sc), Position(el, ec))

    def contains(self, pos: Position) -> bool:
        """True when ``pos`` lies inside the range (end inclusive, as a cursor would)."""
        return self.start <= pos <= self.end


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


_BREAK = re.compile(r"\r\n?|\n")


def line_starts(text: str) -> list[int]:
    """String offsets where the lines of ``text`` start, as LSP counts lines: ``\\n``,
    ``\\r\\n`` and a lone ``\\r`` each end a line.

    Built with C-level operations (a split at ``\\n`` and running sums of the line lengths);
    a ``\\r\\n`` is first read as `` \\n`` and a lone ``\\r`` as ``\\n``, which keeps every
    offset and ends each LSP line with one ``\\n``.
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n").replace("\r", "\n")
    starts = list(accumulate(map(_PLUS_ONE, map(len, text.split("\n"))), initial=0))
    starts.pop()  # the offset past the end (the last line has no break)
    return starts


_PLUS_ONE = (1).__add__


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, line)`` for each line of ``text`` (LSP line breaks, which are left out)."""
    prev = 0
    for m in _BREAK.finditer(text):
        yield prev, text[prev : m.start()]
        prev = m.end()
    yield prev, text[prev:]


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their line breaks, as LSP counts lines (unlike
    :meth:`str.splitlines`, which also breaks at form feeds and Unicode separators)."""
    return _BREAK.split(text)


def normalize_lone_cr(text: str) -> str:
    """``text`` with each lone ``\\r`` turned into ``\\n`` (``\\r\\n`` is kept): the same
    length and the same LSP lines, for tools that break lines at ``\\n`` only."""
    if "\r" not in text:
        return text
    return _LONE_CR.sub("\n", text)


_LONE_CR = re.compile(r"\r(?!\n)")


class LineIndex:
    """Converts between string offsets, UTF-8 byte offsets and LSP positions for one text.

    Lines break as LSP breaks them: at ``\\n``, ``\\r\\n`` (one break) and a lone ``\\r``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = line_starts(text)
        self._ascii = text.isascii()
        self._has_cr = "\r" in text
        self._lone = self._has_cr and len(self.line_starts) - 1 != text.count("\n")
        self._size = len(text)
        self._byte_starts: list[int] | None = None
        self._ascii_widths: list[int] = []
        self._row_starts: list[int] | None = None

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing line break opens an empty last line)."""
        return len(self.line_starts)

    def line_end(self, line: int) -> int:
        """String offset where the text of ``line`` ends (before its line break)."""
        starts = self.line_starts
        if line + 1 >= len(starts):
            return len(self.text)
        nxt = starts[line + 1]
        if self._has_cr and nxt >= 2 and self.text[nxt - 2] == "\r" and self.text[nxt - 1] == "\n":
            return nxt - 2
        return nxt - 1

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line break."""
        if line < 0 or line >= len(self.line_starts):
            return ""
        return self.text[self.line_starts[line] : self.line_end(line)]

    def position(self, offset: int) -> Position:
        """LSP position of a string offset (an offset inside ``\\r\\n`` is the line's end)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        if self._has_cr:
            offset = min(offset, self.line_end(line))
        if self._ascii:
            return Position(line, offset - start)
        return Position(line, utf16_len(self.text[start:offset]))

    def offset(self, pos: Position) -> int:
        """String offset of an LSP position, clamped to the line and the text."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[pos.line]
        line = self.line_text(pos.line)
        if self._ascii:
            return start + max(0, min(pos.character, len(line)))
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return start + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return start + len(line)

    # -- UTF-8 byte offsets (tree-sitter) ------------------------------------------------
    def _bytes(self) -> list[int]:
        """UTF-8 byte offsets of the line starts (computed once, for non-ASCII text), and
        the width of each ASCII line (-1 for the others)."""
        if self._byte_starts is None:
            text, starts = self.text, self.line_starts
            data = text.encode("utf-8", errors="surrogatepass")
            size = len(data)
            if self._has_cr:  # as in line_starts: one \n per LSP line, same lengths
                data = data.replace(b"\r\n", b" \n").replace(b"\r", b"\n")
            out = list(accumulate(map(_PLUS_ONE, map(len, data.split(b"\n"))), initial=0))
            out.pop()
            # a line is ASCII when its bytes are as many as its characters
            if self._has_cr:
                end = self.line_end
                widths = [
                    end(line) - a if y - x == b - a else -1
                    for line, (a, b, x, y) in enumerate(
                        zip(starts, starts[1:], out, out[1:], strict=False)
                    )
                ]
            else:
                widths = [
                    b - a - 1 if y - x == b - a else -1
                    for a, b, x, y in zip(starts, starts[1:], out, out[1:], strict=False)
                ]
            last = len(text) - starts[-1]
            widths.append(last if size - out[-1] == last else -1)
            self._byte_starts, self._ascii_widths = out, widths
        return self._byte_starts

    def from_byte_offset(self, offset: int) -> Position:
        """LSP position of a UTF-8 byte offset into the text (tree-sitter's ``start_byte``).

        An offset past the end of its line's text (inside ``\\r\\n``) is the line's end.
        """
        if self._ascii:  # byte offsets are string offsets
            if 0 <= offset <= self._size:
                starts = self.line_starts
                line = bisect_right(starts, offset) - 1
                col = offset - starts[line]
                if self._has_cr and col and self.text[offset - 1] == "\r" and offset < self._size:
                    col -= self.text[offset] == "\n"  # between the CR and the LF of CRLF
                return Position(line, col)
            return self.position(offset)
        byte_starts = self._byte_starts or self._bytes()
        line = bisect_right(byte_starts, offset) - 1
        col = offset - byte_starts[line]
        if line >= 0 and 0 <= col <= self._ascii_widths[line]:  # an ASCII line
            return Position(line, col)
        line = max(0, line)
        col = max(0, offset - byte_starts[line])
        start = self.line_starts[line]
        end = self.line_end(line)
        raw = self.text[start:end].encode("utf-8", errors="surrogatepass")[:col]
        return Position(line, utf16_len(raw.decode("utf-8", errors="ignore")))

    def byte_offset(self, offset: int) -> int:
        """UTF-8 byte offset of a string offset."""
        offset = max(0, min(offset, len(self.text)))
        if self._ascii:
            return offset
        line = bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        return self._bytes()[line] + len(
            self.text[start:offset].encode("utf-8", errors="surrogatepass")
        )

    def byte_offset_of(self, pos: Position) -> int:
        """UTF-8 byte offset of an LSP position (clamped like :meth:`offset`)."""
        return self.byte_offset(self.offset(pos))

    def from_byte_point(self, row: int, byte_col: int) -> Position:
        """LSP position of a tree-sitter point (row, UTF-8 byte column).

        Tree-sitter counts rows at ``\\n`` only; where the text has a lone ``\\r`` its rows
        are not LSP lines, so the point goes through its byte offset. A column past the end
        of its row is the row's end.
        """
        if self._lone:  # some line ends with a lone CR: rows are not lines
            return self._from_row(row, byte_col)
        if row >= len(self.line_starts):
            row = len(self.line_starts) - 1
            byte_col = 1 << 30
        if self._ascii:
            return Position(row, min(byte_col, len(self.line_text(row))))
        line = self.line_text(row)
        if line.isascii():
            return Position(row, min(byte_col, len(line)))
        prefix = line.encode("utf-8", errors="surrogatepass")[:byte_col]
        return Position(row, utf16_len(prefix.decode("utf-8", errors="ignore")))

    def _from_row(self, row: int, byte_col: int) -> Position:
        if self._row_starts is None:
            rows, find, i = [0], self.text.find, self.text.find("\n")
            while i != -1:
                rows.append(i + 1)
                i = find("\n", i + 1)
            self._row_starts = rows
        rows = self._row_starts
        if row >= len(rows):
            return self.end()
        start = self.byte_offset(rows[row])
        end = self.byte_offset(rows[row + 1] - 1) if row + 1 < len(rows) else 1 << 62
        return self.from_byte_offset(min(start + byte_col, end))

    def range_of_offsets(self, start: int, end: int) -> Range:
        """LSP range of a string span."""
        return Range(self.position(start), self.position(end))

    def end(self) -> Position:
        """Position just past the last character."""
        return self.position(len(self.text))
