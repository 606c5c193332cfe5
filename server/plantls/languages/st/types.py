"""Expression types for Structured Text.

:func:`type_of` gives the type of an expression node inside a POU body or an initial value:
literals (typed ones such as ``INT#5`` and ``T#5s`` included), names through the resolved refs,
member access, array elements, dereferences, calls (user functions and methods, standard
functions with generic types resolved from the arguments, conversions) and operators with the
IEC promotion rules. Whatever cannot be typed for certain gives ``None``, and every rule that
uses types stays silent then.

Types are computed once per node and kept in the analysis' memo, so rules may ask freely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from tree_sitter import Node

from plantls.core.positions import LineIndex
from plantls.languages.st import stdlib
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.model import Pou, TypeRef, VarDecl

Number = int | float

COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
LOGICAL = frozenset({"AND", "OR", "XOR", "&", "AND_THEN", "OR_ELSE"})
ARITHMETIC = frozenset({"+", "-", "*", "/", "MOD"})


# -- cached views of the standard library's type predicates (rules ask them very often) -----


@cache
def type_info(name: str) -> stdlib.ElementaryType | None:
    """The elementary type of that name (cached :func:`stdlib.type_info`)."""
    return stdlib.type_info(name)


@cache
def category(name: str) -> str:
    """The category of an elementary type (``signed``, ``real``, ...), or ``""``."""
    t = stdlib.type_info(name)
    return t.category if t is not None else ""


@cache
def canonical_type(name: str) -> str:
    """Cached :func:`stdlib.canonical_type`."""
    return stdlib.canonical_type(name)


@cache
def can_widen(src: str, dst: str) -> bool:
    """Cached :func:`stdlib.can_widen`."""
    return stdlib.can_widen(src, dst)


@cache
def matches_generic(name: str, generic: str) -> bool:
    """Cached :func:`stdlib.matches_generic`."""
    return stdlib.matches_generic(name, generic)


def is_elementary(name: str) -> bool:
    """An elementary type name."""
    return category(name) != ""


def is_bool(name: str) -> bool:
    """BOOL."""
    return category(name) == "bool"


def is_signed(name: str) -> bool:
    """SINT, INT, DINT, LINT."""
    return category(name) == "signed"


def is_integer(name: str) -> bool:
    """Signed and unsigned integers."""
    return category(name) in ("signed", "unsigned")


def is_real(name: str) -> bool:
    """REAL and LREAL."""
    return category(name) == "real"


def is_numeric(name: str) -> bool:
    """Integers and reals."""
    return category(name) in ("signed", "unsigned", "real")


def is_bit_string(name: str) -> bool:
    """BYTE, WORD, DWORD, LWORD."""
    return category(name) == "bit"


def is_duration(name: str) -> bool:
    """TIME and LTIME."""
    return category(name) == "time"


def is_date(name: str) -> bool:
    """Dates, times of day, dates and times."""
    return category(name) in ("date", "time_of_day")


@dataclass(frozen=True)
class StType:
    """The type of an expression.

    ``kind`` is ``elementary`` (``name`` is then the canonical elementary name, such as
    ``INT`` or ``STRING``), ``enum``, ``struct`` (structures and unions), ``fb`` (user or
    standard function block), ``interface``, ``array`` or ``pointer``. ``literal`` marks an
    untyped literal (``5``, ``1.5``, ``'text'``), whose type comes from where it is used;
    ``value`` is the value when it is statically known (literals, constants).
    """

    name: str
    """Elementary types: the canonical upper-case name; user types: the declared spelling."""
    kind: str = "elementary"
    literal: bool = False
    value: Number | None = None
    ref: TypeRef | None = field(default=None, compare=False)
    node: Node | None = field(default=None, compare=False)
    """For arrays: the ``array_type`` node that declares it (its bounds may be constants)."""
    scope: Pou | None = field(default=None, compare=False)
    """For arrays: the POU whose constants the bounds may name."""
    decl: object = field(default=None, compare=False)
    """The TypeDecl, Pou or stdlib.FunctionBlockDef behind a user or standard type."""

    @property
    def elementary(self) -> str | None:
        """The elementary type name, or None for other kinds."""
        return self.name if self.kind == "elementary" else None

    @property
    def key(self) -> str:
        """Upper-case name, for comparisons (IEC names are case-insensitive)."""
        return self.name.upper()

    @property
    def info(self) -> stdlib.ElementaryType | None:
        """The elementary type's data (range, size), or None."""
        return type_info(self.name) if self.kind == "elementary" else None

    def label(self) -> str:
        """How messages name the type."""
        if self.kind == "array" and self.ref is not None:
            return str(self.ref)
        return self.name


