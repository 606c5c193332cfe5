"""Shared pieces for ST rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import ClassVar

from tree_sitter import Node, Query, QueryCursor

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.rules import Rule
from plantls.languages.st.analysis import BODY_NODE_TYPES, Ref, StAnalysis
from plantls.languages.st.model import Pou, VarDecl
from plantls.languages.st.syntax import ts_language, walk


class StRule(Rule):
    """A Structured Text rule: ``check`` receives the document's :class:`StAnalysis`."""

    language: ClassVar[str] = "iec-st"

    def check(self, document: Document, analysis: StAnalysis) -> Iterable[Diagnostic]:
        """Yield findings."""
        raise NotImplementedError


def var_refs(analysis: StAnalysis) -> dict[int, list[Ref]]:
    """The refs that name a variable (a :class:`VarDecl`), grouped by the variable's id, in
    the refs' order: computed once per analysis, so the rules that look at some variables'
    uses test each variable once instead of each of the file's refs."""
    found: dict[int, list[Ref]] | None = analysis.memo.get("var_refs")
    if found is None:
        found = {}
        for ref in analysis.refs:
            if isinstance(ref.target, VarDecl):
                found.setdefault(id(ref.target), []).append(ref)
        analysis.memo["var_refs"] = found
    return found


def pou_nodes(analysis: StAnalysis, pou: Pou) -> list[Node]:
    """Every node inside a POU's statements, in document order (computed once per analysis
    and shared by the rules, so the file is walked once)."""
    cache: dict[int, list[Node]] = analysis.memo.setdefault("pou_nodes", {})
    nodes = cache.get(id(pou))
    if nodes is None:
        nodes = [n for stmt in pou.body for n in walk(stmt)]
        cache[id(pou)] = nodes
    return nodes




@cache
def _body_query() -> Query:
    """The query for :data:`BODY_NODE_TYPES` (compiled once per process)."""
    source = "[" + " ".join(f"({kind})" for kind in sorted(BODY_NODE_TYPES)) + "] @n"
    return Query(ts_language(), source)


def typed_pou_nodes(analysis: StAnalysis, pou: Pou) -> list[Node]:
    """The nodes of :data:`BODY_NODE_TYPES` inside a POU's statements, in document order:
    :func:`pou_nodes` filtered by type. Name resolution lists them as it walks the
    statements (:attr:`StAnalysis.body_nodes`); where a statement has a syntax error, a
    tree-sitter query (in C) finds them instead of a walk over every node, once per
    analysis."""
    nodes = analysis.body_nodes.get(id(pou))
    if nodes is not None:
        return nodes
    cache: dict[int, list[Node]] = analysis.memo.setdefault("typed_pou_nodes", {})
    nodes = cache.get(id(pou))
    if nodes is None:
        nodes = []
        q = _body_query()
        for stmt in pou.body:
            found = QueryCursor(q).captures(stmt).get("n")
            if found:
                nodes.extend(_in_walk_order(stmt, found))
        cache[id(pou)] = nodes
    return nodes


def _in_walk_order(stmt: Node, found: list[Node]) -> list[Node]:
    """Captured nodes in the order :func:`walk` visits them (pre-order).

    Sorting by start, then by end descending, is pre-order when no two captured nodes share
    both (an ancestor starts no later and ends no earlier than its descendants) and none is
    empty; in those cases (error recovery) the statement is walked instead."""
    if len(found) == 1:
        return found
    ordered = sorted(found, key=_walk_key)
    prev = None
    for node in ordered:
        key = (node.start_byte, node.end_byte)
        if key == prev or key[0] == key[1]:
            return [n for n in walk(stmt) if n.type in BODY_NODE_TYPES]
        prev = key
    return ordered


def _walk_key(node: Node) -> tuple[int, int]:
    return (node.start_byte, -node.end_byte)


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
