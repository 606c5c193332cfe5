"""Dialect handling: rewrite vendor ST into what the tree-sitter grammar accepts.

The invariant every rewrite keeps: **each character of the original text that survives keeps
its line and UTF-16 column**. A rewrite may only

* replace characters with spaces of the same UTF-16 width (line breaks are kept), or
* append text at the end of a line, or write it into a stretch it blanked.

So a node that comes from the user's text has the user's position, and the syntax tree can
be used without a position map. Text that plantls wrote (an ``END_FUNCTION_BLOCK`` it added,
a keyword it substituted) is listed in :attr:`Rewritten.synthetic`, so later layers can tell
a synthetic node from one the user wrote (see ``SyntaxTree.is_synthetic``).

The rewrites are a short list of named functions (:data:`REWRITES`), applied in order. Each
handles one construct that real TwinCAT, CODESYS and B&R projects use and that the grammar
(``tree-sitter-iec61131-3-st`` 0.1.2, IEC 61131-3 3rd edition) does not accept. Comments,
strings and pragmas are never rewritten, except where a rewrite says so.

What the tree looks like after the rewrites, in short:

* pragmas ``{...}`` are blanked (the grammar only takes them in a few places);
* ``AND_THEN``/``OR_ELSE`` parse as ``AND``/``OR``; ``REFERENCE TO`` as ``REF_TO``;
  ``VAR_INST``/``VAR_STAT`` as ``VAR``; ``PERSISTENT`` as ``RETAIN``; ``S=``/``R=`` as ``:=``;
* an ``ACTION`` parses as a ``method_declaration`` (``ACTION`` written as ``METHOD``);
* ``UNION`` parses as ``STRUCT``; ``STRING[80]`` as ``STRING(80)``;
* a POU whose methods, properties or actions follow a non-empty body (the TwinCAT export
  order), or a ``PROGRAM`` with members, is split: the POU ends after its body and a
  ``function_block_declaration`` with the same name (synthetic name token) holds the members;
* see each rewrite's docstring for the rest.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

# --------------------------------------------------------------------------------------
# Lexical scan: comments, strings and pragmas
# --------------------------------------------------------------------------------------

_LEX_START = re.compile(r"\(\*|//|'|\"|\{")
_STRING_OR_LINE = re.compile(
    r"(?P<s>'(?:\$.|[^'$\r\n])*'|\"(?:\$.|[^\"$\r\n])*\")|(?P<line>//[^\n]*|['\"][^\n]*)"
)
_BLOCK_DELIM = re.compile(r"\(\*|\*\)")
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")


class Span(NamedTuple):
    """A stretch of the text that is not code: ``kind`` is comment, line, string or pragma.

    ``line`` spans (``//`` comments, unterminated strings) run to the end of their line.
    ``inner`` lists the offsets of nested ``(*``/``*)`` delimiters inside a block comment.
    (A named tuple: immutable, and made several times faster than a frozen dataclass, which
    matters for the thousands a scan makes.)
    """

    start: int
    end: int
    kind: str
    inner: tuple[int, ...] = ()


def _block_comment(text: str, start: int) -> Span:
    """The block comment opening at ``start``: nested when that closes, else IEC (flat)."""
    flat_end = text.find("*)", start + 2)
    depth, pos, inner = 1, start + 2, []
    while depth:
        m = _BLOCK_DELIM.search(text, pos)
        if m is None:
            break
        depth += 1 if m.group() == "(*" else -1
        if depth:
            inner.append(m.start())
        pos = m.end()
    if depth == 0 and inner:
        return Span(start, pos, "comment", tuple(inner))
    if flat_end == -1:
        return Span(start, len(text), "comment")
    return Span(start, flat_end + 2, "comment")


def scan(text: str) -> list[Span]:
    """Comments, strings and pragmas of ``text``, in order (regex driven, one pass)."""
    spans: list[Span] = []
    append = spans.append
    pos = 0
    search = _LEX_START.search
    find = text.find
    while True:
        m = search(text, pos)
        if m is None:
            return spans
        tok, start = m.group(), m.start()
        if tok == "(*":
            end = find("*)", start + 2)
            if end == -1 or "(*" in text[start + 2 : end]:
                span = _block_comment(text, start)
            else:
                span = Span(start, end + 2, "comment")
        elif tok == "{":
            end = find("}", start)
            if end == -1:
                pos = start + 1
                continue
            span = Span(start, end + 1, "pragma")
        else:
            sm = _STRING_OR_LINE.match(text, start)
            end = sm.end() if sm is not None else start + 1
            if sm is not None and sm.lastgroup == "s":
                span = Span(start, end, "string")
            else:
                if end > start + 1 and text[end - 1] == "\r":
                    end -= 1
                span = Span(start, end, "line")
        append(span)
        pos = max(span.end, start + 1)


def blank(chunk: str) -> str:
    """Spaces of the same UTF-16 width as ``chunk``; line breaks are kept."""
    if not chunk.isascii():
        chunk = _NON_BMP.sub("  ", chunk)
    if "\n" not in chunk:
        return " " * len(chunk) if "\r" not in chunk else _NOT_NEWLINE.sub(" ", chunk)
    # line by line: spaces for each line, its CR kept (a regex substitution per character
    # is several times slower on the long XML stretches of TwinCAT files)
    return "\n".join([_blank_line(line) for line in chunk.split("\n")])


def _blank_line(line: str) -> str:
    """Spaces for one line without its LF (a CR at its end, or anywhere, is kept)."""
    if "\r" not in line:
        return " " * len(line)
    if line.find("\r") == len(line) - 1:
        return " " * (len(line) - 1) + "\r"
    return _NOT_NEWLINE.sub(" ", line)


# --------------------------------------------------------------------------------------
# The text being rewritten
# --------------------------------------------------------------------------------------

Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` by a string (same width, or extending to the line end)."""


@dataclass
class Rewritten:
    """The result: the rewritten text and the stretches of it that plantls wrote."""

    text: str
    synthetic: list[tuple[int, int]] = field(default_factory=list)
    """``(start, end)`` string offsets in ``text`` of every word plantls wrote."""
    shifts: list[tuple[list[int], list[int]]] = field(default_factory=list, repr=False)

    def map_offset(self, pos: int) -> int:
        """Where an offset of the input text ended up in ``text`` (lines may have grown)."""
        for ends, deltas in self.shifts:
            pos += deltas[bisect.bisect_right(ends, pos)]
        return pos


class Source:
    """Text under rewrite, with its code view (comments, strings, pragmas as spaces)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.synthetic: list[tuple[int, int]] = []
        self.shifts: list[tuple[list[int], list[int]]] = []
        self.cache: dict[str, tuple[int, object]] = {}
        """Results derived from the text, with the :attr:`version` they were computed for."""
        self._refresh()

    def _refresh(self) -> None:
        self.spans = scan(self.text)
        self._span_starts = [s.start for s in self.spans]
        pieces, prev, text = [], 0, self.text
        for s in self.spans:
            pieces.append(text[prev : s.start])
            chunk = text[s.start : s.end]
            pieces.append(blank(chunk) if "\n" in chunk else " " * len(chunk))
            prev = s.end
        pieces.append(text[prev:])
        self.code = "".join(pieces)
        if len(self.code) != len(self.text):  # non-BMP characters in a comment
            self.code = _pad_code(self.text, self.spans)
        self._shape: str | None = None
        self._upper: str | None = None
        self._regions: list[tuple[int, int, str]] | None = None
        self.version = getattr(self, "version", -1) + 1

    @property
    def upper(self) -> str:
        """The code view in upper case (same offsets), for cheap keyword tests."""
        if self._upper is None:
            up = self.code.upper()
            self._upper = up if len(up) == len(self.code) else self.code.translate(_ASCII_UPPER)
        return self._upper

    def regions(self) -> list[tuple[int, int, str]]:
        """Declaration stretches of the current text (see :func:`_regions`), cached."""
        if self._regions is None:
            self._regions = _regions(self.upper)
        return self._regions

    def has(self, *words: str) -> bool:
        """True when any of the upper-case ``words`` occurs in the code."""
        up = self.upper
        for w in words:  # noqa: SIM110  (a plain loop: this runs 30 times per file)
            if w in up:
                return True
        return False

    @property
    def shape(self) -> str:
        """The code view with each string shown as ``0`` plus spaces (a literal's shape)."""
        if self._shape is None:
            code = self.code
            pieces, prev = [], 0
            for s in self.spans:
                if s.kind == "string":
                    pieces.append(code[prev : s.start])
                    pieces.append("0".ljust(s.end - s.start))
                    prev = s.end
            pieces.append(code[prev:])
            self._shape = "".join(pieces)
        return self._shape

    # -- queries -------------------------------------------------------------------------
    def span_at(self, pos: int) -> Span | None:
        """The comment, string or pragma that contains ``pos``, if any."""
        i = bisect.bisect_right(self._span_starts, pos) - 1
        if i >= 0:
            s = self.spans[i]
            if s.start <= pos < s.end:
                return s
        return None

    def line_end(self, pos: int) -> int:
        """Offset of the end of the line that holds ``pos`` (before ``\\r\\n`` or ``\\n``)."""
        end = self.text.find("\n", pos)
        end = len(self.text) if end == -1 else end
        if end > pos and self.text[end - 1] == "\r":
            end -= 1
        return end

    def line_start(self, pos: int) -> int:
        """Offset of the start of the line that holds ``pos``."""
        return self.text.rfind("\n", 0, pos) + 1

    def appendable(self, line_end: int) -> bool:
        """True when text appended at ``line_end`` would be code (not in a comment)."""
        i = bisect.bisect_right(self._span_starts, line_end - 1) - 1
        if i < 0:
            return True
        s = self.spans[i]
        if s.kind == "line":
            return s.end < line_end
        return s.end <= line_end

    # -- edits ---------------------------------------------------------------------------
    def apply(self, edits: Iterable[Edit]) -> None:
        """Apply non-overlapping edits (later overlapping ones are dropped) and rescan."""
        ordered = sorted(edits, key=lambda e: (e[0], e[1]))
        if not ordered:
            return
        kept: list[Edit] = []
        prev = 0
        for edit in ordered:
            if edit[0] >= prev:
                kept.append(edit)
                prev = edit[1]
        ordered = kept
        pieces: list[str] = []
        prev = 0
        shift = 0
        ends: list[int] = []
        deltas: list[int] = [0]
        fresh: list[tuple[int, int]] = []
        for start, end, new in ordered:
            if start < prev:
                continue
            pieces.append(self.text[prev:start])
            pieces.append(new)
            for m in _NON_SPACE.finditer(new):
                fresh.append((start + shift + m.start(), start + shift + m.end()))
            if len(new) != end - start:
                shift += len(new) - (end - start)
                ends.append(end)
                deltas.append(shift)
            prev = end
        pieces.append(self.text[prev:])
        if ends:
            self.shifts.append((ends, deltas))
            self.synthetic = [
                (a + deltas[bisect.bisect_right(ends, a)], b + deltas[bisect.bisect_right(ends, a)])
                for a, b in self.synthetic
            ]
        self.synthetic = sorted(self.synthetic + fresh)
        old = self.text
        self.text = "".join(pieces)
        if ends:
            if not self._shift_in_place(old, ordered, ends, deltas):
                self._refresh()
        elif not self._update_in_place(old, ordered):
            self._refresh()

    def _shift_in_place(
        self, old: str, edits: list[Edit], ends: list[int], deltas: list[int]
    ) -> bool:
        """Keep the scan after edits that change lengths (text written at a line end, a
        longer keyword) when each lies in code and neither writes nor removes a comment,
        string or pragma delimiter or a line break: the spans after an edit move by what
        it added. Returns False (the caller rescans) otherwise.

        An edit that starts inside a span or at its end (a ``//`` comment or an unterminated
        string would grow over text written after it), or that only deletes (the characters
        around it could form a delimiter), is not kept.
        """
        spans, starts = self.spans, self._span_starts
        for start, end, new in edits:
            if not new or _LEX_OR_BREAK.search(new) or _LEX_OR_BREAK.search(old, start, end):
                return False
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and spans[i].start < start <= spans[i].end:
                return False
            if i + 1 < len(spans) and spans[i + 1].start < end:
                return False

        def moved(pos: int) -> int:
            return pos + deltas[bisect.bisect_right(ends, pos)]

        self.spans = [
            Span(moved(sp.start), moved(sp.end), sp.kind, tuple(moved(p) for p in sp.inner))
            for sp in spans
        ]
        self._span_starts = [sp.start for sp in self.spans]
        self._edit_code(edits)
        return True

    def _edit_code(self, edits: list[Edit]) -> None:
        """Apply ``edits`` (ordered, not overlapping) to the code view, whose scan was kept,
        and drop what was derived from it."""
        pieces, prev, code = [], 0, self.code
        for start, end, new in edits:
            pieces.append(code[prev:start])
            pieces.append(new)
            prev = end
        pieces.append(code[prev:])
        self.code = "".join(pieces)
        self._shape = self._upper = None
        self._regions = None
        self.version += 1

    def _update_in_place(self, old: str, edits: list[Edit]) -> bool:
        """Keep the scan after same-width edits that touch no comment or string delimiter.

        Each edit must lie in code, or blank whole comments, strings or pragmas. Returns
        False (the caller rescans) otherwise.
        """
        spans = self.spans
        dropped: set[int] = set()
        for start, end, new in edits:
            if _LEX_CHARS.search(new):
                return False
            i = bisect.bisect_right(self._span_starts, start) - 1
            if i >= 0 and spans[i].end > start:
                return False  # the edit starts inside a span
            j = i + 1
            while j < len(spans) and spans[j].start < end:
                if spans[j].end > end or new.strip():
                    return False
                dropped.add(j)
                j += 1
            if j == i + 1 and _LEX_CHARS.search(old, start, end):
                return False
        if dropped:
            self.spans = [s for k, s in enumerate(spans) if k not in dropped]
            self._span_starts = [s.start for s in self.spans]
        self._edit_code(edits)
        return True

    def blank_edit(self, start: int, end: int) -> Edit:
        """An edit that blanks ``text[start:end]``."""
        return (start, end, blank(self.text[start:end]))

    def write_edit(self, start: int, end: int, new: str) -> Edit | None:
        """Blank ``text[start:end]`` and write ``new`` there, using following blanks if needed.

        ``new`` may be longer than the stretch when the characters after it on the line are
        spaces (with one space left before the next token), or when the rest of the line is
        blank (the line then grows). Returns None when there is no room.
        """
        width = end - start
        if len(new) <= width:
            return (start, end, new + " " * (width - len(new)))
        eol = self.line_end(start)
        rest = self.text[end:eol]
        if not rest.strip():
            return (start, eol, new)
        room = len(rest) - len(rest.lstrip(" \t"))
        if width + room - 1 >= len(new):
            span = width + len(new) - width
            return (start, start + span, new)
        return None

    def gap_edit(self, lo: int, hi: int, new: str) -> Edit | None:
        """Write ``new`` somewhere in the gap ``[lo, hi)`` between two tokens, or None.

        Tries the end of each line in the gap that is not inside a comment (text is appended
        there), then the blank indentation just before ``hi``.
        """
        pos = lo
        while pos <= hi:
            eol = self.line_end(pos)
            if eol >= hi:
                break
            if self.appendable(eol):
                return (eol, eol, " " + new)
            pos = self.text.find("\n", eol) + 1
            if pos == 0:
                break
        ls = self.line_start(hi)
        if ls >= lo and hi - ls >= len(new) + 1 and not self.text[ls:hi].strip():
            return (ls, ls + len(new), new)
        return None


_NON_SPACE = re.compile(r"\S+")
_LEX_CHARS = re.compile(r"[(*)/'\"{}]")
_LEX_OR_BREAK = re.compile(r"[(*)/'\"{}\r\n]")
_ASCII_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}


def _pad_code(text: str, spans: list[Span]) -> str:
    """Code view with one space per character (so offsets match ``text``)."""
    pieces, prev = [], 0
    for s in spans:
        pieces.append(text[prev : s.start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[s.start : s.end]))
        prev = s.end
    pieces.append(text[prev:])
    return "".join(pieces)


# --------------------------------------------------------------------------------------
# Token helpers
# --------------------------------------------------------------------------------------


Rewrite = Callable[[Source], None]


def needs(*words: str) -> Callable[[Rewrite], Rewrite]:
    """Mark a rewrite as relevant only when one of ``words`` occurs in the code (upper case).

    :func:`rewrite` skips it otherwise, which keeps plain files fast.
    """

    def mark(fn: Rewrite) -> Rewrite:
        fn.triggers = words  # type: ignore[attr-defined]
        return fn

    return mark


def _kw(pattern: str) -> re.Pattern[str]:
    """A regex for the upper-case code view (:attr:`Source.upper`): keywords in capitals."""
    return re.compile(pattern, re.MULTILINE)


def _matches_at(
    pattern: re.Pattern[str],
    text: str,
    words: tuple[str, ...],
    back: int = 0,
    pos: int = 0,
    endpos: int | None = None,
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text, pos, endpos)``, for a pattern whose every
    match starts at an occurrence of one of ``words`` (or up to ``back`` characters before
    one).

    The words are found with ``str.find`` and the pattern is tried only there: a regex that
    starts with a lookahead or ``\\b`` has no literal prefix, so ``finditer`` would try it
    at every character of the text. Lookbehinds and ``\\b`` see the whole text either way.
    """
    end = len(text) if endpos is None else endpos
    found: list[int] = []
    add, find, ends_with = found.append, text.find, text.startswith
    for word, with_end in _search_plan(words):
        i = find(word, pos, end)
        while i != -1:
            add(i)
            if with_end and i - 4 >= pos and ends_with("END_", i - 4):
                add(i - 4)
            i = find(word, i + 1, end)
    if not back:
        return _matches_from(pattern, text, set(found), end)
    starts: set[int] = set()
    for i in found:
        starts.update(range(max(pos, i - back), i + 1))
    return _matches_from(pattern, text, starts, end)


@cache
def _search_plan(words: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """The words :func:`_matches_at` searches for, each with whether ``END_`` + it is among
    ``words`` too: an ``END_X`` is then found as the ``X`` it ends with, one search less."""
    return tuple(
        (word, "END_" + word in words)
        for word in words
        if not (word.startswith("END_") and word[4:] in words)
    )


def _line_matches(
    pattern: re.Pattern[str], text: str, words: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)`` for a line-anchored pattern (``^`` in
    MULTILINE mode) whose every match starts at the beginning of a line that holds one of
    ``words`` after it: the pattern is tried only at the starts of those lines (a ``^``
    pattern has no literal prefix, so ``finditer`` would try it at every character)."""
    starts: set[int] = set()
    rfind = text.rfind
    for word in words:
        i = text.find(word)
        while i != -1:
            starts.add(rfind("\n", 0, i) + 1)
            i = text.find(word, i + 1)
    return _matches_from(pattern, text, starts, len(text))


def _matches_from(
    pattern: re.Pattern[str], text: str, starts: set[int], end: int
) -> Iterator[re.Match[str]]:
    """The matches ``finditer`` would give, tried only at ``starts`` (every possible match
    start must be among them); a match hides the ones that start inside it."""
    done = 0
    match = pattern.match
    for i in sorted(starts):
        if i < done:
            continue
        m = match(text, i, end)
        if m is not None:
            yield m
            done = m.end() if m.end() > m.start() else m.start() + 1


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IDENT_CHAR = re.compile(r"\w")
_NEXT_CODE = re.compile(r"\S")


def _prev_code(code: str, pos: int) -> int:
    """Offset just past the last non-space code character before ``pos`` (0 if none)."""
    i = pos - 1
    while i >= 0 and code[i] in " \t\r\n":
        i -= 1
    return i + 1


# --------------------------------------------------------------------------------------
# Rewrites
# --------------------------------------------------------------------------------------

_DESCRIPTION = re.compile(
    r"\(\*@KEY@:DESCRIPTION\*\)([\s\S]*?)\(\*@KEY@:END_DESCRIPTION\*\)", re.IGNORECASE
)


def description_blocks(src: Source) -> None:
    """Free text between ``(*@KEY@:DESCRIPTION*)`` and ``(*@KEY@:END_DESCRIPTION*)``
    (CODESYS 2 and OSCAT exports): blanked, as the comment markers around it intend."""
    if "@KEY@" not in src.text:
        return
    src.apply(src.blank_edit(m.start(1), m.end(1)) for m in _DESCRIPTION.finditer(src.text))


def nested_comments(src: Source) -> None:
    """Nested block comments ``(* a (* b *) c *)`` (TwinCAT, CODESYS): blank the inner
    delimiters so the grammar's flat comment token covers the whole comment."""
    edits = [src.blank_edit(p, p + 2) for s in src.spans for p in s.inner]
    src.apply(edits)


@needs("/*")
def c_block_comments(src: Source) -> None:
    """C-style ``/* ... */`` comments (CODESYS, some IEC tools): blanked."""
    edits = []
    for m in re.finditer(r"/\*.*?\*/", src.code, re.DOTALL):
        edits.append(src.blank_edit(m.start(), m.end()))
    src.apply(edits)


def pragmas(src: Source) -> None:
    """Pragmas ``{attribute 'x'}``, ``{warning ...}``: blanked. The grammar accepts a pragma
    only where a statement, a declaration line or a POU may start, while vendors put them
    anywhere (before VAR lines, inside declarations, before METHOD). Their text stays in
    the document; the tree does not show them."""
    src.apply(src.blank_edit(s.start, s.end) for s in src.spans if s.kind == "pragma")


_FUSED_END = _kw(
    r"(END_(?:METHOD|PROPERTY|ACTION|FUNCTION_BLOCK|FUNCTION|PROGRAM|GET|SET))"
    r"(METHOD|PROPERTY|ACTION|FUNCTION_BLOCK|FUNCTION|PROGRAM)\b"
)


@needs("END_")
def fused_end_keywords(src: Source) -> None:
    """``END_METHODMETHOD M`` (two POU texts concatenated without a line break): the END
    keyword moves to the end of the previous line when that line can take it."""
    edits = []
    for m in _FUSED_END.finditer(src.upper):
        if m.start() and _IDENT_CHAR.match(src.upper, m.start() - 1):
            continue
        ls = src.line_start(m.start())
        if ls == 0 or src.code[ls : m.start()].strip():
            continue
        eol = ls - 1
        if eol > 0 and src.text[eol - 1] == "\r":
            eol -= 1
        if src.appendable(eol):
            edits.append((eol, eol, " " + m.group(1)))
            edits.append(src.blank_edit(m.start(1), m.end(1)))
    src.apply(edits)


_ALIASES: list[tuple[str, re.Pattern[str], str]] = [
    ("AND_THEN", _kw(r"\bAND_THEN\b"), "AND"),
    ("OR_ELSE", _kw(r"\bOR_ELSE\b"), "OR"),
    ("REFERENCE", _kw(r"\bREFERENCE[ \t]+TO\b"), "REF_TO"),
    ("VAR_INST", _kw(r"\bVAR_INST\b"), "VAR"),
    ("VAR_STAT", _kw(r"\bVAR_STAT\b"), "VAR"),
    ("PERSISTENT", _kw(r"\bPERSISTENT\b"), "RETAIN"),
    ("END_ACTION", _kw(r"\bEND_ACTION\b"), "END_METHOD"),
    ("?=", _kw(r"\?="), ":="),
]


@needs(*(word for word, _, _ in _ALIASES))
def keyword_aliases(src: Source) -> None:
    """Vendor keywords with a same-or-shorter standard spelling, written in their place:
    ``AND_THEN``→``AND``, ``OR_ELSE``→``OR``, ``REFERENCE TO``→``REF_TO``,
    ``VAR_INST``/``VAR_STAT``→``VAR``, ``PERSISTENT``→``RETAIN``,
    ``END_ACTION``→``END_METHOD`` and the assignment attempt ``?=``→``:=``."""
    edits = []
    for word, pattern, new in _ALIASES:
        if word not in src.upper:
            continue
        for m in _matches_at(pattern, src.upper, (word,)):
            edits.append((m.start(), m.end(), new.ljust(m.end() - m.start())))
    src.apply(edits)


_SET_RESET = _kw(r"^[ \t]*([A-Za-z_][\w.\[\]^]*)[ \t]+([SR]=)(?![=>])")
_STATEMENT_WORDS = {"IF", "ELSIF", "WHILE", "UNTIL", "RETURN", "CASE", "FOR", "NOT", "AND", "OR"}


@needs("S=", "R=")
def set_reset(src: Source) -> None:
    """Set/reset assignments ``x S= cond;`` and ``x R= cond;`` (CODESYS, TwinCAT): ``S=`` and
    ``R=`` are written as ``:=``, so the tree holds an ``assignment_statement``."""
    edits: list[Edit] = []
    for m in _line_matches(_SET_RESET, src.upper, ("S=", "R=")):
        if m.group(1).upper() not in _STATEMENT_WORDS:
            edits.append((m.start(2), m.end(2), ":="))
    src.apply(edits)


_RETURN_STRING_LENGTH = _kw(
    r"^[ \t]*(?:FUNCTION|METHOD|PROPERTY)\b[^\n:]*:[ \t]*W?STRING[ \t]*(\([^)\n]*\))"
)


@needs("STRING")
def return_string_lengths(src: Source) -> None:
    """``FUNCTION F : STRING(255)``: the grammar reads ``(255)`` as the start of the body
    (a parenthesised expression), so the length of a returned string is blanked; the tree
    shows ``STRING``. A gap in the grammar that no rewrite can bridge without losing it."""
    src.apply(
        src.blank_edit(m.start(1), m.end(1))
        for m in _line_matches(_RETURN_STRING_LENGTH, src.upper, ("FUNCTION", "METHOD", "PROPERTY"))
    )


_ACTION = _kw(r"^([ \t]*)(ACTION)\b([ \t]+[A-Za-z_]\w*)([ \t]*:)?")


@needs("ACTION")
def actions(src: Source) -> None:
    """``ACTION A:`` ... ``END_ACTION`` (TwinCAT, CODESYS, IEC SFC text): ``ACTION`` is
    written as ``METHOD`` (same width) and the colon blanked, so an action parses as a
    ``method_declaration`` named ``A``."""
    edits: list[Edit] = []
    for m in _line_matches(_ACTION, src.upper, ("ACTION",)):
        edits.append((m.start(2), m.end(2), "METHOD"))
        if m.group(4):
            edits.append(src.blank_edit(m.end(4) - 1, m.end(4)))
    src.apply(edits)


_STRING_BRACKET = _kw(r"\b(W?STRING)\s*(\[)([^\]\n]*)(\])")


@needs("STRING")
def string_brackets(src: Source) -> None:
    """``STRING[80]`` (B&R, CODESYS): the brackets are written as parentheses."""
    edits: list[Edit] = []
    for m in _matches_at(_STRING_BRACKET, src.upper, ("STRING",), back=1):
        edits.append((m.start(2), m.end(2), "("))
        edits.append((m.start(4), m.end(4), ")"))
    src.apply(edits)


_UNION = _kw(r"\b(END_UNION|UNION)\b")


@needs("UNION")
def unions(src: Source) -> None:
    """``UNION`` ... ``END_UNION`` (TwinCAT): written as ``STRUCT`` ... ``END_STRUCT`` when
    the line has room (the longer keyword takes the following blanks or the line end)."""
    edits: list[Edit] = []
    for m in _matches_at(_UNION, src.upper, ("END_UNION", "UNION")):
        new = "END_STRUCT" if m.group(1).upper() == "END_UNION" else "STRUCT"
        e = src.write_edit(m.start(), m.end(), new)
        if e is not None:
            edits.append(e)
    src.apply(edits)


_END_STRUCT = _kw(r"\bEND_STRUCT\b")


@needs("END_STRUCT")
def struct_semicolons(src: Source) -> None:
    """``END_STRUCT`` closing a ``TYPE`` entry without ``;`` (TwinCAT writes none): a ``;``
    is written after it."""
    edits: list[Edit] = []
    code = src.upper
    for m in _matches_at(_END_STRUCT, code, ("END_STRUCT",)):
        nxt = _NEXT_CODE.search(code, m.end())
        if nxt is not None and nxt.group() == ";":
            continue
        e = src.write_edit(m.end(), m.end(), ";")
        if e is not None:
            edits.append(e)
    src.apply(edits)


_HEADER_SEMI = _kw(
    r"(?=[MPFI])(?<![\w])(?:METHOD|PROPERTY|FUNCTION_BLOCK|FUNCTION|INTERFACE)\b"
    r"[^;\n]*?(;)[ \t\r]*$"
)
_HEADER_LEAD = re.compile(r"[ \t]*(?:(?:ABSTRACT|FINAL)[ \t]+)?$")


@needs(";")
def header_semicolons(src: Source) -> None:
    """A ``;`` ending a POU or member header (``METHOD M : BOOL;``): blanked."""
    up = src.upper
    src.apply(
        src.blank_edit(m.start(1), m.end(1))
        for m in _matches_at(_HEADER_SEMI, up, ("METHOD", "PROPERTY", "FUNCTION", "INTERFACE"))
        if _HEADER_LEAD.match(up, src.line_start(m.start()), m.start())
    )


_ACCESS = r"(?:PUBLIC|PRIVATE|PROTECTED|INTERNAL)"
_FB_MODS = _kw(
    rf"(?=[FC])\b(FUNCTION_BLOCK|CLASS)((?:[ \t]+(?:{_ACCESS}|ABSTRACT|FINAL))+)(?=[ \t]+[A-Za-z_])"
)
_METHOD_MODS = _kw(
    rf"(?=[MP])\b(METHOD|PROPERTY)((?:[ \t]+(?:{_ACCESS}|ABSTRACT|FINAL|OVERRIDE))+)"
    r"(?=[ \t]+[A-Za-z_])"
)
_FUNC_MODS = _kw(rf"(?=[FP])\b(FUNCTION|PROGRAM)((?:[ \t]+{_ACCESS})+)(?=[ \t]+[A-Za-z_])")


@needs("PUBLIC", "PRIVATE", "PROTECTED", "INTERNAL", "ABSTRACT", "FINAL", "OVERRIDE")
def modifiers(src: Source) -> None:
    """Modifiers where the grammar wants them elsewhere or not at all.

    ``FUNCTION_BLOCK ABSTRACT F`` becomes ``ABSTRACT FUNCTION_BLOCK F`` (words swapped in
    place); access modifiers on a function block, function or program are blanked.
    ``METHOD PUBLIC ABSTRACT M`` is reordered to ``METHOD ABSTRACT PUBLIC M`` (the grammar's
    order); a property keeps its access modifier and loses ``ABSTRACT``/``FINAL``.
    """
    edits: list[Edit] = []
    for m in _matches_at(_FB_MODS, src.upper, ("FUNCTION_BLOCK", "CLASS")):
        words = m.group(2).split()
        kind = [w for w in words if w.upper() in ("ABSTRACT", "FINAL")]
        new = (f"{kind[0]} " if kind else "") + m.group(1)
        width = m.end() - m.start()
        edits.append((m.start(), m.end(), new.ljust(width)))
    for m in _matches_at(_METHOD_MODS, src.upper, ("METHOD", "PROPERTY")):
        words = m.group(2).split()
        access = [w for w in words if w.upper() in ("PUBLIC", "PRIVATE", "PROTECTED", "INTERNAL")]
        kind = [w for w in words if w.upper() not in ("PUBLIC", "PRIVATE", "PROTECTED", "INTERNAL")]
        keep = access[:1] if m.group(1).upper() == "PROPERTY" else kind[:1] + access[:1]
        new = " ".join([m.group(1), *keep])
        edits.append((m.start(), m.end(), new.ljust(m.end() - m.start())))
    for m in _matches_at(_FUNC_MODS, src.upper, ("FUNCTION", "PROGRAM")):
        edits.append(src.blank_edit(m.start(2), m.end(2)))
    src.apply(edits)


def _replace_word(src: Source, start: int, end: int, new: str) -> list[Edit]:
    """Edits that put ``new`` in place of the word at ``[start, end)``.

    In place when the line has room; otherwise the word is blanked and ``new`` is appended
    to an earlier line in the gap before it.
    """
    e = src.write_edit(start, end, new)
    if e is not None:
        return [e]
    g = src.gap_edit(_prev_code(src.code, start), start, new)
    if g is None:
        return []
    return [g, src.blank_edit(start, end)]


_FUNC_HEADER = _kw(r"^[ \t]*FUNCTION[ \t]+([A-Za-z_]\w*)")


@needs("FUNCTION")
def function_return_types(src: Source) -> None:
    """``FUNCTION F`` with no return type (TwinCAT functions that return nothing; B&R body
    files, whose signature is in the ``.fun`` file): a synthetic ``: ANY`` is written after
    the name, so the tree is a ``function_declaration`` whose return type is the synthetic
    ``generic_type`` ``ANY``."""
    edits: list[Edit] = []
    code = src.upper
    for m in _line_matches(_FUNC_HEADER, code, ("FUNCTION",)):
        nxt = _NEXT_CODE.search(code, m.end())
        if nxt is not None and nxt.group() == ":":
            continue
        hi = nxt.start() if nxt is not None else len(code)
        e = src.write_edit(m.end(), m.end(), " : ANY") or src.gap_edit(m.end(), hi, ": ANY")
        if e is not None:
            edits.append(e)
    src.apply(edits)


_CLASS = _kw(r"\b(END_CLASS|CLASS)\b")


@needs("CLASS")
def classes(src: Source) -> None:
    """``CLASS C`` ... ``END_CLASS`` (IEC 61131-3 3rd edition): written as ``FUNCTION_BLOCK``
    ... ``END_FUNCTION_BLOCK``, which the grammar accepts with the same members. The longer
    keyword goes at the end of the line before ``CLASS``, so a class on the file's first
    line stays a syntax error."""
    edits: list[Edit] = []
    for m in _matches_at(_CLASS, src.upper, ("END_CLASS", "CLASS")):
        before = src.code[src.line_start(m.start()) : m.start()]
        if m.group(1).upper() == "CLASS" and before.strip():
            continue
        new = "END_FUNCTION_BLOCK" if m.group(1).upper() == "END_CLASS" else "FUNCTION_BLOCK"
        edits.extend(_replace_word(src, m.start(), m.end(), new))
    src.apply(edits)


_BLOCK_TOKEN = _kw(
    r"(?=[AFPIMCE])\b(?:(?:ABSTRACT|FINAL)[ \t]+)?"
    r"(PROGRAM|FUNCTION_BLOCK|FUNCTION|INTERFACE|METHOD|PROPERTY|CONFIGURATION)\b"
    r"|(?=E)\b(END_PROGRAM|END_FUNCTION_BLOCK|END_FUNCTION|END_INTERFACE|END_METHOD|END_PROPERTY"
    r"|END_CONFIGURATION|END_VAR)\b"
)
_POU_KINDS = ("PROGRAM", "FUNCTION_BLOCK", "FUNCTION", "INTERFACE")


@dataclass
class _Block:
    """A POU or member found by :func:`_blocks`."""

    kind: str
    start: int
    name: str = ""
    header_end: int = 0
    decls_end: int = 0
    end: int = -1
    end_word: tuple[int, int] | None = None
    members: list[_Block] = field(default_factory=list)


def _name_after(code: str, pos: int) -> str:
    """The identifier that follows ``pos`` (skipping blanks), or ''."""
    nxt = _NEXT_CODE.search(code, pos)
    m = _WORD.match(code, nxt.start()) if nxt is not None else None
    return m.group() if m else ""


_BLOCK_WORDS = (
    "ABSTRACT",
    "FINAL",
    "PROGRAM",
    "FUNCTION",
    "INTERFACE",
    "METHOD",
    "PROPERTY",
    "CONFIGURATION",
    "END_PROGRAM",
    "END_FUNCTION",
    "END_INTERFACE",
    "END_METHOD",
    "END_PROPERTY",
    "END_CONFIGURATION",
    "END_VAR",
)
"""Where :data:`_BLOCK_TOKEN` can match (the END keywords it takes by name, so that
``END_IF`` and the like are not tried)."""


def _blocks(src: Source) -> list[_Block]:
    """Top-level POUs and members (methods, properties) with their extents (cached for the
    current text: two rewrites read them; callers do not change them)."""
    cached = src.cache.get("blocks")
    if cached is not None and cached[0] == src.version and isinstance(cached[1], list):
        return cached[1]
    top = _find_blocks(src)
    src.cache["blocks"] = (src.version, top)
    return top


def _find_blocks(src: Source) -> list[_Block]:
    code = src.upper
    top: list[_Block] = []
    stack: list[_Block] = []
    for m in _matches_at(_BLOCK_TOKEN, code, _BLOCK_WORDS):
        if stack and stack[-1].kind == "CONFIGURATION" and m.group(2) is None:
            continue
        if m.group(1):
            kind = m.group(1).upper()
            blk = _Block(kind, m.start(1), _name_after(src.code, m.end(1)))
            blk.header_end = src.line_end(m.end(1))
            blk.decls_end = blk.header_end
            if kind in ("METHOD", "PROPERTY") and stack and stack[-1].kind in _POU_KINDS:
                stack[-1].members.append(blk)
            elif kind in ("METHOD", "PROPERTY") and stack:
                continue
            else:
                top.append(blk)
            stack.append(blk)
            continue
        word = m.group(2).upper()
        if word == "END_VAR":
            if stack and not stack[-1].members:
                stack[-1].decls_end = m.end(2)
            continue
        want = word[4:]
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].kind == want:
                stack[i].end = m.start(2)
                stack[i].end_word = (m.start(2), m.end(2))
                del stack[i:]
                break
    return top