def elementary(name: str, value: Number | None = None, literal: bool = False) -> StType:
    """An elementary type by name (shared: StTypes are immutable, and building a frozen
    dataclass costs more than looking one up)."""
    if value is None and not literal:
        return _plain(name)
    if isinstance(value, float):  # 0.0 and -0.0 would share an entry
        return StType(canonical_type(name), value=value, literal=literal)
    return _valued(name, value, literal)


@cache
def _plain(name: str) -> StType:
    return StType(canonical_type(name))


@lru_cache(maxsize=4096, typed=True)  # typed: 1 and True are different values
def _valued(name: str, value: int | None, literal: bool) -> StType:
    return StType(canonical_type(name), value=value, literal=literal)


BOOL = elementary("BOOL")


# -- literals --------------------------------------------------------------------------------


def int_value(text: str) -> int | None:
    """The value of an integer literal (``-5``, ``1_000``, ``16#FF``, ``2#1010``)."""
    text = text.replace("_", "").strip()
    sign = 1
    if text[:1] in "+-" and text:
        sign = -1 if text[0] == "-" else 1
        text = text[1:].strip()
    try:
        if "#" in text:
            radix, _, digits = text.partition("#")
            return sign * int(digits, int(radix))
        return sign * int(text, 10)
    except ValueError:
        return None


def is_based(text: str) -> bool:
    """True for a literal written in base 2, 8 or 16 (a bit pattern)."""
    return "#" in text


def real_value(text: str) -> float | None:
    """The value of a real literal."""
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


@lru_cache(maxsize=4096, typed=True)
def _untyped_int(value: int) -> StType:
    for name in ("DINT", "LINT", "ULINT"):
        if stdlib.literal_fits(name, value):
            return elementary(name, value, literal=True)
    return elementary("LINT", value, literal=True)


_TIME_PREFIX = {
    "T": "TIME", "TIME": "TIME", "LT": "LTIME", "LTIME": "LTIME",
    "TOD": "TIME_OF_DAY", "TIME_OF_DAY": "TIME_OF_DAY",
    "LTOD": "LTIME_OF_DAY", "LTIME_OF_DAY": "LTIME_OF_DAY",
    "D": "DATE", "DATE": "DATE", "LD": "LDATE", "LDATE": "LDATE",
    "DT": "DATE_AND_TIME", "DATE_AND_TIME": "DATE_AND_TIME",
    "LDT": "LDATE_AND_TIME", "LDATE_AND_TIME": "LDATE_AND_TIME",
}


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?)(ms|us|ns|d|h|m|s)", re.IGNORECASE)
_MS_PER_UNIT = {"D": 86_400_000, "H": 3_600_000, "M": 60_000, "S": 1000, "MS": 1,
                "US": 1e-3, "NS": 1e-6}


def duration_ms(text: str) -> float | None:
    """The value of a duration literal (``T#1h30m``, ``LTIME#-5s``) in milliseconds."""
    body = text.split("#", 1)[-1].replace("_", "").strip()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    parts = _DURATION_PART.findall(body)
    if not parts or "".join(n + u for n, u in parts).upper() != body.upper():
        return None
    return sign * sum(float(n) * _MS_PER_UNIT[u.upper()] for n, u in parts)


def _time_literal(text: str) -> StType | None:
    prefix = text.split("#", 1)[0].strip().upper()
    name = _TIME_PREFIX.get(prefix)
    if name is None:
        return None
    value = duration_ms(text) if is_duration(name) else None
    return elementary(name, value)


def node_text(node: Node) -> str:
    """Source text of a node (works for nodes of any file's tree)."""
    raw = node.text
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    if op is None:
        return ""
    return " ".join(node_text(op).upper().split()).replace(" ", "_")


