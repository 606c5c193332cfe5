"""What the name under the cursor is: shared by hover and definition."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from plantls.core.positions import Position
from plantls.languages.st import stdlib
from plantls.languages.st.analysis import Ref, Resolver, StAnalysis, Target
from plantls.languages.st.model import Pou, VarDecl


@dataclass
class Found:
    """The identifier at a position and what it names."""

    node: Node
    name: str
    kind: str
    target: Target


def pou_at(analysis: StAnalysis, pos: Position) -> Pou | None:
    """The innermost POU (or method/action/property) containing a position."""
    best: Pou | None = None
    for pou in analysis.model.all_pous():
        if pou.range.contains(pos) and (best is None or best.range.start <= pou.range.start):
            best = pou
    return best


def identifier_at(analysis: StAnalysis, pos: Position) -> Node | None:
    """The identifier node under (or just before) the cursor."""
    node = analysis.tree.node_at(pos)
    if node is None:
        return None
    if node.type != "identifier" and pos.character > 0:
        before = analysis.tree.node_at(Position(pos.line, pos.character - 1))
        if before is not None and before.type == "identifier":
            node = before
    return node if node.type in ("identifier", "elementary_type") else None


def _declared_var(analysis: StAnalysis, node: Node) -> VarDecl | None:
    """The declaration whose name is this node, if it is one."""
    rng = analysis.tree.range(node)
    for pou in analysis.model.all_pous():
        for var in pou.vars.values():
            if var.range == rng:
                return var
    for typ in analysis.model.types.values():
        for var in (*typ.fields.values(), *typ.values.values()):
            if var.range == rng:
                return var
    for gvl in analysis.model.gvls.values():
        for var in gvl.vars.values():
            if var.range == rng:
                return var
    return None


def find(analysis: StAnalysis, pos: Position) -> Found | None:
    """Resolve the name at ``pos``: a use in a body, a declaration, or a type name."""
    node = identifier_at(analysis, pos)
    if node is None:
        return None
    name = analysis.tree.text(node)
    ref: Ref | None = analysis.ref_at(node)
    if ref is not None:
        return Found(node, name, ref.kind, ref.target)
    var = _declared_var(analysis, node)
    if var is not None:
        return Found(node, name, "var", var)
    for pou in analysis.model.all_pous():
        if pou.name_range == analysis.tree.range(node):
            return Found(node, name, "pou", pou)
    for typ in analysis.model.types.values():
        if typ.name_range == analysis.tree.range(node):
            return Found(node, name, "type", typ)
    # A type name in a declaration, EXTENDS, or anywhere else outside bodies.
    scope = pou_at(analysis, pos)
    if scope is not None:
        kind, target = Resolver(analysis).lookup(name, scope)
        return Found(node, name, kind, target)
    declared = analysis.index.type(name)
    if declared is not None:
        return Found(node, name, "type", declared)
    other_pou = analysis.index.pou(name)
    if other_pou is not None:
        return Found(node, name, "pou", other_pou)
    fb = stdlib.function_block(name)
    if fb is not None:
        return Found(node, name, "std_fb", fb)
    if name.upper() in stdlib.ELEMENTARY_TYPES:
        return Found(node, name, "std_type", None)
    return None
