"""Name resolution for ST: every identifier in every POU body, bound to what it names.

One pass over each body records a :class:`Ref` per identifier use: what it resolves to
(a variable, a POU, a type, an enum value, a standard block, or nothing), whether it is
written or read, and the POU it appears in. Rules, hover, definition and completion all
read these refs instead of walking and resolving again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from tree_sitter import Node

from plantls.core.documents import Document
from plantls.languages.st import stdlib
from plantls.languages.st.index import StIndex
from plantls.languages.st.model import FileModel, Gvl, Pou, TypeDecl, TypeRef, VarDecl
from plantls.languages.st.syntax import SyntaxTree

RefKind = Literal[
    "var", "pou", "type", "enum", "gvl", "std_fb", "std_fn", "std_type", "builtin", "unknown",
    "library",
]
Target = VarDecl | Pou | TypeDecl | Gvl | stdlib.FunctionBlockDef | stdlib.FunctionDef | None

BODY_NODE_TYPES = frozenset(
    {
        "assignment_statement",
        "binary_expression",
        "index_expression",
        "typed_literal",
        "call_expression",
        "if_statement",
        "elsif_clause",
        "while_statement",
        "repeat_statement",
        "case_statement",
        "for_statement",
        "return_statement",
        "exit_statement",
        "continue_statement",
    }
)
"""The node types :attr:`StAnalysis.body_nodes` lists: what the type-site collector and the
control-flow rules look for in bodies (see ``rules.base.typed_pou_nodes``)."""

# Names every ST dialect knows that are not declarations.
BUILTINS = {
    "TRUE", "FALSE", "THIS", "SUPER", "NULL", "ADR", "ADRINST", "SIZEOF", "BITADR", "REF",
    "__NEW", "__DELETE", "__ISVALIDREF", "__QUERYINTERFACE", "__QUERYPOINTER", "__TRY",
    "__CATCH", "__ENDTRY", "__FINALLY", "INDEXOF", "UPPER_BOUND", "LOWER_BOUND", "TO_STRING",
    "__SYSTEM", "__POUNAME", "__POSITION", "__POS",
}


@dataclass
class Ref:
    """One use of a name in a body."""

    node: Node
    name: str
    kind: RefKind
    target: Target
    pou: Pou
    write: bool = False
    read: bool = True
    qualified: bool = False
    """True for the member part of ``a.b`` (resolved relative to ``a``)."""


@dataclass
class Call:
    """A call statement or call expression whose callee resolved."""

    node: Node
    callee: Ref
    pou: Pou
    statement: Node | None
    """The statement that contains it (an invocation or an assignment)."""


@dataclass
class StAnalysis:
    """Everything rules and IDE features need about one ST document."""

    document: Document
    tree: SyntaxTree
    model: FileModel
    index: StIndex
    refs: list[Ref] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    _by_node: dict[int, Ref] = field(default_factory=dict)
    body_nodes: dict[int, list[Node]] = field(default_factory=dict)
    """By POU id: the nodes of :data:`BODY_NODE_TYPES` in the POU's statements, in document
    order, as resolution met them; only for POUs whose statements have no syntax error
    (resolution walks every part of a well-formed statement that can hold them)."""
    memo: dict[str, Any] = field(default_factory=dict)
    """Facts that several rules derive from this analysis, computed once (see rules.base)."""

    def ref_at(self, node: Node) -> Ref | None:
        """The ref recorded for an identifier node."""
        return self._by_node.get(node.id)

    def refs_in(self, pou: Pou) -> Iterator[Ref]:
        """Refs inside one POU's body."""
        return (r for r in self.refs if r.pou is pou)

    # -- type helpers -------------------------------------------------------------------
    def resolve_type(self, ref: TypeRef | None) -> TypeRef | None:
        """Follow aliases of a named type to what they stand for."""
        seen: set[str] = set()
        while ref is not None and ref.kind == "named" and ref.key not in seen:
            seen.add(ref.key)
            decl = self.index.type(ref.name)
            if decl is None or decl.kind not in ("ALIAS", "SUBRANGE", "ARRAY") or decl.base is None:
                return ref
            ref = decl.base
        return ref

    def members_of_type(self, type_ref: TypeRef | None) -> Target | str | None:
        """What a variable of this type is: a POU (FB), a TypeDecl, a std FB, or None."""
        type_ref = self.resolve_type(type_ref)
        while type_ref is not None and type_ref.kind in ("pointer", "reference", "array"):
            type_ref = self.resolve_type(type_ref.element)
        if type_ref is None or type_ref.kind != "named":
            return None
        name = type_ref.name.split(".")[-1]
        return (
            self.index.pou(name)
            or self.index.type(name)
            or stdlib.function_block(name)
            or None
        )