# -- the typer -------------------------------------------------------------------------------


class Typer:
    """Computes and caches expression types for one analysis."""

    def __init__(self, analysis: StAnalysis) -> None:
        self.a = analysis
        self.index = analysis.index
        self._types: dict[int, StType | None] = {}
        self._consts: dict[int, Number | None] = {}
        self._decls: dict[tuple[int, int], StType | None] = {}
        self._scopes: dict[int, Pou | None] = {}
        self._named: dict[str, StType | None] = {}
        self._original: LineIndex | None = None

    # -- declarations --------------------------------------------------------------------
    def of_decl(self, decl: VarDecl, scope: Pou | None = None) -> StType | None:
        """The type of a declared variable, with its value when it is a constant (cached)."""
        key = (id(decl), id(scope))
        if key in self._decls:
            return self._decls[key]
        self._decls[key] = None
        result = self._of_decl(decl, scope)
        self._decls[key] = result
        return result

    def _of_decl(self, decl: VarDecl, scope: Pou | None) -> StType | None:
        ref = decl.type
        node = None  # a named type's StType does not depend on the node (see of_ref)
        if decl.node is not None and ref is not None and ref.kind != "named":
            node = decl.node.child_by_field_name("type")
        t = self.of_ref(ref, node, scope)
        if t is None or not decl.constant or t.kind not in ("elementary", "enum"):
            return t
        value = self.const_of_decl(decl, scope)
        if value is None:
            return t
        return StType(t.name, t.kind, value=value, ref=t.ref, decl=t.decl)

    def of_ref(
        self, ref: TypeRef | None, node: Node | None = None, scope: Pou | None = None
    ) -> StType | None:
        """The type a declaration's TypeRef stands for (aliases and subranges followed).

        The type of a named reference depends on the name alone (``node`` and ``scope``
        are replaced by the alias's own when one is followed, and unused otherwise), so it
        is cached by name."""
        if ref is not None and ref.kind == "named":
            named = self._named
            if ref.name in named:
                return named[ref.name]
            result = self._of_ref(ref, node, scope)
            named[ref.name] = result
            return result
        return self._of_ref(ref, node, scope)

    def _of_ref(
        self, ref: TypeRef | None, node: Node | None, scope: Pou | None
    ) -> StType | None:
        seen: set[str] = set()
        while ref is not None and ref.kind == "named" and ref.key not in seen:
            seen.add(ref.key)
            typ = self.index.type(ref.name) if not is_elementary(ref.name) else None
            if typ is None or typ.kind not in ("ALIAS", "SUBRANGE", "ARRAY") or typ.base is None:
                break
            ref, node, scope = typ.base, typ.node.child_by_field_name("definition"), None
        if ref is None:
            return None
        if ref.kind == "string":
            return elementary(ref.name or "STRING")
        if ref.kind == "subrange":
            base = ref.name.split("(")[0].strip()
            return elementary(base) if is_elementary(base) else None
        if ref.kind == "array":
            return StType("ARRAY", "array", ref=ref, node=node, scope=scope)
        if ref.kind == "pointer":
            return StType("POINTER", "pointer", ref=ref)
        if ref.kind == "reference":
            # A reference is dereferenced implicitly wherever it is used as a value.
            target = node.child_by_field_name("target") if node is not None else None
            return self.of_ref(ref.element, target, scope)
        if ref.kind != "named":
            return None
        return self.of_name(ref.name)

    def of_name(self, name: str) -> StType | None:
        """The type a type name stands for: elementary, user type, FB or standard FB."""
        if is_elementary(name):
            return elementary(name)
        short = name.split(".")[-1]
        typ = self.index.type(short)
        if typ is not None:
            if typ.kind == "ENUM":
                return StType(typ.name, "enum", decl=typ)
            if typ.kind in ("STRUCT", "UNION"):
                return StType(typ.name, "struct", decl=typ)
            return self.of_ref(TypeRef("named", name=typ.name, text=typ.name))
        pou = self.index.pou(short)
        if pou is not None and pou.kind in ("FUNCTION_BLOCK", "INTERFACE"):
            kind = "fb" if pou.kind == "FUNCTION_BLOCK" else "interface"
            return StType(pou.name, kind, decl=pou)
        std = stdlib.function_block(short)
        if std is not None:
            return StType(std.name, "fb", decl=std)
        return None

    def scope_of(self, decl: VarDecl) -> Pou | None:
        """The POU that declares a variable (None for globals, fields and enum values);
        cached per declaration (the index does not change during one analysis)."""
        key = id(decl)
        if key in self._scopes:
            return self._scopes[key]
        found = self._scopes[key] = self._scope_of(decl)
        return found

    def _scope_of(self, decl: VarDecl) -> Pou | None:
        if decl.section in ("VAR_GLOBAL", "FIELD", "ENUM") or not decl.owner:
            return None
        head, _, member = decl.owner.partition(".")
        pou = self.index.pou(head)
        if pou is not None and member:
            return pou.members.get(member.upper())
        return pou

    # -- constants -----------------------------------------------------------------------
    def const_of_decl(self, decl: VarDecl, scope: Pou | None) -> Number | None:
        """The value of a CONSTANT variable whose initial value is statically known."""
        key = id(decl)
        if key in self._consts:
            return self._consts[key]
        self._consts[key] = None
        value = None
        if decl.constant and decl.init is not None and decl.init.is_named:
            value = self.const_value(decl.init, scope)
        self._consts[key] = value
        return value

    def lookup_const(self, name: str, scope: Pou | None) -> VarDecl | None:
        """A CONSTANT variable visible by name from ``scope`` (locals first, then globals)."""
        key = name.upper()
        cur = scope
        while cur is not None:
            decl = self.index.interface_of(cur).vars.get(key)
            if decl is not None:
                return decl if decl.constant else None
            cur = cur.parent
        found = self.index.global_vars().get(key)
        if found and len(found) == 1 and found[0].constant:
            return found[0]
        return None

    def const_value(self, node: Node, scope: Pou | None) -> Number | None:
        """The value of a constant expression written in a declaration (or None)."""
        kind = node.type
        if kind in ("integer_literal", "real_literal", "typed_literal", "boolean_literal"):
            t = self.literal(node)
            return t.value if t is not None else None
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            return self.const_value(node.named_children[0], scope)
        if kind == "identifier":
            decl = self.lookup_const(node_text(node), scope)
            return self.const_of_decl(decl, self.scope_of(decl)) if decl else None
        if kind in ("qualified_identifier", "member_access_expression"):
            parts = node_text(node).split(".")
            gvl = self.index.gvl(parts[0]) if len(parts) == 2 else None
            decl = gvl.vars.get(parts[1].strip().upper()) if gvl is not None else None
            return self.const_of_decl(decl, None) if decl is not None else None
        if kind == "unary_expression":
            operand = node.child_by_field_name("operand")
            value = self.const_value(operand, scope) if operand is not None else None
            return _fold_unary(_operator(node), value)
        if kind == "binary_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return None
            lv, rv = self.const_value(left, scope), self.const_value(right, scope)
            return _fold_binary(_operator(node), lv, rv)
        return None

    # -- expressions ---------------------------------------------------------------------
    def type_of(self, node: Node, pou: Pou | None) -> StType | None:
        """The type of an expression node (cached)."""
        key = node.id
        if key in self._types:
            return self._types[key]
        self._types[key] = None
        result = None if node.has_error else self._compute(node, pou)
        if result is not None and node.type in _NAMED and _bits(result) and self._bit_access(node):
            result = BOOL
        self._types[key] = result
        return result

    def _bit_access(self, node: Node) -> bool:
        """Whether the user wrote ``node.3`` where dialect handling blanked the ``.3``."""
        tree = self.a.tree
        end = node.end_byte
        if tree.data[end : end + 1] not in (b" ", b"\t"):
            return False
        if tree.same_offsets:  # the user's text at the same offset, no line index needed
            return _BIT_SUFFIX.match(tree.original or tree.source, end) is not None
        if self._original is None:
            self._original = LineIndex(tree.original or tree.source)
        pos = tree.lines.from_byte_point(*node.end_point)
        line = self._original.line_text(pos.line)
        return _BIT_SUFFIX.match(line, pos.character) is not None

    def _compute(self, node: Node, pou: Pou | None) -> StType | None:
        kind = node.type
        if kind.endswith("_literal"):
            return self.literal(node)
        if kind == "parenthesized_expression":
            inner = node.named_children
            return self.type_of(inner[0], pou) if len(inner) == 1 else None
        if kind == "identifier":
            return self.identifier(node, pou)
        if kind == "qualified_identifier":
            parts = [c for c in node.named_children if c.type == "identifier"]
            return self.identifier(parts[-1], pou) if parts else None
        if kind == "member_access_expression":
            return self.member(node, pou)
        if kind == "index_expression":
            return self.index_expr(node, pou)
        if kind == "dereference_expression":
            ptr = node.child_by_field_name("pointer")
            t = self.type_of(ptr, pou) if ptr is not None else None
            if t is None or t.kind != "pointer" or t.ref is None:
                return None
            return self.of_ref(t.ref.element, None, None)
        if kind == "call_expression":
            return self.call(node, pou)
        if kind == "unary_expression":
            return self.unary(node, pou)
        if kind == "binary_expression":
            return self.binary(node, pou)
        return None

    def literal(self, node: Node) -> StType | None:
        """The type (and value) of a literal node."""
        kind = node.type
        text = node_text(node)
        if kind == "integer_literal":
            value = int_value(text)
            return _untyped_int(value) if value is not None else None
        if kind == "real_literal":
            fvalue = real_value(text)
            return elementary("LREAL", fvalue, literal=True) if fvalue is not None else None
        if kind == "boolean_literal":
            return elementary("BOOL", 1 if text.strip().upper() == "TRUE" else 0)
        if kind == "string_literal":
            return elementary("WSTRING" if text.startswith('"') else "STRING", literal=True)
        if kind in ("time_literal", "time_of_day_literal", "date_literal",
                    "date_and_time_literal"):
            return _time_literal(text)
        if kind == "typed_literal":
            return self.typed_literal(node)
        return None

    def typed_literal(self, node: Node) -> StType | None:
        """``INT#5``, ``REAL#1.5``, ``BOOL#1``, ``STRING#'x'``, ``E_Mode#Run``."""
        type_node = node.child_by_field_name("type")
        value_node = node.child_by_field_name("value")
        if type_node is None or value_node is None:
            return None
        name = node_text(type_node)
        if not is_elementary(name):
            t = self.of_name(name)
            return t if t is not None and t.kind == "enum" else None
        inner = self.literal(value_node)
        value = inner.value if inner is not None else None
        if is_bool(name) and value_node.type == "boolean_literal":
            return elementary(name, value)
        return elementary(name, value)

    def identifier(self, node: Node, pou: Pou | None) -> StType | None:
        """A name: a variable, an enum value, or a function or property used as its result."""
        ref = self.a.ref_at(node)
        if ref is None:
            decl = self.lookup_const(node_text(node), pou)
            return self.of_decl(decl, self.scope_of(decl)) if decl is not None else None
        target = ref.target
        if ref.kind == "var" and isinstance(target, VarDecl):
            return self.of_decl(target, self.scope_of(target))
        if ref.kind == "enum" and isinstance(target, VarDecl):
            return self.of_ref(target.type)
        if ref.kind == "pou" and isinstance(target, Pou):
            if target.kind in ("FUNCTION", "METHOD", "PROPERTY") and _encloses(target, ref.pou):
                return self.of_ref(target.return_type, None, target)
            if target.kind == "PROPERTY":
                return self.of_ref(target.return_type, None, target)
        return None

    def member(self, node: Node, pou: Pou | None) -> StType | None:
        """``a.b``: a field, FB input or output, enum value, property, or bit access."""
        obj = node.child_by_field_name("object")
        member = node.child_by_field_name("member")
        if obj is None or member is None:
            return None
        if member.type == "integer_literal" or _PERCENT_BIT.fullmatch(node_text(member)):
            base = self.type_of(obj, pou)
            base_name = base.elementary if base is not None else None
            ok = base_name is not None and (
                is_bit_string(base_name) or is_integer(base_name)
            )
            return BOOL if ok else None
        if member.type != "identifier":
            return None
        ref = self.a.ref_at(member)
        if ref is None:
            return None
        target = ref.target
        if isinstance(target, VarDecl):
            if ref.kind == "enum":
                return self.of_ref(target.type)
            return self.of_decl(target, self.scope_of(target))
        if isinstance(target, Pou) and target.kind == "PROPERTY":
            return self.of_ref(target.return_type, None, target)
        if ref.kind == "var" and target is None:
            owner = self.type_of(obj, pou)
            if owner is not None and isinstance(owner.decl, stdlib.FunctionBlockDef):
                param = owner.decl.param(node_text(member))
                if param is not None and is_elementary(param.type):
                    return elementary(param.type)
        return None

    def index_expr(self, node: Node, pou: Pou | None) -> StType | None:
        """``a[i, j]``: the element type of an array."""
        obj = node.child_by_field_name("object")
        base = self.type_of(obj, pou) if obj is not None else None
        if base is not None and _bits(base) and len(indices(node)) == 1:
            return BOOL  # ``x.3`` written by dialect handling as ``x[3]``
        if base is None or base.kind != "array" or base.ref is None:
            return None
        count = len(indices(node))
        if count != max(1, len(base.ref.bounds)):
            return None
        element_node = base.node.child_by_field_name("element_type") if base.node else None
        return self.of_ref(base.ref.element, element_node, base.scope)

    def array_bounds(self, t: StType) -> list[tuple[int | None, int | None]]:
        """Each dimension's bounds of an array type; constants are evaluated, ``*`` is None."""
        if t.ref is None:
            return []
        bounds = list(t.ref.bounds)
        ranges = t.node.children_by_field_name("range") if t.node is not None else []
        out: list[tuple[int | None, int | None]] = []
        for i, (lo, hi) in enumerate(bounds):
            rng = ranges[i] if i < len(ranges) else None
            if rng is not None:
                lo = lo if lo is not None else self._bound(rng.child_by_field_name("lower"), t)
                hi = hi if hi is not None else self._bound(rng.child_by_field_name("upper"), t)
            out.append((lo, hi))
        return out

    def _bound(self, node: Node | None, t: StType) -> int | None:
        if node is None:
            return None
        value = self.const_value(node, t.scope)
        return value if isinstance(value, int) else None

    # -- calls ---------------------------------------------------------------------------
    def call(self, node: Node, pou: Pou | None) -> StType | None:
        """The result of a function or method call."""
        fn = node.child_by_field_name("function")
        if fn is None:
            return None
        head = fn
        if fn.type == "member_access_expression":
            head = fn.child_by_field_name("member") or fn
        elif fn.type == "qualified_identifier":
            parts = [c for c in fn.named_children if c.type == "identifier"]
            head = parts[-1] if parts else fn
        ref = self.a.ref_at(head)
        if ref is None:
            return None
        target = ref.target
        if ref.kind == "std_fn" and isinstance(target, stdlib.FunctionDef):
            return self.std_call(target, node, pou)
        if isinstance(target, Pou) and target.kind in ("FUNCTION", "METHOD"):
            return self.of_ref(target.return_type, None, target)
        return None

    def call_arguments(self, node: Node) -> list[tuple[str | None, Node]]:
        """A call's arguments as (formal name or None, value node); outputs left out."""
        args = node.child_by_field_name("arguments")
        out: list[tuple[str | None, Node]] = []
        if args is None:
            return out
        for arg in args.named_children:
            if arg.type == "named_argument":
                if any(c.type == "=>" for c in arg.children):
                    continue
                name = arg.child_by_field_name("name")
                value = arg.child_by_field_name("value")
                if value is not None:
                    out.append((node_text(name).upper() if name is not None else None, value))
            elif arg.type != "comment":
                out.append((None, arg))
        return out

    def std_call(self, f: stdlib.FunctionDef, node: Node, pou: Pou | None) -> StType | None:
        """A standard function's result; generic results come from the arguments' types."""
        if not stdlib.is_generic(f.return_type):
            return elementary(f.return_type) if is_elementary(f.return_type) else None
        params = list(f.params)
        by_name = {p.name.upper(): p for p in params}
        relevant: list[StType] = []
        for i, (name, value) in enumerate(self.call_arguments(node)):
            if name is not None:
                param = by_name.get(name)
            elif i < len(params):
                param = params[i]
            else:
                param = params[-1] if f.variadic and params else None
            if param is None:
                return None
            if param.type != f.return_type:
                continue
            t = self.type_of(value, pou)
            if t is None:
                return None
            relevant.append(t)
        return _common(relevant, f.return_type)

    # -- operators -----------------------------------------------------------------------
    def unary(self, node: Node, pou: Pou | None) -> StType | None:
        """``NOT x``, ``-x``, ``+x``."""
        operand = node.child_by_field_name("operand")
        t = self.type_of(operand, pou) if operand is not None else None
        if t is None or t.kind != "elementary":
            return None
        op = _operator(node)
        if op == "NOT":
            ok = matches_generic(t.name, "ANY_BIT") or is_integer(t.name)
            return StType(t.name, literal=t.literal, value=_fold_unary(op, t.value)) if ok else None
        if op in ("-", "+"):
            if not (is_numeric(t.name) or is_duration(t.name)):
                return None
            value = _fold_unary(op, t.value)
            if t.literal and isinstance(value, int):
                return _untyped_int(value)
            return StType(t.name, literal=t.literal, value=value)
        return None

    def binary(self, node: Node, pou: Pou | None) -> StType | None:
        """A binary operation: comparisons give BOOL, arithmetic the wider operand type."""
        op = _operator(node)
        if op in COMPARISONS:
            return BOOL
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return None
        lt, rt = self.type_of(left, pou), self.type_of(right, pou)
        if lt is None or rt is None or lt.kind != "elementary" or rt.kind != "elementary":
            return None
        if op in LOGICAL:
            return _logical(lt, rt)
        if op in ARITHMETIC:
            return _arithmetic(op, lt, rt)
        if op == "**":
            if is_real(lt.name) and not lt.literal:
                return lt
            return None
        return None


