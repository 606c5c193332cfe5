"""ST3xx: types and conversions.

Every rule here works on expression types from :mod:`plantls.languages.st.types` and stays
silent where a type is not known for certain (library types, pointers, generic parameters).
The places the rules look at (assignments, initial values, call arguments, operators,
conditions, array indices) are collected in one walk per file and shared by all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.st import stdlib
from plantls.languages.st import types as T
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.index import StIndex
from plantls.languages.st.model import Pou, VarDecl
from plantls.languages.st.rules.base import BODY_NODE_TYPES, StRule, typed_pou_nodes
from plantls.languages.st.syntax import walk
from plantls.languages.st.types import StType, Typer, indices, node_text, typer

# -- where values flow -----------------------------------------------------------------------


@dataclass
class Flow:
    """A value that goes into a typed place: an assignment, initial value or argument."""

    dst: StType
    src: Node
    pou: Pou | None
    place: str | Node
    """The variable's name (``init``), the assigned expression (``assign``) or the formal
    parameter's name node (``arg``)."""
    kind: str
    """``assign``, ``init`` or ``arg``."""
    callee: Node | None = None
    """For ``arg``: the called function or block."""

    @property
    def target(self) -> str:
        """How messages name the place (``nCount``, ``parameter PT of fbDelay``): worked out
        only for the flows a rule reports."""
        place = self.place
        if isinstance(place, str):
            return place
        if self.kind == "arg" and self.callee is not None:
            return f"parameter {node_text(place)} of {short(node_text(self.callee))}"
        return short(node_text(place))


@dataclass
class Sites:
    """Everything the type rules look at in one file, found in one walk."""

    flows: list[Flow] = field(default_factory=list)
    binaries: list[tuple[Node, Pou]] = field(default_factory=list)
    conditions: list[tuple[Node, Pou, str]] = field(default_factory=list)
    indexes: list[tuple[Node, Pou]] = field(default_factory=list)
    typed_literals: list[tuple[Node, Pou | None]] = field(default_factory=list)
    calls: list[tuple[Node, Pou]] = field(default_factory=list)
    array_inits: list[tuple[VarDecl, list[Node], Pou | None]] = field(default_factory=list)


