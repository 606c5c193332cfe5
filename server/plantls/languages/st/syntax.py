"""Parse Structured Text with tree-sitter, after dialect handling, and report syntax errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter_iec61131_3_st as ts_st
from tree_sitter import Language, Node, Parser, Tree

from plantls.core.positions import LineIndex, Position, Range
from plantls.languages.st import dialect


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

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.source)

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


def parse(text: str) -> SyntaxTree:
    """Parse ST text (vendor dialects included)."""
    source = dialect.to_standard(text)
    data = source.encode("utf-8", errors="surrogatepass")
    tree = _parser().parse(data)
    return SyntaxTree(source=source, tree=tree, data=data)


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


def syntax_errors(st: SyntaxTree, limit: int = 50) -> list[tuple[Range, str]]:
    """Readable syntax errors: the range and message of each ERROR or MISSING node."""
    out: list[tuple[Range, str]] = []
    if not st.root.has_error:
        return out
    for node in walk(st.root):
        if len(out) >= limit:
            break
        if node.is_missing:
            out.append((st.range(node), f"expected {node.type!r}"))
        elif node.is_error:
            snippet = st.text(node).strip().split("\n", 1)[0][:40]
            out.append((st.range(node), f"syntax error near {snippet!r}"))
    return out