# -- promotion -------------------------------------------------------------------------------


def _fold_unary(op: str, value: Number | None) -> Number | None:
    if value is None:
        return None
    if op == "-":
        return -value
    if op == "+":
        return value
    return None


def _fold_binary(op: str, lv: Number | None, rv: Number | None) -> Number | None:
    if lv is None or rv is None:
        return None
    if op == "+":
        return lv + rv
    if op == "-":
        return lv - rv
    if op == "*":
        return lv * rv
    if op == "/" and rv != 0:
        if isinstance(lv, int) and isinstance(rv, int):
            q = abs(lv) // abs(rv)
            return q if (lv >= 0) == (rv >= 0) else -q
        return lv / rv
    if op == "MOD" and rv != 0 and isinstance(lv, int) and isinstance(rv, int):
        r = abs(lv) % abs(rv)
        return r if lv >= 0 else -r
    return None


def _mixed_sign(a: str, b: str) -> bool:
    """A signed and an unsigned integer where neither widens to the other."""
    signs = {is_signed(a), is_signed(b)}
    both_int = is_integer(a) and is_integer(b)
    return both_int and signs == {True, False} and not (
        can_widen(a, b) or can_widen(b, a)
    )


def wider(a: str, b: str) -> str | None:
    """The type of an operation on two typed operands (IEC promotion), or None."""
    if a == b:
        return a
    if is_real(a) or is_real(b):
        if not (is_numeric(a) and is_numeric(b)):
            return None
        reals = [t for t in (a, b) if is_real(t)]
        return "LREAL" if "LREAL" in reals else "REAL"
    if _mixed_sign(a, b):
        return None
    if can_widen(a, b):
        return b
    if can_widen(b, a):
        return a
    return None


