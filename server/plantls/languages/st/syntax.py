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
from tree_sitter import Language, Node, Parser, Tree

from plantls.core.positions import LineIndex, Position, Range
from plantls.languages.st import dialect, twincat


@cache
def ts_language() -> Language:
    """The tree-sitter language object for ST."""
    return Language(ts_st.language())


def _parser() -> Parser:
    return Parser(ts_language())


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

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.source)
        self._synthetic_starts = [s for s, _ in self.synthetic]

    @property
    def root(self) -> Node:
        """The root node."""
        return self.tree.root_node

    def text(self, node: Node) -> str:
        """Source text of a node."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def range(self, node: Node) -> Range:
        """LSP range of a node."""
        return Range(
            self.lines.from_byte_point(*node.start_point),
            self.lines.from_byte_point(*node.end_point),
        )

    def position(self, node: Node) -> Position:
        """LSP start position of a node."""
        return self.lines.from_byte_point(*node.start_point)

    def byte_offset(self, pos: Position) -> int:
        """Byte offset in ``data`` of an LSP position."""
        return len(self.source[: self.lines.offset(pos)].encode("utf-8"))

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
    problems: list[tuple[Range, str]] = []
    synthetic: list[tuple[int, int]] = []
    if twincat.is_twincat(path, text):
        extracted = twincat.extract(text)
        text = extracted.text
        synthetic = list(extracted.synthetic)
        for p in extracted.problems:
            pos = Position(p.line, p.character)
            problems.append((Range(pos, pos), p.message))
    rewritten = dialect.rewrite(text, path)
    synthetic = _merge_synthetic(text, synthetic, rewritten)
    return rewritten.text, synthetic, problems


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
    """Convert string offsets to UTF-8 byte offsets."""
    if text.isascii() or not spans:
        return spans
    out = []
    for s, e in spans:
        bs = len(text[:s].encode("utf-8", errors="surrogatepass"))
        out.append((bs, bs + len(text[s:e].encode("utf-8", errors="surrogatepass"))))
    return out


def parse(text: str, path: str = "") -> SyntaxTree:
    """Parse ST text (vendor dialects and TwinCAT XML included).

    ``path`` (a path or URI) selects TwinCAT extraction by extension and B&R handling; it may
    be empty, in which case TwinCAT XML is recognised by its root element.
    """
    source, synthetic, problems = prepare(text, path)
    data = source.encode("utf-8", errors="surrogatepass")
    tree = _parser().parse(data)
    return SyntaxTree(
        source=source,
        tree=tree,
        data=data,
        original=text,
        synthetic=_byte_spans(source, synthetic),
        problems=problems,
    )


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


def describe_errors(st: SyntaxTree, limit: int) -> list[tuple[Range, str]]:
    """Placeholder: raw ERROR/MISSING nodes."""
    out: list[tuple[Range, str]] = []
    for node in walk(st.root):
        if len(out) >= limit:
            break
        if node.is_missing:
            out.append((st.range(node), f"expected {node.type!r}"))
        elif node.is_error:
            snippet = st.text(node).strip().split("\n", 1)[0][:40]
            out.append((st.range(node), f"syntax error near {snippet!r}"))
    return out


def syntax_errors(st: SyntaxTree, limit: int = 50) -> list[tuple[Range, str]]:
    """Readable syntax errors: one compiler-like message per problem region, capped."""
    out = list(st.problems[:limit])
    if st.root.has_error and len(out) < limit:
        out.extend(describe_errors(st, limit - len(out)))
    return out
