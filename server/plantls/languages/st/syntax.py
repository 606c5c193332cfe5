"""Parse Structured Text with tree-sitter, after dialect handling, and report syntax errors.

:func:`parse` takes the user's text (and, when known, its path or URI):

1. TwinCAT XML (``.TcPOU`` ...) becomes virtual ST with the file's own lines and columns
   (:mod:`plantls.languages.st.twincat`);
2. vendor constructs are rewritten in place (:mod:`plantls.languages.st.dialect`, with the
   B&R body-file rules of :mod:`plantls.languages.st.bnr`);
3. tree-sitter parses the result.

Every node of the tree therefore has the user's position. :func:`syntax_errors` turns the
tree's ERROR and MISSING nodes into compiler-like messages, one per problem region.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import tree_sitter_iec61131_3_st as ts_st
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from plantls.core.positions import LineIndex, Position, Range, normalize_lone_cr, utf16_len
from plantls.languages.st import dialect, twincat


@cache
def ts_language() -> Language:
    """The tree-sitter language object for ST."""
    return Language(ts_st.language())


def _parser() -> Parser:
    return Parser(ts_language())


@cache
def _query(source: str) -> Query:
    """A compiled query (compiling takes milliseconds: once per process)."""
    return Query(ts_language(), source)


def comment_nodes(node: Node) -> list[Node]:
    """The comment nodes under ``node`` (not in document order), found by the C library."""
    return QueryCursor(_query("(comment) @c")).captures(node).get("c", [])


def error_nodes(node: Node) -> list[Node]:
    """The ERROR and MISSING nodes under ``node`` (not in document order), found by the C
    library: what a walk testing ``is_error or is_missing`` on every node would find."""
    return QueryCursor(_query("[(ERROR) (MISSING)] @e")).captures(node).get("e", [])


@dataclass
class SyntaxTree:
    """A parsed ST text: the tree-sitter tree over ``source``, whose positions are the file's."""

    source: str
    """The text tree-sitter parsed: the user's text after dialect handling (same positions)."""
    tree: Tree
    data: bytes
    original: str = ""
    """The user's text (the XML itself for TwinCAT files)."""
    synthetic: list[tuple[int, int]] = field(default_factory=list)
    """Byte ranges in ``data`` of text plantls wrote (added END keywords, substitutions)."""
    problems: list[tuple[Range, str]] = field(default_factory=list)
    """Problems with the file itself (malformed TwinCAT XML), reported as syntax errors."""
    same_offsets: bool = False
    """True when each byte offset of ``data`` is the same string offset of ``original``:
    ASCII text that neither TwinCAT extraction nor a rewrite changed the length of."""

    def __post_init__(self) -> None:
        self._lines: LineIndex | None = None
        self._synthetic_starts = [s for s, _ in self.synthetic]
        self._user_lines: LineIndex | None = None
        # dialect handling wrote text past some line ends: positions are clamped to the user's
        self._grown = bool(self.original) and len(self.original) != len(self.source)
        # the bytes are the characters: node text is a slice of ``source``, no decoding
        self._ascii = len(self.data) == len(self.source)

    @property
    def lines(self) -> LineIndex:
        """Line index of ``source`` (built on first use: a check asks positions of only some
        files, those with findings or dialect handling to undo)."""
        lines = self._lines
        if lines is None:
            lines = self._lines = LineIndex(self.source)
        return lines

    @property
    def root(self) -> Node:
        """The root node."""
        return self.tree.root_node

    def text(self, node: Node) -> str:
        """Source text of a node."""
        if self._ascii:
            return self.source[node.start_byte : node.end_byte]
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def user_position(self, pos: Position) -> Position:
        """``pos`` clamped to the user's line: text that dialect handling appended at the end
        of a line (``;`` after ``END_STRUCT``, a synthetic field) lies past its end."""
        if not self._grown:
            return pos
        lines = self._user_lines
        if lines is None:
            lines = self._user_lines = LineIndex(self.original)
        line = pos.line
        if (
            line < lines.line_count
            and pos.character <= lines.line_end(line) - lines.line_starts[line]
        ):
            return pos  # within the line's length in characters, so within its UTF-16 width
        width = utf16_len(lines.line_text(line))
        return pos if pos.character <= width else Position(line, width)

    def range(self, node: Node) -> Range:
        """LSP range of a node (in the user's text).

        Converted from the node's byte offsets, not from tree-sitter's points: tree-sitter
        counts rows at ``\\n`` only, LSP lines also end at a lone ``\\r``.
        """
        at = self.lines.from_byte_offset
        if self._grown:
            user = self.user_position
            return Range(user(at(node.start_byte)), user(at(node.end_byte)))
        return Range(at(node.start_byte), at(node.end_byte))

    def position(self, node: Node) -> Position:
        """LSP start position of a node (in the user's text)."""
        pos = self.lines.from_byte_offset(node.start_byte)
        return self.user_position(pos) if self._grown else pos

    def end_position(self, node: Node) -> Position:
        """LSP end position of a node (in the user's text)."""
        pos = self.lines.from_byte_offset(node.end_byte)
        return self.user_position(pos) if self._grown else pos

    def byte_offset(self, pos: Position) -> int:
        """Byte offset in ``data`` of an LSP position."""
        return self.lines.byte_offset_of(pos)

    def node_at(self, pos: Position) -> Node | None:
        """The smallest named node that covers a position (or ends right at it)."""
        off = self.byte_offset(pos)
        node = self.root.named_descendant_for_byte_range(off, off)
        if node is not None and node.type in ("source_file",) and off > 0:
            node = self.root.named_descendant_for_byte_range(off - 1, off - 1)
        return node

    def is_synthetic(self, node: Node) -> bool:
        """True when any part of ``node`` is text plantls wrote, not the user.

        Examples: the ``END_METHOD`` keywords added to TwinCAT XML, the name of the
        function block that holds members written after a POU body, ``METHOD`` standing for
        ``ACTION``, the ``ANY`` return type of a B&R body-file function.
        """
        i = bisect.bisect_right(self._synthetic_starts, node.end_byte - 1) - 1
        while i >= 0:
            start, end = self.synthetic[i]
            if end <= node.start_byte:
                return False
            if start < node.end_byte:
                return True
            i -= 1
        return False