def _split_pou(src: Source, pou: _Block, first: _Block) -> list[Edit]:
    """Edits that end ``pou`` before its first member and open a holder block for members."""
    holder = "INTERFACE" if pou.kind == "INTERFACE" else "FUNCTION_BLOCK"
    name = pou.name or "_"
    gap = src.gap_edit(
        _prev_code(src.code, first.start), first.start, f"END_{pou.kind} {holder} {name}"
    )
    if gap is None:
        return []
    edits = [gap]
    if pou.kind != holder and pou.end_word is not None:
        s, e = pou.end_word
        edits.extend(_replace_word(src, s, e, f"END_{holder}"))
    return edits


@needs("METHOD", "PROPERTY")
def members_after_body(src: Source) -> None:
    """Methods, properties and actions written after the POU body (TwinCAT's text export
    and TwinCAT XML order), and members of a ``PROGRAM`` or ``FUNCTION``.

    The grammar wants members before the body and only in a function block. The POU is
    ended (``END_FUNCTION_BLOCK``, ``END_PROGRAM``...) after its body and a function block
    with the same name, whose name token is synthetic, holds the members. A function block
    with an empty body is left alone. In an interface, a method after a property starts a
    second ``interface_declaration`` of the same name (the grammar wants methods first).
    """
    edits: list[Edit] = []
    code = src.code
    for pou in _blocks(src):
        if pou.kind not in _POU_KINDS or not pou.members:
            continue
        first = pou.members[0]
        if pou.kind == "INTERFACE":
            seen_property = False
            for mem in pou.members:
                if mem.kind == "PROPERTY":
                    seen_property = True
                elif seen_property:
                    edits.extend(_split_pou(src, pou, mem))
                    break
            continue
        body = code[pou.decls_end : first.start]
        if pou.kind == "FUNCTION_BLOCK" and not body.strip():
            continue
        edits.extend(_split_pou(src, pou, first))
    src.apply(edits)