def _combine(lt: StType, rt: StType, value: Number | None) -> StType | None:
    """Two numeric operands: a literal takes the other operand's type."""
    if lt.literal and rt.literal:
        if isinstance(value, int):
            return _untyped_int(value)
        if is_real(lt.name) or is_real(rt.name):
            return elementary("LREAL", value, literal=True)
        return None
    if lt.literal or rt.literal:
        typed, lit = (rt, lt) if lt.literal else (lt, rt)
        if is_real(lit.name) and is_integer(typed.name):
            return elementary("REAL")
        return StType(typed.name, value=value)
    name = wider(lt.name, rt.name)
    return StType(name, value=value) if name else None


def _arithmetic(op: str, lt: StType, rt: StType) -> StType | None:
    a, b = lt.name, rt.name
    value = _fold_binary(op, lt.value, rt.value)
    if is_numeric(a) and is_numeric(b):
        if op == "MOD" and not (is_integer(a) and is_integer(b)):
            return None
        return _combine(lt, rt, value)
    if is_duration(a) and is_duration(b) and op in ("+", "-"):
        return elementary(wider(a, b) or "LTIME")
    if is_duration(a) and is_numeric(b) and op in ("*", "/"):
        return lt
    if is_numeric(a) and is_duration(b) and op == "*":
        return rt
    if is_date(a) and is_duration(b) and op in ("+", "-"):
        return lt
    if is_date(a) and a == b and op == "-":
        return elementary("LTIME" if a.startswith("L") else "TIME")
    return None