Problems = list[tuple[Range, str]]


def prepare(text: str, path: str = "") -> tuple[str, list[tuple[int, int]], Problems]:
    """The text tree-sitter parses, the synthetic stretches in it, and file problems."""
    source, synthetic, problems, _ = _prepare(text, path)
    return source, synthetic, problems


def _prepare(text: str, path: str) -> tuple[str, list[tuple[int, int]], Problems, bool]:
    """:func:`prepare`, and whether every string offset of the result is the same offset of
    ``text`` (no step changed a length)."""
    problems: list[tuple[Range, str]] = []
    synthetic: list[tuple[int, int]] = []
    length = len(text)
    # Tree-sitter, the dialect layer and the TwinCAT extraction break lines at \n only; a
    # lone \r (old Mac line ends) becomes \n, which keeps every offset and every LSP line.
    text = normalize_lone_cr(text)
    if twincat.is_twincat(path, text):
        extracted = twincat.extract(text)
        text = extracted.text
        synthetic = list(extracted.synthetic)
        for p in extracted.problems:
            pos = Position(p.line, p.character)
            problems.append((Range(pos, pos), p.message))
    rewritten = dialect.rewrite(text, path)
    synthetic = _merge_synthetic(text, synthetic, rewritten)
    # the extraction only ever lengthens a stretch; a rewrite that changes a length shifts
    same_offsets = len(text) == length and not rewritten.shifts
    return rewritten.text, synthetic, problems, same_offsets


def _merge_synthetic(
    before: str, earlier: list[tuple[int, int]], rewritten: dialect.Rewritten
) -> list[tuple[int, int]]:
    """String offsets of synthetic text from both stages, in the rewritten text."""
    if not earlier:
        return sorted(rewritten.synthetic)
    moved = [rewritten.map_offset(s) for s, _ in earlier]
    spans = [(m, m + (e - s)) for m, (s, e) in zip(moved, earlier, strict=True)]
    return sorted(spans + rewritten.synthetic)


