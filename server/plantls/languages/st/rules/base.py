"""Shared pieces for ST rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from tree_sitter import Node

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.rules import Rule
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.model import Pou
from plantls.languages.st.syntax import walk


class StRule(Rule):
    """A Structured Text rule: ``check`` receives the document's :class:`StAnalysis`."""

    language: ClassVar[str] = "iec-st"

    def check(self, document: Document, analysis: StAnalysis) -> Iterable[Diagnostic]:
        """Yield findings."""
        raise NotImplementedError


def pou_nodes(analysis: StAnalysis, pou: Pou) -> list[Node]:
    """Every node inside a POU's statements, in document order (computed once per analysis
    and shared by the rules, so the file is walked once)."""
    cache: dict[int, list[Node]] = analysis.memo.setdefault("pou_nodes", {})
    nodes = cache.get(id(pou))
    if nodes is None:
        nodes = [n for stmt in pou.body for n in walk(stmt)]
        cache[id(pou)] = nodes
    return nodes


def body_nodes(pou: Pou) -> Iterator[Node]:
    """Every node inside a POU's statements (not its declarations)."""
    for stmt in pou.body:
        yield from walk(stmt)


def statement_lists(pou: Pou) -> Iterator[list[Node]]:
    """Each sequence of statements in a POU: its body and every nested branch or loop body."""
    if pou.body:
        yield pou.body
    for stmt in pou.body:
        for node in walk(stmt):
            for field_name in ("body", "consequence", "alternative"):
                children = node.children_by_field_name(field_name)
                if children and node.type != "source_file":
                    yield children