def _logical(lt: StType, rt: StType) -> StType | None:
    a, b = lt.name, rt.name
    if is_bool(a) and is_bool(b):
        return BOOL
    bitwise = ("ANY_BIT", "ANY_INT")
    if not all(any(matches_generic(t, g) for g in bitwise) for t in (a, b)):
        return None
    if is_bool(a) or is_bool(b):
        return None if not (lt.literal or rt.literal) else (rt if lt.literal else lt)
    if lt.literal and rt.literal:
        return None
    if lt.literal or rt.literal:
        return StType(rt.name if lt.literal else lt.name)
    name = wider(a, b)
    return elementary(name) if name else None


def _common(types: list[StType], generic: str) -> StType | None:
    """The common type of a generic function's arguments (literals adapt)."""
    if not types:
        return None
    if any(t.kind != "elementary" for t in types):
        first = types[0]
        same = all(t.kind == first.kind and t.key == first.key for t in types)
        return first if same and first.kind in ("enum", "struct") else None
    if not all(matches_generic(t.name, generic) for t in types):
        return None
    typed = [t for t in types if not t.literal]
    if not typed:
        return StType(types[0].name, literal=True)
    name: str | None = typed[0].name
    for t in typed[1:]:
        name = wider(name, t.name) if name is not None else None
    if name is None:
        return None
    if any(is_real(t.name) for t in types if t.literal) and is_integer(name):
        return None
    return elementary(name)


