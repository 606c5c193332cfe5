"""Positions and ranges in LSP terms (0-based lines, UTF-16 columns) and conversions from text."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


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


class LineIndex:
    """Converts between string offsets, UTF-8 byte columns and LSP positions for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.line_starts = starts
        self._ascii = text.isascii()

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing newline opens an empty last line)."""
        return len(self.line_starts)

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line break."""
        if line < 0 or line >= len(self.line_starts):
            return ""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def position(self, offset: int) -> Position:
        """LSP position of a string offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
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

    def from_byte_point(self, row: int, byte_col: int) -> Position:
        """LSP position of a tree-sitter point (row, UTF-8 byte column)."""
        if row >= len(self.line_starts):
            row = len(self.line_starts) - 1
            byte_col = 1 << 30
        if self._ascii:
            return Position(row, min(byte_col, len(self.line_text(row))))
        line = self.line_text(row)
        if line.isascii():
            return Position(row, min(byte_col, len(line)))
        prefix = line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")
        return Position(row, utf16_len(prefix))

    def range_of_offsets(self, start: int, end: int) -> Range:
        """LSP range of a string span."""
        return Range(self.position(start), self.position(end))

    def end(self) -> Position:
        """Position just past the last character."""
        return self.position(len(self.text))