class Resolver:
    """Resolves the names in one file's POU bodies against the workspace index."""

    def __init__(self, analysis: StAnalysis) -> None:
        self.a = analysis
        self.st = analysis.tree
        self.index = analysis.index
        self._lookups: dict[tuple[str, int], tuple[RefKind, Target]] = {}
        self._refs = analysis.refs
        self._by_node = analysis._by_node
        self._met: list[Node] = []
        """Nodes of :data:`BODY_NODE_TYPES` met in the statements being resolved."""

    # -- scope lookup -------------------------------------------------------------------
    def lookup(self, name: str, pou: Pou) -> tuple[RefKind, Target]:
        """Resolve an unqualified name inside ``pou`` (memoized: the index does not change
        during one analysis)."""
        memo = (name, id(pou))
        found = self._lookups.get(memo)
        if found is None:
            found = self._lookups[memo] = self._lookup(name, pou)
        return found

    def _lookup(self, name: str, pou: Pou) -> tuple[RefKind, Target]:
        key = name.upper()
        scope: Pou | None = pou
        while scope is not None:
            iface = self.index.interface_of(scope)
            if key in iface.vars:
                return "var", iface.vars[key]
            if key == scope.key:
                return "pou", scope
            if scope.kind in ("FUNCTION_BLOCK", "PROGRAM", "INTERFACE"):
                member = self.index.member_of_pou(scope, name)
                if isinstance(member, VarDecl):
                    return "var", member
                if isinstance(member, Pou):
                    return "pou", member
            scope = scope.parent
        var = self.index.global_var(name)
        if var is not None:
            return "var", var
        found_pou = self.index.pou(name)
        if found_pou is not None:
            return "pou", found_pou
        typ = self.index.type(name)
        if typ is not None:
            return "type", typ
        gvl = self.index.gvl(name)
        if gvl is not None:
            return "gvl", gvl
        fb = stdlib.function_block(name)
        if fb is not None:
            return "std_fb", fb
        fn = stdlib.function(name)
        if fn is not None:
            return "std_fn", fn
        if key in stdlib.ELEMENTARY_TYPES:
            return "std_type", None
        if key in BUILTINS:
            return "builtin", None
        value = self.index.enum_value(name)
        if value is not None:
            return "enum", value
        return "unknown", None

    def member(self, obj: Ref | None, name: str) -> tuple[RefKind, Target]:
        """Resolve ``name`` as a member of an already resolved object."""
        if obj is None or obj.kind in ("unknown", "library"):
            return "library" if obj is not None else "unknown", None
        target = obj.target
        if obj.kind == "gvl" and isinstance(target, Gvl):
            var = target.vars.get(name.upper())
            return ("var", var) if var else ("unknown", None)
        if obj.kind == "type" and isinstance(target, TypeDecl):
            value = self.index.field_of_type(target, name)
            return ("enum", value) if value else ("unknown", None)
        if obj.kind == "pou" and isinstance(target, Pou):
            if target.kind in ("PROGRAM", "FUNCTION_BLOCK", "INTERFACE"):
                member = self.index.member_of_pou(target, name)
                if isinstance(member, VarDecl):
                    return "var", member
                if isinstance(member, Pou):
                    return "pou", member
            else:
                param = self.index.interface_of(target).vars.get(name.upper())
                if param is not None:
                    return "var", param
            return "unknown", None
        if obj.kind == "std_fb" and isinstance(target, stdlib.FunctionBlockDef):
            return self._member_of(target, name)
        if obj.kind == "var" and isinstance(target, VarDecl):
            what = self.a.members_of_type(target.type)
            return self._member_of(what, name)
        return "builtin", None

    def _member_of(self, what: object, name: str) -> tuple[RefKind, Target]:
        if isinstance(what, Pou):
            member = self.index.member_of_pou(what, name)
            if isinstance(member, VarDecl):
                return "var", member
            if isinstance(member, Pou):
                return "pou", member
            return "unknown", None
        if isinstance(what, TypeDecl):
            value = self.index.field_of_type(what, name)
            return ("var", value) if value else ("unknown", None)
        if isinstance(what, stdlib.FunctionBlockDef):
            params = (*what.inputs, *what.outputs, *what.in_outs)
            known = any(p.name.upper() == name.upper() for p in params)
            return ("var", None) if known else ("unknown", None)
        return "builtin", None

    # -- the walk -----------------------------------------------------------------------
    def run(self) -> None:
        """Resolve every POU body and variable initialiser in the file."""
        body_nodes = self.a.body_nodes
        for pou in self.a.model.all_pous():
            met: list[Node] = []
            self._met = met
            for stmt in pou.body:
                self.statement(stmt, pou)
            if not any(stmt.has_error for stmt in pou.body):
                body_nodes[id(pou)] = met
            self._met = []  # initial values are not statements
            for decl in pou.vars.values():
                if decl.init is not None:
                    self.expression(decl.init, pou)

    def statement(self, node: Node, pou: Pou) -> None:
        """Resolve the names in one statement (recursively)."""
        kind = node.type
        if kind in BODY_NODE_TYPES:
            self._met.append(node)
        if kind == "assignment_statement" or kind == "reference_assignment_statement":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None:
                self.expression(left, pou, write=True)
            if right is not None:
                self.expression(right, pou, statement=node)
            return
        if kind == "for_statement":
            control = node.child_by_field_name("control")
            if control is not None:
                self.expression(control, pou, write=True)
            for fname in ("start", "end", "step"):
                sub = node.child_by_field_name(fname)
                if sub is not None:
                    self.expression(sub, pou)
            for stmt in node.children_by_field_name("body"):
                self.statement(stmt, pou)
            return
        if kind == "invocation_statement":
            for child in node.named_children:
                self.expression(child, pou, statement=node)
            return
        for i, child in enumerate(node.children):
            if not child.is_named:
                continue
            child_kind = child.type
            if (
                child_kind.endswith("_statement")
                or child_kind in ("elsif_clause", "else_clause", "case_clause")
                or node.field_name_for_child(i) in ("body", "consequence")
            ):
                self.statement(child, pou)
            elif child.type == "case_value":
                self.expression(child, pou)
            else:
                self.expression(child, pou)

    def expression(
        self, node: Node, pou: Pou, write: bool = False, statement: Node | None = None
    ) -> Ref | None:
        """Resolve an expression; returns the ref of its head when it names something."""
        kind = node.type
        if kind in BODY_NODE_TYPES:
            self._met.append(node)
        if kind == "identifier":
            name = self.st.text(node)
            ref_kind, target = self.lookup(name, pou)
            return self._record(node, name, ref_kind, target, pou, write)
        if node.named_child_count == 0:
            return None  # a literal or other token: every kind below needs a named child
        if kind == "qualified_identifier":
            parts = [c for c in node.named_children if c.type == "identifier"]
            obj: Ref | None = None
            for i, part in enumerate(parts):
                name = self.st.text(part)
                if obj is None:
                    ref_kind, target = self.lookup(name, pou)
                    if ref_kind == "unknown" and len(parts) > 1:
                        ref_kind = "library"
                else:
                    ref_kind, target = self.member(obj, name)
                obj = self._record(part, name, ref_kind, target, pou, write and i == len(parts) - 1,
                                   qualified=i > 0)
            return obj
        if kind == "member_access_expression":
            obj_node = node.child_by_field_name("object")
            member = node.child_by_field_name("member")
            obj = self.expression(obj_node, pou) if obj_node is not None else None
            if obj is not None and obj.kind == "unknown" and obj_node is not None and (
                obj_node.type == "identifier"
            ):
                obj.kind = "library"
            if obj_node is not None and obj_node.type == "dereference_expression":
                obj = self._deref_object(obj_node, pou)
            if member is None or member.type != "identifier":
                if member is not None:
                    self.expression(member, pou)
                return None
            name = self.st.text(member)
            ref_kind, target = self.member(obj, name)
            if obj is None:
                ref_kind = "builtin"
            return self._record(member, name, ref_kind, target, pou, write, qualified=True)
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            callee = self.expression(fn, pou) if fn is not None else None
            if callee is not None:
                if callee.kind == "unknown" and fn is not None and fn.type == "identifier":
                    callee.kind = "library"
                self.a.calls.append(Call(node, callee, pou, statement))
            if args is not None:
                self.arguments(args, pou, callee)
            return None
        if kind == "named_argument":
            self.argument(node, pou)
            return None
        if kind == "index_expression":
            obj_node = node.child_by_field_name("object")
            head = self.expression(obj_node, pou, write=write) if obj_node is not None else None
            for idx in node.children_by_field_name("index"):
                self.expression(idx, pou)
            return head
        if kind == "dereference_expression":
            # ``p^ := x`` writes what p points at; the pointer itself is only read.
            ptr = node.child_by_field_name("pointer")
            if ptr is not None:
                self.expression(ptr, pou)
            return None
        if kind == "structure_initializer":
            for f in node.named_children:
                value = f.child_by_field_name("value")
                if value is not None:
                    self.expression(value, pou)
            return None
        for child in node.named_children:
            self.expression(child, pou)
        return None

    def _deref_object(self, node: Node, pou: Pou) -> Ref | None:
        """The object of ``THIS^.x``, ``SUPER^.x`` or ``ptr^.x``."""
        ptr = node.child_by_field_name("pointer")
        if ptr is None:
            return None
        owner = pou
        while owner.parent is not None:
            owner = owner.parent
        if ptr.type == "this_expression":
            return Ref(ptr, "THIS", "pou", owner, pou)
        if ptr.type == "super_expression":
            base = self.index.pou(owner.extends) if owner.extends else None
            return Ref(ptr, "SUPER", "pou", base, pou) if base else None
        head = self.a.ref_at(ptr) if ptr.type == "identifier" else None
        return head

    def arguments(self, args: Node, pou: Pou, callee: Ref | None) -> None:
        """Resolve call arguments; formal parameter names resolve against the callee."""
        for arg in args.named_children:
            if arg.type == "named_argument":
                self.argument(arg, pou, callee)
            else:
                self.expression(arg, pou)

    def argument(self, arg: Node, pou: Pou, callee: Ref | None = None) -> None:
        """A formal argument ``name := value`` or output binding ``name => var``."""
        name = arg.child_by_field_name("name")
        if name is not None and callee is not None:
            text = self.st.text(name)
            kind, target = self.member(callee, text)
            ref = self._record(name, text, kind, target, pou, False, qualified=True)
            ref.read = False
        value = arg.child_by_field_name("value")
        is_output = any(c.type == "=>" for c in arg.children)
        if value is not None:
            self.expression(value, pou, write=is_output)

    def _record(
        self,
        node: Node,
        name: str,
        kind: RefKind,
        target: Target,
        pou: Pou,
        write: bool,
        qualified: bool = False,
    ) -> Ref:
        ref = Ref(node, name, kind, target, pou, write, not write, qualified)
        self._refs.append(ref)
        self._by_node[node.id] = ref
        return ref


def analyze(document: Document, tree: SyntaxTree, model: FileModel, index: StIndex) -> StAnalysis:
    """Resolve every name in a document."""
    analysis = StAnalysis(document=document, tree=tree, model=model, index=index)
    Resolver(analysis).run()
    return analysis