@needs("METHOD", "PROPERTY")
def standalone_members(src: Source) -> None:
    """Methods and properties outside any POU (a file holding one method, as some tools
    export them): a synthetic ``FUNCTION_BLOCK _`` ... ``END_FUNCTION_BLOCK`` is written
    around each run of them, when there is a line before the first one to write it on."""
    edits: list[Edit] = []
    blocks = _blocks(src)
    i = 0
    while i < len(blocks):
        if blocks[i].kind not in ("METHOD", "PROPERTY"):
            i += 1
            continue
        j = i
        while j + 1 < len(blocks) and blocks[j + 1].kind in ("METHOD", "PROPERTY"):
            j += 1
        first, last = blocks[i], blocks[j]
        lo = _prev_code(src.code, first.start)
        opener = src.gap_edit(lo, first.start, "FUNCTION_BLOCK _")
        if opener is not None and last.end_word is not None:
            end = last.end_word[1]
            closer = src.write_edit(end, end, " END_FUNCTION_BLOCK")
            if closer is not None:
                edits += [opener, closer]
        i = j + 1
    src.apply(edits)


_FB_ARGS = _kw(r"(?::|\bOF\b)[ \t]*([A-Za-z_][\w.]*)[ \t]*[(\[]")
_NOT_FB_TYPES = {"STRING", "WSTRING", "ARRAY"}
_ELEMENTARY = frozenset(
    re.findall(
        r"\w+",
        "BOOL BYTE WORD DWORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT REAL LREAL "
        "TIME LTIME DATE LDATE TIME_OF_DAY TOD LTIME_OF_DAY LTOD DATE_AND_TIME DT "
        "LDATE_AND_TIME LDT CHAR "
        "WCHAR",
    )
)
_DECL_REGION = _kw(r"(?=[VEST])\b(VAR(?:_[A-Z_]+)?|END_VAR|STRUCT|END_STRUCT|TYPE|END_TYPE)\b")
_BRACKETS = re.compile(r"[\[\]();]")