def _byte_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Convert string offsets to UTF-8 byte offsets (``spans`` sorted by start, as
    :func:`prepare` gives them): one pass, each stretch of text encoded once."""
    if text.isascii() or not spans:
        return spans
    out = []
    done = done_bytes = 0  # string offset reached and its byte offset

    def size(a: int, b: int) -> int:
        return len(text[a:b].encode("utf-8", errors="surrogatepass"))

    for s, e in spans:
        if s >= done:
            done_bytes += size(done, s)
            done = s
            bs = done_bytes
        else:  # overlaps the span before: count back from where the pass is
            bs = done_bytes - size(s, done)
        out.append((bs, bs + size(s, e)))
    return out


def parse(text: str, path: str = "", previous: SyntaxTree | None = None) -> SyntaxTree:
    """Parse ST text (vendor dialects and TwinCAT XML included).

    ``path`` (a path or URI) selects TwinCAT extraction by extension and B&R handling; it may
    be empty, in which case TwinCAT XML is recognised by its root element.

    ``previous``, the parse of an earlier version of the same document, makes the parse
    incremental (see :func:`reparse`); the result is the same tree as without it.
    """
    source, synthetic, problems, same_offsets = _prepare(text, path)
    data = source.encode("utf-8", errors="surrogatepass")
    tree = reparse(previous, data) if previous is not None else _parser().parse(data)
    return SyntaxTree(
        source=source,
        tree=tree,
        data=data,
        original=text,
        synthetic=_byte_spans(source, synthetic),
        problems=problems,
        same_offsets=same_offsets and len(data) == len(source),
    )


def reparse(previous: SyntaxTree, data: bytes) -> Tree:
    """Parse ``data`` reusing the tree of an earlier version (tree-sitter's edit API).

    The edit is found on the texts the grammar sees, after TwinCAT extraction and dialect
    handling: the bytes between the common prefix and the common suffix of the old and the
    new text. So the edit is right however the dialect rewrites changed (a rewrite that moves
    with the user's edit, or one that appears far away, just widens the edited span), and the
    parser re-reads only what lies in or next to it.

    Error recovery may depend on the old tree, so a result with errors is thrown away and
    the text parsed from scratch: findings never depend on the editing history.
    """
    old = previous.data
    if old == data:
        return previous.tree
    start, old_end, new_end = byte_edit(old, data)
    tree = previous.tree.copy()
    tree.edit(
        start_byte=start,
        old_end_byte=old_end,
        new_end_byte=new_end,
        start_point=_point(old, start),
        old_end_point=_point(old, old_end),
        new_end_point=_point(data, new_end),
    )
    parser = _parser()
    result = parser.parse(data, tree)
    if result.root_node.has_error:
        result = parser.parse(data)
    return result


_CHUNK = 4096


def byte_edit(old: bytes, new: bytes) -> tuple[int, int, int]:
    """``(start, old_end, new_end)``: ``old[start:old_end]`` became ``new[start:new_end]``;
    the rest is the common prefix and suffix (the edit starts and ends on UTF-8 characters)."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start : start + _CHUNK] == new[start : start + _CHUNK]:
        start += _CHUNK
    start = min(start, limit)
    end = min(start + _CHUNK, limit)
    while start < end and old[start] == new[start]:
        start += 1
    while start > 0 and (_inside_char(old, start) or _inside_char(new, start)):
        start -= 1
    room = limit - start  # the suffix may not overlap the prefix
    tail = 0
    while tail + _CHUNK <= room and old[len(old) - tail - _CHUNK : len(old) - tail] == new[
        len(new) - tail - _CHUNK : len(new) - tail
    ]:
        tail += _CHUNK
    while tail < room and old[len(old) - tail - 1] == new[len(new) - tail - 1]:
        tail += 1
    while tail > 0 and (
        _inside_char(old, len(old) - tail) or _inside_char(new, len(new) - tail)
    ):
        tail -= 1
    return start, len(old) - tail, len(new) - tail


def _inside_char(data: bytes, offset: int) -> bool:
    """True when ``offset`` falls inside a multi-byte UTF-8 character."""
    return 0 < offset < len(data) and data[offset] & 0xC0 == 0x80


def _point(data: bytes, offset: int) -> tuple[int, int]:
    """Tree-sitter point (row, byte column) of a byte offset."""
    return data.count(b"\n", 0, offset), offset - (data.rfind(b"\n", 0, offset) + 1)


def parse_bare(text: str) -> Tree:
    """The grammar alone on ``text``: no TwinCAT extraction, no dialect handling."""
    return _parser().parse(text.encode("utf-8", errors="surrogatepass"))


def walk(node: Node) -> Iterator[Node]:
    """All nodes under ``node`` in document order (``node`` included)."""
    cursor = node.walk()
    depth = 0
    while True:
        yield cursor.node  # type: ignore[misc]
        if cursor.goto_first_child():
            depth += 1
            continue
        while True:
            if depth == 0:
                return
            if cursor.goto_next_sibling():
                break
            cursor.goto_parent()
            depth -= 1


# --------------------------------------------------------------------------------------
# Readable syntax errors
# --------------------------------------------------------------------------------------

_OPENERS = {
    "IF": "END_IF",
    "CASE": "END_CASE",
    "FOR": "END_FOR",
    "WHILE": "END_WHILE",
    "REPEAT": "END_REPEAT",
    "PROGRAM": "END_PROGRAM",
    "FUNCTION": "END_FUNCTION",
    "FUNCTION_BLOCK": "END_FUNCTION_BLOCK",
    "METHOD": "END_METHOD",
    "PROPERTY": "END_PROPERTY",
    "INTERFACE": "END_INTERFACE",
    "TYPE": "END_TYPE",
    "STRUCT": "END_STRUCT",
    "NAMESPACE": "END_NAMESPACE",
    "CONFIGURATION": "END_CONFIGURATION",
    "RESOURCE": "END_RESOURCE",
    "GET": "END_GET",
    "SET": "END_SET",
}
_VAR_OPENERS = {
    "VAR",
    "VAR_INPUT",
    "VAR_OUTPUT",
    "VAR_IN_OUT",
    "VAR_TEMP",
    "VAR_GLOBAL",
    "VAR_EXTERNAL",
    "VAR_ACCESS",
    "VAR_CONFIG",
}
_CLOSER_OF = {v: k for k, v in _OPENERS.items()}
_NEEDS = {"IF": "THEN", "ELSIF": "THEN", "WHILE": "DO", "FOR": "DO", "CASE": "OF"}
_AFTER = {"THEN": "the condition", "DO": "the loop header", "OF": "the CASE selector"}
_DECLARATIONS = {"variable_declaration", "structure_field", "type_definition"}
_PUNCT_MESSAGES = {
    ")": "expected ')'",
    "]": "expected ']'",
    ":": "expected ':'",
    ":=": "expected ':='",
}


@dataclass
class _Finding:
    start: int
    end: int
    range: Range
    message: str
    rank: int = 1
    """Lower wins among findings that start together (lexical problems come first)."""


def _keyword(st: SyntaxTree, node: Node) -> str:
    """The upper-case text of a keyword-like leaf ('' for anything else)."""
    text = st.text(node)
    return text.upper() if text.replace("_", "").isalpha() else ""


def _opener_line(st: SyntaxTree, node: Node) -> tuple[str, int, Node]:
    """The opening keyword of a block node, its 1-based line and the keyword node."""
    first = node.child(0) or node
    word = _keyword(st, first)
    if word in ("ABSTRACT", "FINAL") and node.child_count > 1:
        first = node.child(1) or first
        word = _keyword(st, first)
    return word, st.position(first).line + 1, first


def _missing(st: SyntaxTree, node: Node) -> _Finding:
    """The message for a MISSING node."""
    kind = node.type
    parent = node.parent
    at = st.range(node)
    if kind == ";":
        what = "declaration" if parent is not None and parent.type in _DECLARATIONS else "statement"
        msg = f"expected ';' after the {what}"
    elif kind in _CLOSER_OF and parent is not None:
        word, line, opener = _opener_line(st, parent)
        word = word or _CLOSER_OF[kind]
        msg = f"missing {kind} for {word} on line {line}"
        at = st.range(opener)
    elif kind in _AFTER:
        msg = f"expected {kind} after {_AFTER[kind]}"
    elif kind == "identifier":
        field = _field_of(node)
        msg = "expected a type" if field == "type" else "expected a name"
    else:
        msg = _PUNCT_MESSAGES.get(kind, f"expected '{kind}'")
    return _Finding(node.start_byte, node.end_byte, at, msg)


def _field_of(node: Node) -> str:
    """The field name under which ``node`` hangs in its parent ('' when none)."""
    parent = node.parent
    if parent is None:
        return ""
    for i in range(parent.child_count):
        child = parent.child(i)
        if child is not None and child.id == node.id:
            return parent.field_name_for_child(i) or ""
    return ""


def _leaves(node: Node) -> list[Node]:
    """The tokens under ``node`` (comments left out), in order."""
    out = []
    for n in walk(node):
        if n.child_count == 0 and n.type != "comment":
            out.append(n)
    return out


def _unclosed(st: SyntaxTree, leaves: list[Node]) -> tuple[str, Node] | None:
    """The innermost block keyword among ``leaves`` that is never closed."""
    stack: list[tuple[str, Node]] = []
    for leaf in leaves:
        word = _keyword(st, leaf)
        if word in _OPENERS or word in _VAR_OPENERS:
            stack.append((word, leaf))
        elif word == "END_VAR":
            if stack and stack[-1][0] in _VAR_OPENERS:
                stack.pop()
        elif word in _CLOSER_OF:
            opener = _CLOSER_OF[word]
            while stack and stack[-1][0] != opener:
                stack.pop()
            if stack:
                stack.pop()
    return stack[-1] if stack else None


def _error(st: SyntaxTree, node: Node) -> _Finding:
    """The message for an ERROR node."""
    leaves = _leaves(node)
    first = leaves[0] if leaves else node
    word = _keyword(st, first)
    text = st.text(first).strip()
    at = st.range(first)
    if first.is_error or (first.child_count == 0 and first.type == "ERROR"):
        msg = f"unexpected character '{text[:1] or '?'}'"
    elif word in _NEEDS and not any(_keyword(st, leaf) == _NEEDS[word] for leaf in leaves):
        needed, line = _NEEDS[word], st.position(first).line + 1
        msg = f"expected {needed} after {_AFTER[needed]} of {word} on line {line}"
    elif word in _CLOSER_OF or word == "END_VAR":
        msg = f"unexpected '{text}'"
    else:
        unclosed = _unclosed(st, leaves) if node.end_byte >= len(st.data.rstrip()) else None
        if unclosed is not None:
            kw, opener = unclosed
            end = "END_VAR" if kw in _VAR_OPENERS else _OPENERS[kw]
            msg = f"missing {end} for {kw} on line {st.position(opener).line + 1}"
            at = st.range(opener)
        elif (
            node.parent is not None
            and node.parent.type.startswith("var")
            and first.type == "identifier"
        ):
            msg = f"expected ':' and a type in the declaration of '{text}'"
        else:
            msg = f"unexpected '{_short(text)}'"
    return _Finding(node.start_byte, node.end_byte, at, msg)


def _short(text: str) -> str:
    """A token as shown in a message: first line, at most 30 characters."""
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= 30 else line[:27] + "..."


def _lexical(st: SyntaxTree) -> list[_Finding]:
    """Unterminated comments and strings, found on the source text."""
    out = []
    source = st.source
    for span in dialect.scan(source):
        chunk = source[span.start : span.end]
        if span.kind == "comment" and not chunk.endswith("*)"):
            msg = "unterminated comment: '(*' has no matching '*)'"
        elif span.kind == "line" and chunk[:1] in ("'", '"'):
            msg = "unterminated string: the closing quote is missing on this line"
        else:
            continue
        start = st.lines.position(span.start)
        width = utf16_len(st.lines.line_text(start.line))
        end = Position(start.line, min(start.character + 2, width))
        rng = Range(st.user_position(start), st.user_position(end))
        b0 = len(source[: span.start].encode("utf-8", errors="surrogatepass"))
        b1 = b0 + len(chunk.encode("utf-8", errors="surrogatepass"))
        out.append(_Finding(b0, b1, rng, msg, rank=0))
    return out


def describe_errors(st: SyntaxTree, limit: int) -> list[tuple[Range, str]]:
    """Compiler-like messages for the tree's ERROR and MISSING nodes, one per region."""
    found = _lexical(st)
    cursor_nodes: list[Node] = []
    stack = [st.root]
    while stack:
        node = stack.pop()
        if node.is_missing or node.is_error:
            cursor_nodes.append(node)
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    for node in cursor_nodes:
        found.append(_missing(st, node) if node.is_missing else _error(st, node))
    found.sort(key=lambda f: (f.start, f.rank, -f.end))
    out: list[tuple[Range, str]] = []
    covered_end, last_line = -1, -1
    for f in found:
        if f.start < covered_end or f.range.start.line == last_line:
            continue
        out.append((f.range, f.message))
        covered_end = max(f.end, f.start + 1)
        last_line = f.range.start.line
        if len(out) >= limit:
            break
    return out


def syntax_errors(st: SyntaxTree, limit: int = 50) -> list[tuple[Range, str]]:
    """Readable syntax errors: one compiler-like message per problem region, capped."""
    out = list(st.problems[:limit])
    if st.root.has_error and len(out) < limit:
        out.extend(describe_errors(st, limit - len(out)))
    return out