def short(text: str, limit: int = 40) -> str:
    """Source text on one line, shortened for a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SITE_KINDS = frozenset(
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
    }
)
"""The node types :meth:`_Collector.body` records."""
assert _SITE_KINDS <= BODY_NODE_TYPES


class _Collector:
    """Walks bodies and declarations once and fills :class:`Sites`."""

    def __init__(self, analysis: StAnalysis) -> None:
        self.a = analysis
        self.t: Typer = typer(analysis)
        self.sites = Sites()

    def run(self) -> Sites:
        """Collect every site of the file."""
        model = self.a.model
        for pou in model.all_pous():
            for decl in pou.vars.values():
                self.declaration(decl, pou)
            self.body(typed_pou_nodes(self.a, pou), pou)
        for gvl in model.gvls.values():
            for decl in gvl.vars.values():
                self.declaration(decl, None)
        for typ in model.types.values():
            for decl in typ.fields.values():
                self.declaration(decl, None)
        return self.sites

    def declaration(self, decl: VarDecl, pou: Pou | None) -> None:
        """An initial value."""
        init = decl.init
        if init is None or decl.node is None or decl.node.has_error:
            return
        dst = self.t.of_decl(decl, pou)
        if not init.is_named:
            elements = [
                n for n in decl.node.children_by_field_name("initial_value") if n.is_named
            ]
            self.sites.array_inits.append((decl, elements, pou))
        elif dst is not None:
            self.sites.flows.append(Flow(dst, init, pou, decl.name, "init"))
        if init.child_count == 0:
            return  # a plain literal or name (a typed literal has children)
        for node in walk(init):
            if node.type == "typed_literal":
                self.sites.typed_literals.append((node, pou))

    def body(self, nodes: list[Node], pou: Pou) -> None:
        """Every site among the nodes of a POU body (in document order)."""
        s = self.sites
        for node in nodes:
            kind = node.type
            if kind not in _SITE_KINDS:
                continue
            if kind.endswith("_statement") and node.has_error:
                continue
            if kind == "assignment_statement":
                self.assignment(node, pou)
            elif kind == "binary_expression":
                s.binaries.append((node, pou))
            elif kind == "index_expression":
                s.indexes.append((node, pou))
            elif kind == "typed_literal":
                s.typed_literals.append((node, pou))
            elif kind == "call_expression":
                s.calls.append((node, pou))
                self.arguments(node, pou)
            elif kind in ("if_statement", "elsif_clause", "while_statement", "repeat_statement"):
                cond = node.child_by_field_name("condition")
                if cond is not None:
                    keyword = {"elsif_clause": "ELSIF", "while_statement": "WHILE",
                               "repeat_statement": "UNTIL"}.get(kind, "IF")
                    s.conditions.append((cond, pou, keyword))

    def assignment(self, node: Node, pou: Pou) -> None:
        """``x := value``."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or node.has_error:
            return
        dst = self.t.type_of(left, pou)
        if dst is not None:
            self.sites.flows.append(Flow(dst, right, pou, left, "assign"))

    def arguments(self, call: Node, pou: Pou) -> None:
        """Formal input arguments ``Name := value`` of a call with a known callee."""
        args = call.child_by_field_name("arguments")
        fn = call.child_by_field_name("function")
        if args is None or fn is None or call.has_error:
            return
        for arg in args.named_children:
            if arg.type != "named_argument" or any(c.type == "=>" for c in arg.children):
                continue
            name, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
            if name is None or value is None:
                continue
            dst = self.param_type(fn, name, pou)
            if dst is not None:
                self.sites.flows.append(Flow(dst, value, pou, name, "arg", fn))

    def param_type(self, fn: Node, name: Node, pou: Pou) -> StType | None:
        """The declared type of a formal input parameter (None for in-outs and unknowns)."""
        ref = self.a.ref_at(name)
        if ref is not None and isinstance(ref.target, VarDecl):
            decl = ref.target
            if decl.section != "VAR_INPUT":
                return None
            return self.t.of_decl(decl, self.t.scope_of(decl))
        callee = self.t.type_of(fn, pou)
        if callee is not None and isinstance(callee.decl, stdlib.FunctionBlockDef):
            param = callee.decl.param(node_text(name))
            if param is not None and param in callee.decl.inputs:
                return StType(T.canonical_type(param.type))
        return None


BinaryParts = tuple[Node, Pou, "str | None", "Node | None", "Node | None"]


def binary_parts(analysis: StAnalysis) -> list[BinaryParts]:
    """Each binary operation of the file with its operator's text (None without one) and
    its operands, read from the tree once per analysis for the rules that look at them."""
    found = analysis.memo.get("st.binary-parts")
    if isinstance(found, list):
        return found
    out: list[BinaryParts] = []
    for node, pou in sites(analysis).binaries:
        op = node.child_by_field_name("operator")
        out.append(
            (
                node,
                pou,
                node_text(op) if op is not None else None,
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            )
        )
    analysis.memo["st.binary-parts"] = out
    return out


def sites(analysis: StAnalysis) -> Sites:
    """The file's sites (collected once per analysis)."""
    found = analysis.memo.get("st.type-sites")
    if isinstance(found, Sites):
        return found
    result = _Collector(analysis).run()
    analysis.memo["st.type-sites"] = result
    return result


# -- type relations --------------------------------------------------------------------------


def _fits(t: stdlib.ElementaryType, value: int | float, based: bool = False) -> bool:
    """Whether a value lies in a type's range; a based literal may fill a signed type's bits."""
    if t.min is None or t.max is None:
        return True
    if t.category == "real":
        return -t.max <= value <= t.max
    if not isinstance(value, int) and not float(value).is_integer():
        return False
    if based and t.category == "signed" and 0 <= value < 2**t.bits:
        return True
    return t.min <= value <= t.max