def _regions(code: str) -> list[tuple[int, int, str]]:
    """Declaration stretches between block keywords, with their context."""
    out: list[tuple[int, int, str]] = []
    stack: list[str] = []
    prev = 0
    for m in _matches_at(
        _DECL_REGION, code, ("VAR", "STRUCT", "TYPE", "END_VAR", "END_STRUCT", "END_TYPE")
    ):
        if stack:
            out.append((prev, m.start(), "var" if stack[-1] == "VAR" else "field"))
        word = m.group(1).upper()
        if word.startswith("END_"):
            opener = "VAR" if word == "END_VAR" else word[4:]
            if opener in stack:
                while stack and stack.pop() != opener:
                    pass
        else:
            stack.append("VAR" if word.startswith("VAR") else word)
        prev = m.end()
    return out


def _extent(code: str, pos: int, limit: int) -> int:
    """End of the initializer or argument list starting at ``pos``: the ``;`` at depth 0."""
    depth = 0
    for m in _BRACKETS.finditer(code, pos, limit):
        ch = m.group()
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return m.start()
        elif depth <= 0:
            return m.start()
    return limit


def _matching(code: str, pos: int, limit: int) -> int:
    """Offset just past the bracket that closes the one at ``pos`` (``limit`` if none)."""
    depth = 0
    for m in _BRACKETS.finditer(code, pos, limit):
        ch = m.group()
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return m.end()
    return limit


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets."""
    items, depth, start = [], 0, 0
    for m in re.finditer(r"[\[\](),]", text):
        ch = m.group()
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            items.append(text[start : m.start()])
            start = m.end()
    items.append(text[start:])
    return items


_NAME = re.compile(r"\s*[A-Za-z_]\w*\s*")
_ARRAY_LITERAL = re.compile(r"(?:^|[^\w\])\s])\s*\[")


def _is_expression(text: str) -> bool:
    """A plain expression: no assignment inside and no array literal."""
    return ":=" not in text and "=>" not in text and not _ARRAY_LITERAL.search(text)


def _initializer_ok(text: str, context: str) -> bool:
    """Whether the grammar takes this initializer in a VAR (``var``) or a type (``field``)."""
    s = text.strip()
    if not s:
        return False
    if "," not in s and "[" not in s and ":=" not in s and "=>" not in s:
        return True  # a plain expression (the common case, decided without regexes)
    if len(_split_top(s)) > 1:
        return False
    if _is_expression(s):
        return True
    if context != "var":
        return False
    if s[0] == "[" and s[-1] == "]":
        return all(_is_expression(i) and i.strip() for i in _split_top(s[1:-1]))
    if s[0] == "(" and s[-1] == ")":
        for item in _split_top(s[1:-1]):
            name, sep, value = item.partition(":=")
            if not sep or not _NAME.fullmatch(name) or not _is_expression(value):
                return False
        return True
    return False


def _in_enum_list(code: str, pos: int, start: int) -> bool:
    """Whether ``pos`` lies inside an enumeration's value list ``: (A := 0, B := 2)``.

    The list is the innermost unclosed ``(`` before ``pos`` when a lone ``:`` precedes it;
    its ``:=`` give enum values, which the grammar takes and which must stay.
    """
    lo = max(start, code.rfind(";", start, pos))
    if code.find("(", lo, pos) == -1 and code.find(")", lo, pos) == -1:
        return False  # no bracket between the declaration's start and ``pos``: no list
    depth = 0
    for i in range(pos - 1, start - 1, -1):
        ch = code[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                before = code[start:i].rstrip()
                return before.endswith(":") and not before.endswith("::")
            depth -= 1
        elif ch == ";" and depth == 0:
            return False
    return False


@needs(":=")
def initializers(src: Source) -> None:
    """Initial values the grammar cannot hold where they are written: blanked (``:=`` and
    value), so the declaration keeps its names and type.

    The grammar takes an expression, an array initializer ``[1, 2, 3(0)]`` or a structure
    initializer ``(a := 1, b := 2)`` in a VAR block, and only an expression in a structure
    field or a type default. Vendors also write arrays of structures, nested structures,
    array values in structure fields and bracketless lists; those are blanked.
    """
    edits: list[Edit] = []
    code = src.shape
    for start, end, context in src.regions():
        pos = start
        while True:
            i = code.find(":=", pos, end)
            if i == -1:
                break
            stop = _extent(code, i + 2, end)
            value = code[i + 2 : stop]
            if _in_enum_list(code, i, start):
                pos = i + 2
                continue
            if value.strip() and not _initializer_ok(value, context):
                tail = stop
                while tail > i and src.text[tail - 1] in " \t\r\n":
                    tail -= 1
                edits.append(src.blank_edit(i, tail))
            pos = max(stop, i + 2)
    src.apply(edits)


@needs("(", "[")
def fb_init_arguments(src: Source) -> None:
    """Function block instances declared with ``FB_init`` arguments, ``fb : FB_T(1, 2);``,
    and arrays of them with one argument list per element, ``ARRAY[1..2] OF FB_T[(a := 1),
    (a := 2)]`` (TwinCAT, CODESYS): the arguments are blanked; the declaration keeps its
    type."""
    edits: list[Edit] = []
    code = src.upper
    for start, end, _context in src.regions():
        if code.find("(", start, end) == -1 and code.find("[", start, end) == -1:
            continue  # every match ends at a bracket
        for m in _FB_ARGS.finditer(code, start, end):
            word = m.group(1).upper()
            if word in _NOT_FB_TYPES or word in _ELEMENTARY:
                continue
            close = _matching(code, m.end() - 1, end)
            edits.append(src.blank_edit(m.end() - 1, close))
    src.apply(edits)


_ENUM_BASE = _kw(r"\)([ \t]*)([A-Za-z_]\w*)(?=\s*(?::=[^;]*)?;)")


@needs(")")
def enum_base_types(src: Source) -> None:
    """Enumerations with a base type, ``(A, B) DINT`` (TwinCAT, CODESYS): the base type is
    blanked; the tree holds a plain ``enumerated_type_inline``."""
    edits: list[Edit] = []
    code = src.upper
    for start, end, _context in src.regions():
        for m in _ENUM_BASE.finditer(code, start, end):
            edits.append(src.blank_edit(m.start(2), m.end(2)))
    src.apply(edits)


_TYPE_EXTENDS = _kw(r"^([ \t]*(?:TYPE[ \t]+)?[A-Za-z_]\w*)[ \t]+(EXTENDS[ \t]+[\w.]+)(?=\s*:)")


@needs("EXTENDS")
def type_extends(src: Source) -> None:
    """Structures that extend another, ``TYPE S EXTENDS Base :`` (TwinCAT): ``EXTENDS Base``
    is blanked; the tree holds the structure's own fields."""
    up = src.upper
    src.apply(
        src.blank_edit(m.start(2), m.end(2)) for m in _line_matches(_TYPE_EXTENDS, up, ("EXTENDS",))
    )


_EMPTY_STRUCT = _kw(r"\b(STRUCT|UNION)(\s*)(?=END_(?:STRUCT|UNION)\b)")


@needs("STRUCT", "UNION")
def empty_structs(src: Source) -> None:
    """An empty ``STRUCT END_STRUCT`` (TwinCAT allows it; the grammar wants a field): a
    synthetic field ``_ : BOOL;`` is written after ``STRUCT``."""
    edits: list[Edit] = []
    for m in _matches_at(_EMPTY_STRUCT, src.upper, ("STRUCT", "UNION")):
        e = src.write_edit(m.end(1), m.end(1), " _ : BOOL;")
        if e is not None:
            edits.append(e)
    src.apply(edits)


_ARRAY_STAR = _kw(r"\bARRAY[ \t]*\[[ \t*,]*\][ \t]*OF\b")


@needs("*")
def open_arrays(src: Source) -> None:
    """Arrays of open length, ``ARRAY[*] OF INT`` (TwinCAT ``VAR_IN_OUT``): ``ARRAY[*] OF``
    is blanked, so the tree shows the element type only."""
    up = src.upper
    src.apply(src.blank_edit(m.start(), m.end()) for m in _matches_at(_ARRAY_STAR, up, ("ARRAY",)))


_EDGE = _kw(r"\b(BOOL)([ \t]+)([RF]_EDGE)\b")


@needs("_EDGE")
def edge_qualifiers(src: Source) -> None:
    """Edge-detecting inputs, ``x : BOOL R_EDGE;`` (IEC): ``R_EDGE``/``F_EDGE`` blanked."""
    up = src.upper
    src.apply(src.blank_edit(m.start(3), m.end(3)) for m in _matches_at(_EDGE, up, ("BOOL",)))


_ADDRESS = re.compile(r"%[A-Za-z]*[\d*][\d.*]*")
_AT_ADDRESS = _kw(r"\bAT[ \t]+(%[A-Za-z]*[\d*][\w.*]*)")
_GOOD_ADDRESS = re.compile(r"%[IQM][XBWDL]?[0-9]+(\.[0-9]+)*")
_ANON_AT = _kw(r"^([ \t]*)(AT[ \t]+%)")


@needs("%")
def direct_addresses(src: Source) -> None:
    """Direct addresses the grammar does not take.

    * In a declaration, ``AT %I*`` (TwinCAT's automatic mapping) and other forms outside
      ``%[IQM][XBWDL]n.n`` are blanked together with ``AT``.
    * A located variable without a name, ``AT %IX1.1 : BOOL;``, gets a synthetic name ``_``
      written into its indentation.
    * In an expression, ``%MW500`` becomes an identifier of the same width (``_MW500``,
      ``.`` written as ``_``), which is synthetic.
    """
    edits: list[Edit] = []
    code = src.upper
    at_spans = []
    for m in _matches_at(_AT_ADDRESS, code, ("AT",)):
        at_spans.append((m.start(1), m.end(1)))
        if not _GOOD_ADDRESS.fullmatch(m.group(1)):
            edits.append(src.blank_edit(m.start(), m.end()))
    for m in _line_matches(_ANON_AT, code, ("%",)):
        if len(m.group(1)) >= 2:
            edits.append((m.start(2) - 2, m.start(2) - 1, "_"))
    declared = {s for s, _ in at_spans}
    for m in _ADDRESS.finditer(code):
        if m.start() in declared or "*" in m.group():
            continue
        edits.append((m.start(), m.end(), "_" + m.group()[1:].replace(".", "_")))
    src.apply(edits)


_BIT_ACCESS = re.compile(r"\.(%X)?(\d+)(?![\w.#])")
_TOKEN_BEFORE = re.compile(r"(?:^|[^\w#%])([A-Za-z_]\w*)$|[\])]$")


def _after_number(code: str, pos: int) -> bool:
    """True when a run of digits that no word character precedes ends at ``pos`` (``1.5``):
    then :data:`_TOKEN_BEFORE` cannot match before ``pos`` (no name or bracket ends there),
    which this tells without trying it at every character of its window."""
    i = pos - 1
    while i >= 0 and code[i] in _DIGITS:
        i -= 1
    if i == pos - 1:
        return False  # no digit just before pos
    return i < 0 or not (code[i].isalnum() or code[i] == "_")


_DIGITS = frozenset("0123456789")


@needs(".")
def bit_access(src: Source) -> None:
    """Bit access ``x.3`` and ``x.%X3`` (IEC partial access, CODESYS): written as an index,
    ``x[3]``, when a blank follows to hold the ``]``; otherwise ``.3`` is blanked."""
    edits: list[Edit] = []
    code = src.code
    for m in _BIT_ACCESS.finditer(code):
        start, end = m.span()
        if not start or _after_number(code, start):
            continue
        if not _TOKEN_BEFORE.search(code, max(0, start - 64), start):
            continue
        digits = m.group(2)
        width = end - start
        after = code[end : end + 1]
        if width >= len(digits) + 2:
            edits.append((start, end, f"[{digits}]".ljust(width)))
        elif after in (" ", "\t"):
            edits.append((start, end + 1, f"[{digits}]"))
        else:
            edits.append(src.blank_edit(start, end))
    src.apply(edits)


_SFC = _kw(
    r"^[ \t]*(?:INITIAL_STEP|STEP)\b[\s\S]*?\bEND_STEP\b"
    r"|^[ \t]*TRANSITION\b[\s\S]*?\bEND_TRANSITION\b"
)


@needs("STEP", "TRANSITION")
def sfc_text(src: Source) -> None:
    """Sequential function charts in text form (``INITIAL_STEP``, ``STEP``, ``TRANSITION``):
    blanked, since the grammar has no SFC. Their actions stay (as methods)."""
    up = src.upper
    if "END_STEP" not in up and "END_TRANSITION" not in up:
        return  # _SFC cannot match
    edits = [
        src.blank_edit(m.start(), m.end()) for m in _line_matches(_SFC, up, ("STEP", "TRANSITION"))
    ]
    src.apply(edits)


_CONFIGURATION = _kw(r"\bCONFIGURATION\b[\s\S]*?\bEND_CONFIGURATION\b")
_DIRECT_TASK = re.compile(r"^[ \t]*(TASK|PROGRAM)\b", re.MULTILINE)


@needs("CONFIGURATION")
def configuration_resources(src: Source) -> None:
    """A configuration with tasks and programs but no ``RESOURCE`` (IEC allows one implicit
    resource): a synthetic ``RESOURCE _ ON _`` ... ``END_RESOURCE`` is written around them,
    the form the grammar takes."""
    edits: list[Edit] = []
    for m in _matches_at(_CONFIGURATION, src.upper, ("CONFIGURATION",)):
        if "RESOURCE" in m.group():
            continue
        task = _DIRECT_TASK.search(m.group())
        if task is None:
            continue
        start = m.start() + task.start(1)
        close = m.end() - len("END_CONFIGURATION")
        opener = src.gap_edit(_prev_code(src.code, start), start, "RESOURCE _ ON _")
        closer = src.gap_edit(_prev_code(src.code, close), close, "END_RESOURCE")
        if opener is not None and closer is not None and opener[0] != closer[0]:
            edits += [opener, closer]
    src.apply(edits)


_TRAILING_COMMA = re.compile(r",(\s*)\)")
_EMPTY_OUTPUT = re.compile(r"=>[ \t]*(?:,|(?=\s*\)))")
_NAME_BEFORE = re.compile(r"[A-Za-z_]\w*[ \t]*$")


@needs("=>")
def empty_outputs(src: Source) -> None:
    """An output left unconnected in a call, ``f(Error=> , b := 2)`` (TwinCAT accepts it):
    blanked with its name."""
    edits: list[Edit] = []
    shape = src.shape
    for m in _EMPTY_OUTPUT.finditer(shape):
        name = _NAME_BEFORE.search(shape, max(0, m.start() - 80), m.start())
        if name is not None:
            edits.append(src.blank_edit(name.start(), m.end()))
    src.apply(edits)


@needs(",")
def trailing_commas(src: Source) -> None:
    """A trailing comma in a call, ``f(a := 1,)`` (TwinCAT accepts it): blanked."""
    edits = [src.blank_edit(m.start(), m.start() + 1) for m in _TRAILING_COMMA.finditer(src.shape)]
    src.apply(edits)


from plantls.languages.st import bnr  # noqa: E402  (B&R rewrites use Source)

REWRITES: tuple[Callable[[Source], None], ...] = (
    description_blocks,
    nested_comments,
    c_block_comments,
    pragmas,
    fused_end_keywords,
    keyword_aliases,
    bnr.access_bindings,
    set_reset,
    actions,
    string_brackets,
    unions,
    struct_semicolons,
    header_semicolons,
    return_string_lengths,
    modifiers,
    classes,
    function_return_types,
    sfc_text,
    members_after_body,
    standalone_members,
    bnr.top_level_var_blocks,
    initializers,
    fb_init_arguments,
    enum_base_types,
    type_extends,
    empty_structs,
    open_arrays,
    edge_qualifiers,
    direct_addresses,
    bit_access,
    empty_outputs,
    trailing_commas,
    configuration_resources,
)
"""The rewrites, in the order they run."""


def rewrite(text: str, path: str = "") -> Rewritten:
    """Apply every rewrite; the result keeps each surviving character's line and column."""
    src = Source(text)
    for step in REWRITES:
        triggers = getattr(step, "triggers", ())
        if triggers and not src.has(*triggers):
            continue
        step(src)
    return Rewritten(src.text, src.synthetic, src.shifts)


def to_standard(text: str) -> str:
    """Rewrite vendor extensions into grammar-accepted ST without moving any original token."""
    return rewrite(text).text
