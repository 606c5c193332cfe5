"""Top-level regions of a Structured Text file, for re-checking only what an edit touched.

A plain ST file is a sequence of top-level units (PROGRAM, FUNCTION_BLOCK, FUNCTION, TYPE,
VAR_GLOBAL, INTERFACE), each closed by its END keyword. :func:`split` cuts the text into one
region per unit, on whole lines: a region runs from the line after the previous unit's END
line to its own END line, so comments and pragmas written above a unit belong to it, and
members written after a block's END (METHOD, ACTION, PROPERTY) stay with that block.

The cut is lexical (comments and strings are skipped, so a keyword inside them never cuts)
and conservative: when a file holds constructs that cross units (CONFIGURATION, RESOURCE,
NAMESPACE) or a comment that never ends, the whole file is one region.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from plantls.core.positions import line_starts

_TOKEN = re.compile(
    r"""
      (?P<comment>\(\*.*?\*\) | /\*.*?\*/ | //[^\r\n]*)
    | (?P<open>\(\* | /\*)
    | (?P<string>'(?:[^'$\r\n]|\$.)*' | "(?:[^"$\r\n]|\$.)*")
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_INTERESTING = re.compile(
    r"\(\*|/\*|//|'|\"|\b(?:END_(?:PROGRAM|FUNCTION_BLOCK|FUNCTION|TYPE|VAR|INTERFACE|METHOD"
    r"|ACTION|PROPERTY)|PROGRAM|FUNCTION_BLOCK|FUNCTION|TYPE|VAR_GLOBAL|INTERFACE"
    r"|CONFIGURATION|RESOURCE|NAMESPACE)\b",
    re.IGNORECASE,
)
START_KEYWORDS = frozenset(
    {"PROGRAM", "FUNCTION_BLOCK", "FUNCTION", "TYPE", "VAR_GLOBAL", "INTERFACE"}
)
"""Keywords that open a top-level unit when they are the first word of a line."""
END_KEYWORDS = frozenset(
    {
        "END_PROGRAM",
        "END_FUNCTION_BLOCK",
        "END_FUNCTION",
        "END_TYPE",
        "END_VAR",
        "END_INTERFACE",
        "END_METHOD",
        "END_ACTION",
        "END_PROPERTY",
    }
)
"""Keywords whose line may close a unit (or a member written after it)."""
UNSPLITTABLE = frozenset({"CONFIGURATION", "RESOURCE", "NAMESPACE"})


@dataclass(frozen=True, slots=True)
class Region:
    """Whole lines ``[start_line, start_line + line_count)`` of a file, and their text."""

    start_line: int
    line_count: int
    text: str
    """The lines' text, line breaks included (the last region ends where the file ends)."""

    @property
    def end_line(self) -> int:
        """The first line after the region."""
        return self.start_line + self.line_count


def split(text: str) -> list[Region]:
    """The file's top-level regions, in order; their texts concatenate to ``text``."""
    starts = line_starts(text)
    cuts, _ = _scan(text, starts)
    bounds = [0, *cuts, len(starts)]
    regions = []
    for first, last in itertools.pairwise(bounds):
        begin = starts[first]
        end = starts[last] if last < len(starts) else len(text)
        regions.append(Region(first, last - first, text[begin:end]))
    return regions


def self_contained(text: str, unit_may_stay_open: bool = False) -> bool:
    """True when no comment in ``text`` is left open at its end, nor a unit (unless
    allowed): the text that follows it is then read the same way as on its own."""
    _, closed = _scan(text, line_starts(text), unit_may_stay_open)
    return closed


def line_breaks(text: str) -> int:
    """The number of line breaks in ``text`` (``\\r\\n`` counts once)."""
    return len(line_starts(text)) - 1


def _scan(
    text: str, starts: list[int], unit_may_stay_open: bool = True
) -> tuple[list[int], bool]:
    """Line numbers where a new region begins (never 0), and False when a comment never
    ends (or a unit, unless ``unit_may_stay_open``)."""
    cuts: list[int] = []
    unit: str | None = None
    """The keyword that opened the unit being read; None between units."""
    closed: tuple[int, int] | None = None
    """(line, offset after it) of the latest END keyword between units, while only blanks,
    comments and pragmas follow it."""
    pos = 0
    for hit in _INTERESTING.finditer(text):
        if hit.start() < pos:
            continue
        token = _TOKEN.match(text, hit.start())
        if token is None:
            pos = hit.end()
            continue
        pos = token.end()
        kind = token.lastgroup
        if kind == "open":
            return [], False  # a comment that never ends: the rest of the file is inside it
        if kind != "word":
            continue
        word = token.group().upper()
        if word in UNSPLITTABLE:
            return [], True
        if closed is not None and _code_between(text, closed[1], token.start()):
            closed = None
        if unit is not None:
            if word == _CLOSING[unit]:
                unit = None
                closed = (_line_of(starts, token.start()), token.end())
            continue
        if word in END_KEYWORDS:
            closed = (_line_of(starts, token.start()), token.end())
            continue
        if word not in START_KEYWORDS or not _opens_unit(text, starts, token):
            continue
        unit = word
        if closed is not None:
            cut = closed[0] + 1
            if cut <= _line_of(starts, token.start()) and (not cuts or cuts[-1] < cut):
                cuts.append(cut)
        closed = None
    return cuts, unit_may_stay_open or unit is None


_CLOSING = {
    "PROGRAM": "END_PROGRAM",
    "FUNCTION_BLOCK": "END_FUNCTION_BLOCK",
    "FUNCTION": "END_FUNCTION",
    "TYPE": "END_TYPE",
    "VAR_GLOBAL": "END_VAR",
    "INTERFACE": "END_INTERFACE",
}
_NOT_A_UNIT = re.compile(r"[ \t]*[:.\[(,=;]")


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _opens_unit(text: str, starts: list[int], token: re.Match[str]) -> bool:
    """True for a start keyword that is the first word of its line and not used as a name."""
    line_start = starts[_line_of(starts, token.start())]
    if text[line_start : token.start()].strip():
        return False
    return _NOT_A_UNIT.match(text, token.end()) is None


_SKIPPABLE = re.compile(r"(?:\s+|;|\(\*.*?\*\)|/\*.*?\*/|//[^\r\n]*|\{[^}\r\n]*\})*", re.DOTALL)


def _code_between(text: str, begin: int, end: int) -> bool:
    """True when something other than blanks, ``;``, comments and pragmas lies in between."""
    skipped = _SKIPPABLE.match(text, begin, end)
    return skipped is None or skipped.end() < end