def narrowing(src: str, dst: str) -> bool:
    """An implicit conversion that can lose values (not a signed/unsigned change)."""
    s, d = T.type_info(src), T.type_info(dst)
    if s is None or d is None or s.name == d.name:
        return False
    if s.category == "real" and d.category in ("signed", "unsigned"):
        return True
    same_family = s.category == d.category and s.category in (
        "signed", "unsigned", "real", "bit", "time", "date", "time_of_day"
    )
    return same_family and s.bits > d.bits


def sign_change(src: str, dst: str) -> bool:
    """An integer going between signed and unsigned without a safe widening."""
    return (
        T.is_integer(src)
        and T.is_integer(dst)
        and T.is_signed(src) != T.is_signed(dst)
        and not T.can_widen(src, dst)
    )


def _value_fits(src: StType, dst: str) -> bool:
    info = T.type_info(dst)
    return src.value is not None and info is not None and _fits(info, src.value)


def _range_text(info: stdlib.ElementaryType) -> str:
    if info.category == "real":
        return f"±{info.max:.4g}"
    return f"{info.min}..{info.max}"


_INCOMPATIBLE_FAMILY = {
    "bool": "BOOL", "signed": "number", "unsigned": "number", "real": "number", "bit": "number",
    "time": "duration", "date": "date", "time_of_day": "date", "string": "text", "char": "text",
}


def incompatible(dst: StType, src: StType, index: StIndex) -> bool:
    """Whether ``src`` has no implicit conversion to ``dst`` (False when unsure)."""
    skip = ("array", "pointer", "fb", "interface")
    if dst.kind in skip or src.kind in skip:
        return False
    if dst.kind == "enum":
        if src.kind == "enum":
            return src.key != dst.key
        if src.kind == "elementary" and T.is_integer(src.name):
            return not src.literal
        return True
    if dst.kind == "struct":
        if src.kind == "struct":
            return src.key != dst.key and not _related(dst.key, src.key, index)
        return not src.literal
    if dst.kind != "elementary" or src.kind == "enum":
        return False  # INT := enum is allowed (CODESYS outside strict mode)
    if src.kind == "struct":
        return True
    return src.kind == "elementary" and _elementary_mismatch(dst.name, src)


def _elementary_mismatch(dst: str, src: StType) -> bool:
    d, s = T.type_info(dst), T.type_info(src.name)
    if d is None or s is None:
        return False
    df, sf = _INCOMPATIBLE_FAMILY.get(d.category), _INCOMPATIBLE_FAMILY.get(s.category)
    if df is None or sf is None or df == sf:
        return False
    if src.literal and sf == "number" and df in ("duration", "date", "BOOL"):
        return False  # ``tDelay := 500`` and ``bFlag := 1`` are accepted by some compilers
    if df == "BOOL" and s.category == "bit":
        return False
    if sf == "BOOL" and df == "number":
        return False
    return not (s.category == "char" and df == "number")


def _related(a: str, b: str, index: StIndex) -> bool:
    """Whether one structure extends the other."""
    for x, y in ((a, b), (b, a)):
        cur = index.type(x)
        seen: set[str] = set()
        while cur is not None and cur.key not in seen:
            seen.add(cur.key)
            if cur.key == y:
                return True
            cur = index.type(cur.extends) if cur.extends else None
    return False


def describe(t: StType) -> str:
    """A type as messages name it: ``INT``, ``enumeration E_Mode``, ``structure ST_Axis``."""
    if t.kind == "enum":
        return f"enumeration {t.name}"
    if t.kind == "struct":
        return f"structure {t.name}"
    return t.label()


# -- rules -----------------------------------------------------------------------------------