_NAMED = frozenset({
    "identifier", "qualified_identifier", "member_access_expression", "index_expression",
})
_BIT_SUFFIX = re.compile(r"\.(%X)?\d")
_PERCENT_BIT = re.compile(r"[_%]X\d+", re.IGNORECASE)
"""``x.%X3`` (dialect handling writes the ``%`` as ``_``)."""


def _bits(t: StType) -> bool:
    """An integer or bit string, whose single bits may be accessed as ``x.3``."""
    return t.kind == "elementary" and (is_integer(t.name) or is_bit_string(t.name))


def indices(node: Node) -> list[Node]:
    """The index expressions of an ``index_expression`` (separators left out)."""
    return [n for n in node.children_by_field_name("index") if n.is_named]


def _encloses(target: Pou, pou: Pou | None) -> bool:
    cur = pou
    while cur is not None:
        if cur is target:
            return True
        cur = cur.parent
    return False




# -- public entry points ---------------------------------------------------------------------


def typer(analysis: StAnalysis) -> Typer:
    """The analysis' typer (created once, cached in its memo)."""
    found = analysis.memo.get("st.types")
    if isinstance(found, Typer):
        return found
    t = Typer(analysis)
    analysis.memo["st.types"] = t
    return t


def type_of(node: Node, pou: Pou | None, analysis: StAnalysis) -> StType | None:
    """The type of an expression node inside ``pou`` (None when it is not known for sure)."""
    return typer(analysis).type_of(node, pou)