class ImplicitNarrowing(StRule):
    """ST301."""

    code = "ST301"
    name = "implicit-narrowing"
    summary = "A value of a wider type is stored in a narrower one without a conversion"
    doc = RuleDoc(
        why=(
            "Storing a DINT in an INT, a REAL in a DINT or an LREAL in a REAL can lose the "
            "value: an integer that does not fit wraps around (a count of 40 000 becomes "
            "-25 536), a REAL loses its fraction and an LREAL its precision. The compiler "
            "converts silently or only warns, and the wrong value goes to a drive, a "
            "setpoint or a recipe."
        ),
        example=(
            "VAR\n    nTotal : DINT;\n    nDisplay : INT;\n    fFlow : REAL;\nEND_VAR\n"
            "nDisplay := nTotal;        // DINT into INT\n"
            "nDisplay := fFlow * 10.0;  // REAL into INT"
        ),
        fix=(
            "Make the target wide enough, or convert explicitly after checking the range, so "
            "the reader sees that the narrowing is intended:\n\n"
            "    nDisplay := DINT_TO_INT(LIMIT(-32768, nTotal, 32767));\n"
            "    nDisplay := REAL_TO_INT(fFlow * 10.0);"
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report every flow from a wider elementary type into a narrower one."""
        t = typer(analysis)
        for flow in sites(analysis).flows:
            dst = flow.dst.elementary
            src = t.type_of(flow.src, flow.pou)
            if dst is None or src is None or src.kind != "elementary":
                continue
            if src.literal:
                if T.is_real(src.name) and T.is_integer(dst):
                    yield self.finding(
                        analysis.tree.range(flow.src),
                        f"REAL literal {node_text(flow.src).strip()} {_verb(flow)} {dst} "
                        f"{flow.target}: the fraction is lost",
                    )
                continue
            if not narrowing(src.name, dst) or _value_fits(src, dst):
                continue
            if flow.src.type.endswith("_literal"):
                continue  # a typed literal says what it is; ST306 checks its range
            yield self.finding(
                analysis.tree.range(flow.src),
                f"{src.name} value {_verb(flow)} {dst} {flow.target}: {_loss(src.name, dst)}",
            )


def _verb(flow: Flow) -> str:
    return "passed to" if flow.kind == "arg" else "assigned to"


def _loss(src: str, dst: str) -> str:
    d = T.type_info(dst)
    if T.is_real(src) and T.is_integer(dst) and d is not None:
        return f"the fraction is lost and values outside {_range_text(d)} do not fit"
    if T.is_real(src):
        return "precision and range are lost"
    if d is not None and d.min is not None:
        return f"values outside {_range_text(d)} do not fit"
    return "long values do not fit"


class SignedUnsignedMix(StRule):
    """ST302."""

    code = "ST302"
    name = "signed-unsigned-mix"
    summary = "Signed and unsigned integers are mixed in one operation or assignment"
    doc = RuleDoc(
        why=(
            "A signed and an unsigned integer of the same width cover different ranges: -1 "
            "in a DINT is 4 294 967 295 in a UDINT. Comparing or combining them, or copying "
            "one into the other, gives wrong results exactly when a value is negative or "
            "large: a level check that never trips, a position that jumps."
        ),
        example=(
            "VAR\n    nSetpoint : INT;\n    nRaw : UINT;\n    nPos : DINT;\n    nCounts : UDINT;\n"
            "END_VAR\n"
            "IF nSetpoint > nRaw THEN ...   // INT compared with UINT\n"
            "nPos := nCounts;               // UDINT into DINT"
        ),
        fix=(
            "Convert one side explicitly into a type that holds both ranges, e.g. "
            "`UINT_TO_DINT(nRaw)`, or declare both variables with the same signedness."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report mixed operands and mixed assignments."""
        t = typer(analysis)
        s = sites(analysis)
        for node, pou, op, left, right in binary_parts(analysis):
            if op is None or op.upper() not in ("+", "-", "*", "/", "MOD", "=",
                                                "<>", "<", ">", "<=", ">="):
                continue
            if left is None or right is None:
                continue
            lt, rt = t.type_of(left, pou), t.type_of(right, pou)
            if not _typed_int(lt) or not _typed_int(rt):
                continue
            assert lt is not None and rt is not None
            if sign_change(lt.name, rt.name) and sign_change(rt.name, lt.name):
                yield self.finding(
                    analysis.tree.range(node),
                    f"{lt.name} {short(node_text(left), 24)} and {rt.name} "
                    f"{short(node_text(right), 24)} mix signed and unsigned in "
                    f"'{op}'",
                )
        for flow in s.flows:
            dst = flow.dst.elementary
            src = t.type_of(flow.src, flow.pou)
            if dst is None or not _typed_int(src):
                continue
            assert src is not None
            if sign_change(src.name, dst) and not _value_fits(src, dst):
                yield self.finding(
                    analysis.tree.range(flow.src),
                    f"{src.name} value {_verb(flow)} {dst} {flow.target}: signed and "
                    "unsigned cover different ranges",
                )


def _typed_int(t: StType | None) -> bool:
    return t is not None and t.kind == "elementary" and not t.literal and T.is_integer(
        t.name
    )


class _EqualityRule(StRule):
    """Shared check of ST303 and ST304: ``=`` or ``<>`` on one family of types."""

    def family(self, name: str) -> bool:
        """Whether an operand type belongs to the family the rule is about."""
        raise NotImplementedError

    def exempt(self, left: StType, right: StType) -> bool:
        """Comparisons that are exact and intended (besides those with a constant 0)."""
        return False

    def message(self, t: StType, op: str, left: str, right: str) -> str:
        """The finding's text."""
        raise NotImplementedError

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report ``=`` and ``<>`` with an operand of the family.

        A comparison with a constant 0 is exact (the usual guard before a division, or a
        parameter left unset) and is not reported; neither is ``x = x`` (a NaN test).
        """
        t = typer(analysis)
        for node, pou, op, left, right in binary_parts(analysis):
            if op is None or op not in ("=", "<>"):
                continue
            if left is None or right is None or node_text(left) == node_text(right):
                continue
            lt, rt = t.type_of(left, pou), t.type_of(right, pou)
            if lt is None or rt is None or lt.kind != "elementary" or rt.kind != "elementary":
                continue
            if (lt.literal and rt.literal) or 0 in (lt.value, rt.value) or self.exempt(lt, rt):
                continue
            hit = next((x for x in (lt, rt) if not x.literal and self.family(x.name)), None)
            if hit is None:
                continue
            yield self.finding(
                analysis.tree.range(node),
                self.message(hit, op, short(node_text(left), 24), short(node_text(right), 24)),
            )


class RealEquality(_EqualityRule):
    """ST303."""

    code = "ST303"
    name = "real-equality"
    summary = "REAL or LREAL values compared with = or <>"
    doc = RuleDoc(
        why=(
            "Floating-point values carry rounding errors: 0.1 + 0.2 is not exactly 0.3, and a "
            "scaled analog value almost never hits a setpoint exactly. `=` on REAL is then "
            "FALSE when it should be TRUE, so a step never advances or an alarm never clears."
            "\n\nComparisons with a constant 0 (the guard before a division) and `x = x` (a "
            "NaN test) are exact and are not reported."
        ),
        example="IF fLevel = fSetpoint THEN\n    bFull := TRUE;\nEND_IF",
        fix=(
            "Compare against a tolerance, or use `>=`/`<=` when a threshold is meant:\n\n"
            "    IF ABS(fLevel - fSetpoint) < 0.01 THEN"
        ),
    )

    def family(self, name: str) -> bool:
        """REAL and LREAL."""
        return T.is_real(name)

    def message(self, t: StType, op: str, left: str, right: str) -> str:
        """The finding's text."""
        return (f"'{op}' compares {t.name} values ({left} {op} {right}): rounding makes exact "
                "equality unreliable; compare against a tolerance")


class TimeEquality(_EqualityRule):
    """ST304."""

    code = "ST304"
    name = "time-equality"
    summary = "A TIME or LTIME value compared with = or <> to a fixed duration"
    doc = RuleDoc(
        why=(
            "Elapsed times advance in steps of the task cycle, not in single milliseconds. "
            "`tElapsed = T#5S` is TRUE only if one scan happens to land exactly on 5 s, which "
            "depends on the cycle time and jitter, so the action runs on some machines and "
            "not on others.\n\n"
            "Only comparisons with a fixed, non-zero duration are reported: comparing two "
            "TIME variables (an expected and an actual value) or checking for `T#0S` (a "
            "parameter left unset, a timer that was reset) is exact."
        ),
        example="IF fbDelay.ET = T#5S THEN\n    bHorn := TRUE;\nEND_IF",
        fix="Use `>=` (or the timer's Q output) instead of `=`:\n\n    IF fbDelay.ET >= T#5S THEN",
    )

    def family(self, name: str) -> bool:
        """TIME and LTIME."""
        return T.is_duration(name)

    def exempt(self, left: StType, right: StType) -> bool:
        """Two values that are neither of them a fixed duration."""
        fixed = [x for x in (left, right) if x.value is not None or x.literal]
        return not fixed or _fixed_time(left) == _fixed_time(right)

    def message(self, t: StType, op: str, left: str, right: str) -> str:
        """The finding's text."""
        return (f"'{op}' compares {t.name} values ({left} {op} {right}) with a fixed duration: "
                "times advance in cycle-sized steps and rarely hit an exact value; use >= or <=")


def _fixed_time(t: StType) -> bool:
    return t.literal or t.value is not None


class DivisionByZero(StRule):
    """ST305."""

    code = "ST305"
    name = "division-by-constant-zero"
    severity = Severity.ERROR
    summary = "Division or MOD by a constant zero"
    doc = RuleDoc(
        why=(
            "An integer division by zero stops many PLCs with an exception (the CPU goes to "
            "STOP); a REAL division gives infinity, which then spreads through every "
            "calculation that uses it. A divisor that is the literal 0, or a CONSTANT "
            "declared as 0, is always such a division."
        ),
        example=(
            "VAR CONSTANT\n    cScale : INT := 0;\nEND_VAR\n"
            "nPerBox := nParts / cScale;"
        ),
        fix="Use the intended divisor, and guard divisors that can become 0 at run time.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report ``/`` and ``MOD`` (operators and DIV/MOD calls) by a known 0."""
        t = typer(analysis)
        s = sites(analysis)
        for _node, pou, op, _left, right in binary_parts(analysis):
            if op is None or right is None or op.upper() not in ("/", "MOD"):
                continue
            yield from self._divisor(analysis, t, right, pou, op.upper())
        for node, pou in s.calls:
            fn = node.child_by_field_name("function")
            ref = analysis.ref_at(fn) if fn is not None else None
            if ref is None or ref.kind != "std_fn" or ref.name.upper() not in ("DIV", "MOD"):
                continue
            args = t.call_arguments(node)
            if len(args) == 2:
                yield from self._divisor(analysis, t, args[1][1], pou, ref.name.upper())

    def _divisor(
        self, analysis: StAnalysis, t: Typer, node: Node, pou: Pou, op: str
    ) -> Iterator[Diagnostic]:
        divisor = t.type_of(node, pou)
        if divisor is None or divisor.value is None or divisor.value != 0:
            return
        what = "division" if op in ("/", "DIV") else "MOD"
        literal = node.type.endswith("_literal") or divisor.literal
        text = "is 0" if literal else f"{short(node_text(node))} is a constant 0"
        yield self.finding(analysis.tree.range(node), f"{what} by zero: the divisor {text}")


class LiteralOutOfRange(StRule):
    """ST306."""

    code = "ST306"
    name = "literal-out-of-range"
    severity = Severity.ERROR
    summary = "A literal does not fit the type it is given"
    doc = RuleDoc(
        why=(
            "A number too large or too negative for its type is either rejected by the "
            "compiler or, worse, silently wrapped around: 300 in a SINT becomes 44, -1 in a "
            "USINT becomes 255. A limit, a preset or a recipe value then is not what the "
            "code says."
        ),
        example="VAR\n    nSpeed : SINT := 300;\n    nMask : USINT;\nEND_VAR\nnMask := -1;",
        fix=(
            "Use a type that holds the value (INT, DINT, UDINT) or correct the value. For a "
            "bit pattern, use a bit-string type and a based literal such as `16#FF`."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report typed literals and literals assigned to a typed place that do not fit."""
        t = typer(analysis)
        s = sites(analysis)
        for node, pou in s.typed_literals:
            lit = t.type_of(node, pou)
            value_node = node.child_by_field_name("value")
            info = lit.info if lit is not None else None
            if lit is None or info is None or lit.value is None or value_node is None:
                continue
            if not _fits(info, lit.value, based="#" in node_text(value_node)):
                yield self.finding(
                    analysis.tree.range(node),
                    f"{node_text(node)} is out of range for {info.name} ({_range_text(info)})",
                )
        for flow in s.flows:
            found = self._flow(analysis, t, flow.dst, flow.src, flow.pou, flow)
            if found is not None:
                yield found
        for decl, elements, pou in s.array_inits:
            dst = t.of_decl(decl, pou)
            if dst is None or dst.kind != "array" or dst.ref is None:
                continue
            element = t.of_ref(dst.ref.element)
            if element is None:
                continue
            for node in elements:
                found = self._flow(analysis, t, element, node, pou, f"element of {decl.name}")
                if found is not None:
                    yield found

    def _flow(
        self, analysis: StAnalysis, t: Typer, dst: StType, node: Node, pou: Pou | None,
        target: str | Flow,
    ) -> Diagnostic | None:
        info = dst.info
        if info is None or info.category not in ("signed", "unsigned", "bit", "real"):
            return None
        plain = node
        if plain.type == "unary_expression" and plain.named_child_count == 1:
            plain = plain.named_children[0]
        if plain.type not in ("integer_literal", "real_literal"):
            return None
        src = t.type_of(node, pou)
        if src is None or not src.literal or src.value is None:
            return None
        if info.category != "real" and plain.type == "real_literal":
            return None  # ST301 reports a REAL literal stored in an integer
        if _fits(info, src.value, based="#" in node_text(plain)):
            return None
        if isinstance(target, Flow):
            target = target.target
        return self.finding(
            analysis.tree.range(node),
            f"{short(node_text(node))} is out of range for {info.name} {target} "
            f"({_range_text(info)})",
        )


class IndexOutOfBounds(StRule):
    """ST307."""

    code = "ST307"
    name = "constant-index-out-of-bounds"
    severity = Severity.ERROR
    summary = "A constant array index lies outside the declared bounds"
    doc = RuleDoc(
        why=(
            "An index outside the bounds reads or overwrites whatever memory follows the "
            "array: another variable, a timer, a pointer. Without bounds checking the PLC "
            "keeps running with corrupted data; with it, it stops. A constant index that is "
            "out of bounds is always wrong, typically after the array was resized or when "
            "1-based and 0-based counting are mixed."
        ),
        example=(
            "VAR\n    aTemps : ARRAY[0..9] OF REAL;\nEND_VAR\n"
            "aTemps[10] := fInlet;  // the last element is aTemps[9]"
        ),
        fix="Use an index inside the bounds, or enlarge the array (ideally with a constant).",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Check each constant index against statically known bounds."""
        t = typer(analysis)
        for node, pou in sites(analysis).indexes:
            obj = node.child_by_field_name("object")
            if obj is None or obj.type == "dereference_expression":
                continue
            base = t.type_of(obj, pou)
            if base is None or base.kind != "array":
                continue
            bounds = t.array_bounds(base)
            idx = indices(node)
            if len(idx) != len(bounds):
                continue
            for dim, (index, (lo, hi)) in enumerate(zip(idx, bounds, strict=True)):
                value = t.type_of(index, pou)
                v = value.value if value is not None else None
                if not isinstance(v, int) or lo is None or hi is None or lo <= v <= hi:
                    continue
                where = f" in dimension {dim + 1}" if len(bounds) > 1 else ""
                yield self.finding(
                    analysis.tree.range(index),
                    f"index {v}{where} is outside the bounds {lo}..{hi} of "
                    f"{short(node_text(obj))} ({base.label()})",
                )


class NonBoolCondition(StRule):
    """ST308."""

    code = "ST308"
    name = "non-bool-condition"
    severity = Severity.ERROR
    summary = "The condition of IF, ELSIF, WHILE or UNTIL is not BOOL"
    doc = RuleDoc(
        why=(
            "Structured Text has no 'non-zero means true': a condition must be BOOL. An INT "
            "or WORD condition is rejected by strict compilers and, where a dialect accepts "
            "it, hides what was meant: `IF nErrors THEN` may mean `nErrors <> 0` or "
            "`nErrors > 0`."
        ),
        example="IF nAlarmCount THEN\n    bHorn := TRUE;\nEND_IF",
        fix="Write the comparison out: `IF nAlarmCount <> 0 THEN`.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report conditions whose type is known and is not BOOL."""
        t = typer(analysis)
        for cond, pou, keyword in sites(analysis).conditions:
            ct = t.type_of(cond, pou)
            if ct is None or ct.kind not in ("elementary", "enum", "struct"):
                continue
            if ct.kind == "elementary" and T.is_bool(ct.name):
                continue
            yield self.finding(
                analysis.tree.range(cond),
                f"{keyword} condition {short(node_text(cond))} is {ct.label()}, not BOOL",
            )


class IncompatibleAssignment(StRule):
    """ST309."""

    code = "ST309"
    name = "incompatible-assignment"
    severity = Severity.ERROR
    summary = "A value is assigned to a variable of an incompatible type"
    doc = RuleDoc(
        why=(
            "Some assignments have no meaningful implicit conversion: a number into a STRING "
            "or a BOOL, a TIME into an INT, one structure or enumeration into another, an "
            "integer into an enumeration. Compilers reject most of them; where a dialect "
            "accepts one, the result depends on its internal representation (a TIME "
            "becomes milliseconds, an enum takes any number, including ones that name no "
            "value).\n\n"
            "An enumeration value assigned to an integer is accepted: CODESYS and TwinCAT "
            "allow it outside strict mode and it is common in real code. So is an integer "
            "literal assigned to an enumeration (`eState := 10;`), which those compilers "
            "accept for enumerations without the 'strict' attribute; an integer variable "
            "or expression is reported. Pointers, "
            "references, interfaces, FB instances and types from libraries plantls cannot "
            "see are not checked, and narrowing or signed/unsigned changes are left to "
            "ST301 and ST302."
        ),
        example=(
            "VAR\n    sMessage : STRING;\n    nCount : INT;\n    tDelay : TIME;\n"
            "    eMode : E_Mode;\nEND_VAR\n"
            "sMessage := nCount;  // INT into STRING\n"
            "tDelay := nCount;    // INT into TIME\n"
            "eMode := nCount;     // INT into an enumeration"
        ),
        fix=(
            "Convert explicitly with the conversion that says what is meant: "
            "`INT_TO_STRING(nCount)`, `DINT_TO_TIME(nSeconds * 1000)`, or a CASE that maps "
            "numbers to enumeration values."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report flows between incompatible types."""
        t = typer(analysis)
        for flow in sites(analysis).flows:
            src = t.type_of(flow.src, flow.pou)
            if src is None:
                continue
            if not incompatible(flow.dst, src, analysis.index):
                continue
            yield self.finding(
                analysis.tree.range(flow.src),
                f"{describe(src)} value {_verb(flow)} {describe(flow.dst)} {flow.target}",
            )


RULES: list[StRule] = [
    ImplicitNarrowing(),
    SignedUnsignedMix(),
    RealEquality(),
    TimeEquality(),
    DivisionByZero(),
    LiteralOutOfRange(),
    IndexOutOfBounds(),
    NonBoolCondition(),
    IncompatibleAssignment(),
]
