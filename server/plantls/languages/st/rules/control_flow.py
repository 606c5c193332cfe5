"""ST2xx: control flow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from tree_sitter import Node

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.model import Pou, TypeDecl, VarDecl
from plantls.languages.st.rules.base import BODY_NODE_TYPES, StRule, pou_nodes, typed_pou_nodes
from plantls.languages.st.syntax import walk

UNNECESSARY = ("unnecessary",)
JUMPS = ("return_statement", "exit_statement", "continue_statement")
LOOPS = ("for_statement", "while_statement", "repeat_statement")
BRANCH_FIELDS = ("body", "consequence", "alternative")
MAX_LISTED = 6

Value = bool | int | float


# -- shared helpers -----------------------------------------------------------------------------
INDEXED_TYPES = frozenset(
    {
        "case_statement",
        "for_statement",
        "if_statement",
        "elsif_clause",
        "while_statement",
        "repeat_statement",
        *JUMPS,
    }
)
"""Node types that :func:`nodes_of_type` serves from one table per analysis."""
assert INDEXED_TYPES <= BODY_NODE_TYPES


def _nodes_by_type(analysis: StAnalysis) -> dict[str, list[tuple[Pou, Node, int]]]:
    """The body nodes of :data:`INDEXED_TYPES`, with their place in the walk (one pass)."""
    by_type: dict[str, list[tuple[Pou, Node, int]]] | None = analysis.memo.get("nodes_by_type")
    if by_type is None:
        by_type = {kind: [] for kind in INDEXED_TYPES}
        get = by_type.get
        seq = 0
        for pou in analysis.model.all_pous():
            for node in typed_pou_nodes(analysis, pou):
                found = get(node.type)
                if found is not None:
                    found.append((pou, node, seq))
                seq += 1
        analysis.memo["nodes_by_type"] = by_type
    return by_type


def nodes_of_type(analysis: StAnalysis, *types: str) -> Iterator[tuple[Pou, Node]]:
    """Body nodes of the given types in every POU of the file (POU by POU, in order)."""
    if all(kind in INDEXED_TYPES for kind in types):
        by_type = _nodes_by_type(analysis)
        if len(types) == 1:
            for pou, node, _seq in by_type[types[0]]:
                yield pou, node
            return
        found = [entry for kind in set(types) for entry in by_type[kind]]
        found.sort(key=lambda entry: entry[2])
        for pou, node, _seq in found:
            yield pou, node
        return
    for pou in analysis.model.all_pous():
        for node in pou_nodes(analysis, pou):
            if node.type in types:
                yield pou, node


def keyword(node: Node) -> Node:
    """The first token of a statement or clause (IF, CASE, ELSE ...)."""
    return node.children[0] if node.children else node


def statement_lists(pou: Pou) -> Iterator[list[Node]]:
    """Each run of statements that execute one after another: bodies, branches, loop bodies."""
    groups: dict[int, list[Node]] = {}
    for stmt in pou.body:
        parent = stmt.parent
        groups.setdefault(parent.id if parent is not None else 0, []).append(stmt)
    yield from groups.values()
    for stmt in pou.body:
        for node in walk(stmt):
            if node.child_count == 0 or (
                node.child_by_field_name("body") is None
                and node.child_by_field_name("consequence") is None
                and node.child_by_field_name("alternative") is None
            ):
                continue  # no statement list under it (most nodes: tokens, expressions)
            per_field: dict[str, list[Node]] = {}
            for i, child in enumerate(node.children):
                fname = node.field_name_for_child(i)
                if fname in BRANCH_FIELDS and child.is_named:
                    per_field.setdefault(fname, []).append(child)
            yield from per_field.values()


def lists_holding(pou: Pou, nodes: list[Node]) -> list[list[Node]]:
    """The lists of :func:`statement_lists` that hold one of ``nodes`` (statements inside the
    POU's body) as an element, each once, found from the nodes' parents instead of a walk
    over the whole body."""
    top = {stmt.id for stmt in pou.body}
    seen: set[tuple[int, str]] = set()
    out: list[list[Node]] = []
    for node in nodes:
        parent = node.parent
        if node.id in top:  # a run of the body itself: its statements with the same parent
            key = (_parent_id(node), "")
            if key not in seen:
                seen.add(key)
                out.append([stmt for stmt in pou.body if _parent_id(stmt) == key[0]])
            continue
        if parent is None:
            continue
        children = parent.children
        fields = [parent.field_name_for_child(i) for i in range(len(children))]
        fname = next((f for c, f in zip(children, fields, strict=True) if c.id == node.id), None)
        if fname not in BRANCH_FIELDS or not node.is_named:
            continue  # not in a statement list (a labelled statement's, an ERROR's child)
        key = (parent.id, fname)
        if key not in seen:
            seen.add(key)
            out.append(
                [c for c, f in zip(children, fields, strict=True) if f == fname and c.is_named]
            )
    return out


def _parent_id(node: Node) -> int:
    parent = node.parent
    return parent.id if parent is not None else 0


def integer_text(text: str) -> int | None:
    """The value of an integer literal (``16#FF``, ``2#1010``, ``1_000``, ``-5``)."""
    text = text.replace("_", "").strip()
    if "#" in text:
        head, _, digits = text.rpartition("#")
        sign = -1 if digits.startswith("-") else 1
        digits = digits.lstrip("+-")
        radix = head.rsplit("#", 1)[-1]
        base = int(radix) if radix.isdigit() else 10
        try:
            return sign * int(digits, base)
        except ValueError:
            return None
    try:
        return int(text)
    except ValueError:
        return None


@dataclass
class Evaluation:
    """The value of a constant expression and whether named constants took part."""

    value: Value | None
    named: bool = False


class ConstantEvaluator:
    """Folds literals, CONSTANT variables and enum values into numbers and booleans."""

    BINARY: ClassVar[dict[str, Callable[[Any, Any], Any]]] = {
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "=": lambda a, b: a == b,
        "<>": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b,
        "AND": lambda a, b: a and b if isinstance(a, bool) else a & b,
        "&": lambda a, b: a and b if isinstance(a, bool) else a & b,
        "OR": lambda a, b: a or b if isinstance(a, bool) else a | b,
        "XOR": lambda a, b: a != b if isinstance(a, bool) else a ^ b,
    }

    def __init__(self, analysis: StAnalysis) -> None:
        self.a = analysis
        self.named = False

    def evaluate(self, node: Node) -> Evaluation:
        """Evaluate ``node``; ``value`` is None when it is not a constant expression."""
        self.named = False
        value = self.value(node, 0)
        return Evaluation(value, self.named)

    def value(self, node: Node, depth: int) -> Value | None:
        """The constant value of an expression node, or None."""
        if depth > 8:
            return None
        kind = node.type
        if kind == "boolean_literal":
            return self.a.tree.text(node).strip().upper().endswith("TRUE")
        if kind == "integer_literal":
            return integer_text(self.a.tree.text(node))
        if kind == "real_literal":
            try:
                return float(self.a.tree.text(node).replace("_", ""))
            except ValueError:
                return None
        if kind == "typed_literal":
            inner = node.child_by_field_name("value")
            type_node = node.child_by_field_name("type")
            value = self.value(inner, depth + 1) if inner is not None else None
            if type_node is not None and self.a.tree.text(type_node).upper() == "BOOL":
                return bool(value) if value is not None else None
            return value
        if kind == "parenthesized_expression":
            inner_nodes = node.named_children
            return self.value(inner_nodes[0], depth + 1) if inner_nodes else None
        if kind == "unary_expression":
            return self._unary(node, depth)
        if kind == "binary_expression":
            return self._binary(node, depth)
        if kind in ("identifier", "member_access_expression"):
            return self._named(node, depth)
        return None

    def _unary(self, node: Node, depth: int) -> Value | None:
        op = node.child_by_field_name("operator")
        operand = node.child_by_field_name("operand")
        if op is None or operand is None:
            return None
        value = self.value(operand, depth + 1)
        if value is None:
            return None
        sign = self.a.tree.text(op).upper()
        if sign == "NOT":
            return (not value) if isinstance(value, bool) else None
        if sign == "-" and not isinstance(value, bool):
            return -value
        return value

    def _binary(self, node: Node, depth: int) -> Value | None:
        op = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if op is None or left is None or right is None:
            return None
        fn = self.BINARY.get(self.a.tree.text(op).upper())
        if fn is None:
            return None
        # an operand that is not constant makes the whole condition not constant (the
        # ``named`` flag the other operand might set is then not read)
        a = self.value(left, depth + 1)
        if a is None:
            return None
        b = self.value(right, depth + 1)
        if b is None:
            return None
        if isinstance(a, bool) != isinstance(b, bool):
            return None
        try:
            result = fn(a, b)
        except (TypeError, ValueError, ArithmeticError):
            return None
        return result if isinstance(result, bool | int | float) else None

    def _named(self, node: Node, depth: int) -> Value | None:
        """A CONSTANT variable or an enum value with a known number."""
        target_node = node.child_by_field_name("member") if node.type != "identifier" else node
        ref = self.a.ref_at(target_node) if target_node is not None else None
        decl = ref.target if ref is not None else None
        if not isinstance(decl, VarDecl) or not decl.constant:
            return None
        value: Value | None = None
        if decl.section == "ENUM":
            typ = self.a.index.type(decl.owner)
            value = enum_numbers(self.a, typ).get(decl.key) if typ is not None else None
        elif decl.init is not None and decl.uri == self.a.model.uri:
            value = self.value(decl.init, depth + 1)
        else:
            value = None
        if value is not None:
            self.named = True
        return value


def enum_numbers(analysis: StAnalysis, typ: TypeDecl) -> dict[str, int]:
    """Numbers of an enum's values (implicit ones count on from the previous), where known."""
    cache: dict[int, dict[str, int]] = analysis.memo.setdefault("enum_numbers", {})
    found = cache.get(id(typ))
    if found is not None:
        return found
    found = {}
    previous: int | None = -1
    for key, value in typ.values.items():
        if value.init is not None:
            text = value.init.text.decode("utf-8", "replace") if value.init.text else ""
            previous = integer_text(text)
        elif previous is not None:
            previous += 1
        if previous is not None:
            found[key] = previous
    cache[id(typ)] = found
    return found


def enum_of_subject(analysis: StAnalysis, subject: Node) -> TypeDecl | None:
    """The enum type of a CASE selector that names a variable or property, if it has one."""
    node: Node | None = subject
    if node is not None and node.type == "member_access_expression":
        node = node.child_by_field_name("member")
    if node is None or node.type != "identifier":
        return None
    ref = analysis.ref_at(node)
    target = ref.target if ref is not None else None
    type_ref = None
    if isinstance(target, VarDecl):
        type_ref = target.type
    elif isinstance(target, Pou) and target.kind == "PROPERTY":
        type_ref = target.return_type
    resolved = analysis.resolve_type(type_ref)
    if resolved is None or resolved.kind != "named":
        return None
    typ = analysis.index.type(resolved.name)
    return typ if typ is not None and typ.kind == "ENUM" else None


def label_enum_value(analysis: StAnalysis, label: Node) -> VarDecl | None:
    """The enum value a CASE label names (``Idle`` or ``E_State.Idle``), if it names one."""
    node: Node | None = label
    if node is not None and node.type == "member_access_expression":
        node = node.child_by_field_name("member")
    if node is None or node.type != "identifier":
        return None
    ref = analysis.ref_at(node)
    target = ref.target if ref is not None else None
    return target if isinstance(target, VarDecl) and target.section == "ENUM" else None


def case_labels(node: Node) -> Iterator[Node]:
    """The label expressions of a CASE statement, in order."""
    for clause in node.named_children:
        if clause.type != "case_clause":
            continue
        for value in clause.named_children:
            if value.type == "case_value" and value.named_children:
                yield value.named_children[0]


def has_else(node: Node) -> bool:
    """True when a CASE or IF has an ELSE clause."""
    return any(c.type == "else_clause" for c in node.named_children)


# -- ST201 --------------------------------------------------------------------------------------
class CaseWithoutElse(StRule):
    """ST201."""

    code = "ST201"
    name = "case-without-else"
    summary = "CASE statement has no ELSE branch"
    doc = RuleDoc(
        why=(
            "When the selector takes a value that no label lists, a CASE without ELSE does "
            "nothing at all, silently. On a PLC that usually means a state machine stuck in "
            "a state nobody planned for, with no alarm and no way to see it from the HMI.\n\n"
            "A CASE over an enum variable is left to ST202, which knows the enum's values: "
            "one that lists every value needs no ELSE."
        ),
        example=(
            "CASE nStep OF\n    0: bValveOpen := FALSE;\n    10: bValveOpen := TRUE;\nEND_CASE"
        ),
        fix=(
            "Add an ELSE branch that handles the unexpected value: raise an alarm, go to a "
            "safe state, or at least record the value.\n\n"
            "    ELSE\n        bFault := TRUE;"
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Flag every CASE statement without an else clause, except over enums."""
        for _pou, node in nodes_of_type(analysis, "case_statement"):
            if has_else(node):
                continue
            subject = node.child_by_field_name("subject")
            if subject is not None and enum_of_subject(analysis, subject) is not None:
                continue
            text = analysis.tree.text(subject) if subject is not None else "the selector"
            yield self.finding(
                analysis.tree.range(keyword(node)),
                f"CASE {text} has no ELSE branch: other values of {text} do nothing",
            )


# -- ST202 --------------------------------------------------------------------------------------
class CaseMissingEnumValues(StRule):
    """ST202."""

    code = "ST202"
    name = "case-missing-enum-values"
    summary = "CASE over an enum lists only some of its values and has no ELSE"
    doc = RuleDoc(
        why=(
            "When someone adds a value to a state enum, every CASE over it needs a branch for "
            "the new state. Without one (and without ELSE) the machine enters the new state "
            "and does nothing there. plantls lists the values that have no branch.\n\n"
            "A CASE with an ELSE branch is not reported: ELSE is the explicit decision for the "
            "remaining values. Values that share a number with a listed value count as listed."
        ),
        example=(
            "TYPE E_Door : (Closed, Opening, Open, Closing); END_TYPE\n\n"
            "CASE eDoor OF\n"
            "    E_Door.Closed:  bMotorOpen := bOpenCmd;\n"
            "    E_Door.Open:    bMotorClose := bCloseCmd;\n"
            "END_CASE   (* Opening and Closing: nothing happens *)"
        ),
        fix="Add a branch for each missing value, or an ELSE branch that handles them.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Every CASE over an enum variable with values that no label names."""
        for _pou, node in nodes_of_type(analysis, "case_statement"):
            subject = node.child_by_field_name("subject")
            typ = enum_of_subject(analysis, subject) if subject is not None else None
            if typ is None or has_else(node):
                continue
            missing = self._missing(analysis, node, typ)
            if not missing:
                continue
            shown = ", ".join(missing[:MAX_LISTED])
            more = f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
            yield self.finding(
                analysis.tree.range(keyword(node)),
                f"CASE over {typ.name} has no branch for {shown}{more}, and no ELSE",
            )

    def _missing(self, analysis: StAnalysis, node: Node, typ: TypeDecl) -> list[str]:
        """Names of the values no label covers; empty when a label is not a plain enum value."""
        numbers = enum_numbers(analysis, typ)
        covered: set[str] = set()
        for label in case_labels(node):
            value = label_enum_value(analysis, label)
            if value is None or value.owner.upper() != typ.key:
                return []
            covered.add(value.key)
        covered_numbers = {numbers[k] for k in covered if k in numbers}
        return [
            v.name
            for k, v in typ.values.items()
            if k not in covered and numbers.get(k, object()) not in covered_numbers
        ]


# -- ST203 --------------------------------------------------------------------------------------
class UnreachableCode(StRule):
    """ST203."""

    code = "ST203"
    name = "unreachable-code"
    summary = "Statements follow RETURN, EXIT or CONTINUE in the same statement list"
    doc = RuleDoc(
        why=(
            "Statements right after RETURN, EXIT or CONTINUE never run. Either the jump was "
            "left in from commissioning or the code after it is believed to run when it does "
            "not: an output that is never reset, a counter that never counts. Not reported "
            "when a pragma (conditional compilation) or a label stands between them."
        ),
        example=("IF bAbort THEN\n    RETURN;\n    bBusy := FALSE;   (* never runs *)\nEND_IF"),
        fix="Move the statements before the jump, or delete them.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """The first unreachable statement of every statement list."""
        # only a list with a jump in it can have a finding: look at those lists alone
        jumps: dict[int, tuple[Pou, list[Node]]] = {}
        for kind in JUMPS:
            for pou, node in nodes_of_type(analysis, kind):
                jumps.setdefault(id(pou), (pou, []))[1].append(node)
        for pou, nodes in jumps.values():
            for stmts in lists_holding(pou, nodes):
                yield from self._in_list(analysis, stmts)

    def _in_list(self, analysis: StAnalysis, stmts: list[Node]) -> Iterator[Diagnostic]:
        for i, stmt in enumerate(stmts):
            if stmt.type not in JUMPS:
                continue
            rest = [s for s in stmts[i + 1 :] if s.type != "empty_statement"]
            if not rest or any(s.type == "labeled_statement" for s in rest):
                return
            if _pragma_between(stmt, rest[0]):
                return
            jump = keyword(stmt)
            yield self.finding(
                analysis.tree.range(rest[0]),
                f"unreachable: this statement follows {analysis.tree.text(jump).upper()} on "
                f"line {stmt.start_point[0] + 1}",
                tags=UNNECESSARY,
            )
            return


def _pragma_between(a: Node, b: Node) -> bool:
    """True when a pragma lies between two sibling statements."""
    node = a.next_sibling
    while node is not None and node.start_byte < b.start_byte:
        if node.type == "pragma":
            return True
        node = node.next_sibling
    return False


# -- ST204 --------------------------------------------------------------------------------------
class ForCounterModified(StRule):
    """ST204."""

    code = "ST204"
    name = "for-counter-modified"
    summary = "The counter of a FOR loop is assigned inside the loop"
    doc = RuleDoc(
        why=(
            "The FOR statement owns its counter: it steps it after every pass and compares it "
            "with the end value. Assigning it in the body (or using it as the counter of an "
            "inner loop) skips passes, repeats them or never ends the loop, and the PLC task "
            "then overruns its cycle and trips the watchdog."
        ),
        example=(
            "FOR i := 1 TO 10 DO\n"
            "    IF aValues[i] = 0 THEN\n"
            "        i := i + 1;   (* skips the next element and may pass 10 *)\n"
            "    END_IF\n"
            "END_FOR"
        ),
        fix=(
            "Use CONTINUE to skip a pass, EXIT to leave the loop, or a WHILE loop when the "
            "step really varies."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Every write to a FOR counter inside its own loop body."""
        for _pou, node in nodes_of_type(analysis, "for_statement"):
            control = node.child_by_field_name("control")
            ref = analysis.ref_at(control) if control is not None else None
            if ref is None or ref.target is None:
                continue
            for stmt in node.children_by_field_name("body"):
                for sub in walk(stmt):
                    if sub.type != "identifier":
                        continue
                    inner = analysis.ref_at(sub)
                    if inner is None or not inner.write or inner.qualified:
                        continue
                    if inner.target is ref.target:
                        yield self.finding(
                            analysis.tree.range(sub),
                            f"'{inner.name}' is the counter of the FOR loop on line "
                            f"{node.start_point[0] + 1}; assigning it inside the loop changes "
                            "how often the loop runs",
                        )


# -- ST205 --------------------------------------------------------------------------------------
class EmptyBranch(StRule):
    """ST205."""

    code = "ST205"
    name = "empty-branch"
    severity = Severity.INFORMATION
    summary = "An IF, ELSIF or ELSE branch has no statements"
    doc = RuleDoc(
        why=(
            "An empty branch is usually left over from editing, or a sign that the condition "
            "was meant the other way round. It does no harm at run time, so this is "
            "information, not a warning. A branch that holds only a comment is taken as "
            "deliberate (`(* nothing to do in manual mode *)`) and not reported."
        ),
        example=("IF bAuto THEN\n    ;\nELSE\n    nSpeed := 0;\nEND_IF"),
        fix=(
            "Delete the empty branch, or invert the condition (`IF NOT bAuto THEN`). Write a "
            "comment in it when it is empty on purpose."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Empty THEN, ELSIF and ELSE branches of every IF."""
        for _pou, node in nodes_of_type(analysis, "if_statement"):
            then_body = _then_branch(node)
            if _is_empty(then_body):
                yield self._finding(analysis, node, "IF")
            for clause in node.named_children:
                if clause.type not in ("elsif_clause", "else_clause"):
                    continue
                start = 2 if clause.type == "elsif_clause" else 1
                if _is_empty(_after_keyword(clause, start)):
                    word = "ELSIF" if clause.type == "elsif_clause" else "ELSE"
                    yield self._finding(analysis, clause, word)

    def _finding(self, analysis: StAnalysis, node: Node, word: str) -> Diagnostic:
        return self.finding(
            analysis.tree.range(keyword(node)),
            f"empty {word} branch",
            tags=UNNECESSARY,
        )


def _then_branch(node: Node) -> list[Node]:
    """Children between THEN and the first ELSIF/ELSE/END_IF."""
    out: list[Node] = []
    inside = False
    for child in node.children:
        if child.type == "THEN" and not inside:
            inside = True
            continue
        if not inside:
            continue
        if child.type in ("elsif_clause", "else_clause", "END_IF"):
            break
        out.append(child)
    return out


def _after_keyword(clause: Node, skip_tokens: int) -> list[Node]:
    """Children of an ELSIF/ELSE clause after its keyword (and condition, THEN)."""
    children = clause.children
    if clause.type == "elsif_clause":
        for i, child in enumerate(children):
            if child.type == "THEN":
                return children[i + 1 :]
        return []
    return children[skip_tokens:]


def _is_empty(nodes: list[Node]) -> bool:
    """True when a branch holds only empty statements (no statements, no comments, no errors)."""
    return all(n.type == "empty_statement" for n in nodes)


# -- ST206 --------------------------------------------------------------------------------------
@dataclass
class _Label:
    low: int | float
    high: int | float
    text: str
    node: Node


class DuplicateCaseLabel(StRule):
    """ST206."""

    code = "ST206"
    name = "duplicate-case-label"
    severity = Severity.ERROR
    summary = "Two CASE labels select the same value"
    doc = RuleDoc(
        why=(
            "A value may appear in only one branch of a CASE. When two labels cover it (the "
            "same number twice, a number inside a range, two overlapping ranges, an enum "
            "value twice or two enum values with the same number), the compiler rejects it, "
            "or only the first branch ever runs for it and the second is dead."
        ),
        example=(
            "CASE nStep OF\n"
            "    10: StartPump();\n"
            "    20..30: Fill();\n"
            "    25: Stir();   (* 25 is already in 20..30 *)\n"
            "END_CASE"
        ),
        fix="Give the value to one branch only: renumber the step or split the range.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Overlapping labels in each CASE, reported on the later one."""
        evaluator = ConstantEvaluator(analysis)
        for _pou, node in nodes_of_type(analysis, "case_statement"):
            labels = [lab for lab in self._labels(analysis, evaluator, node) if lab is not None]
            yield from self._overlaps(analysis, labels)

    def _labels(
        self, analysis: StAnalysis, evaluator: ConstantEvaluator, node: Node
    ) -> Iterator[_Label | None]:
        for label in case_labels(node):
            text = " ".join(analysis.tree.text(label).split())
            if label.type == "subrange":
                lower, upper = (
                    label.child_by_field_name("lower"),
                    label.child_by_field_name("upper"),
                )
                lo = evaluator.evaluate(lower).value if lower is not None else None
                hi = evaluator.evaluate(upper).value if upper is not None else None
                if _is_number(lo) and _is_number(hi):
                    yield _Label(lo, hi, text, label)  # type: ignore[arg-type]
                continue
            value = evaluator.evaluate(label).value
            if _is_number(value):
                yield _Label(value, value, text, label)  # type: ignore[arg-type]

    def _overlaps(self, analysis: StAnalysis, labels: list[_Label]) -> Iterator[Diagnostic]:
        """Sweep the labels by lower bound and report each label that overlaps an earlier one."""
        reported: set[int] = set()
        widest: _Label | None = None
        for lab in sorted(labels, key=lambda x: (x.low, x.node.start_byte)):
            if widest is not None and lab.low <= widest.high:
                first, later = sorted((widest, lab), key=lambda x: x.node.start_byte)
                if later.node.id not in reported:
                    reported.add(later.node.id)
                    verb = _overlap_verb(first, later)
                    yield self.finding(
                        analysis.tree.range(later.node),
                        f"case label {later.text} {verb} on line {first.node.start_point[0] + 1}",
                    )
            if widest is None or lab.high > widest.high:
                widest = lab


def _overlap_verb(first: _Label, later: _Label) -> str:
    """How two overlapping labels relate, in words."""
    if first.text.upper() == later.text.upper():
        return "is already a label"
    if first.low == first.high and later.low == later.high:
        return f"has the same value ({_number(first.low)}) as label {first.text}"
    return f"overlaps label {first.text}"


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# -- ST207 --------------------------------------------------------------------------------------
class ConstantCondition(StRule):
    """ST207."""

    code = "ST207"
    name = "constant-condition"
    summary = "An IF, ELSIF, WHILE or UNTIL condition always has the same value"
    doc = RuleDoc(
        why=(
            "A condition made only of literals (`IF TRUE`, `IF 1 = 1`, `WHILE FALSE`) decides "
            "nothing: one branch is dead code and the other always runs. It is usually a test "
            "switch that stayed in after commissioning. A condition on named CONSTANTs is "
            "often a deliberate configuration switch, so it is information only.\n\n"
            "`WHILE TRUE DO ... END_WHILE` and `REPEAT ... UNTIL FALSE` are a common pattern "
            "when the body leaves with EXIT or RETURN; they are reported only when nothing in "
            "the body leaves the loop, because then the loop never ends and the PLC watchdog "
            "stops the task."
        ),
        example=(
            "IF TRUE THEN   (* was: IF bAutoMode THEN *)\n    nSetpoint := nAutoSetpoint;\nEND_IF"
        ),
        fix="Put the real condition back, or delete the condition and the dead branch.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Every constant condition of IF, ELSIF, WHILE and REPEAT."""
        evaluator = ConstantEvaluator(analysis)
        types = ("if_statement", "elsif_clause", "while_statement", "repeat_statement")
        for _pou, node in nodes_of_type(analysis, *types):
            cond = node.child_by_field_name("condition")
            if cond is None:
                continue
            result = evaluator.evaluate(cond)
            if not isinstance(result.value, bool):
                continue
            endless = (node.type == "while_statement" and result.value) or (
                node.type == "repeat_statement" and not result.value
            )
            if endless and _leaves_loop(node):
                continue
            yield self._finding(analysis, node, cond, result, endless)

    def _finding(
        self, analysis: StAnalysis, node: Node, cond: Node, result: Evaluation, endless: bool
    ) -> Diagnostic:
        text = " ".join(analysis.tree.text(cond).split())
        value = "TRUE" if result.value else "FALSE"
        if endless:
            effect = "the loop never ends (nothing in it EXITs or RETURNs)"
        elif node.type in ("if_statement", "elsif_clause"):
            effect = "the branch always runs" if result.value else "the branch never runs"
        elif node.type == "while_statement":
            effect = "the loop body never runs"
        else:
            effect = "the loop body runs once"
        why = " with the current constant values" if result.named else ""
        return self.finding(
            analysis.tree.range(cond),
            f"condition '{text}' is always {value}{why}: {effect}",
            severity=Severity.INFORMATION if result.named and not endless else None,
        )


def _leaves_loop(loop: Node) -> bool:
    """True when an EXIT of this loop (not of an inner one), a RETURN or a JMP is in its body."""
    stack = list(loop.children_by_field_name("body"))
    while stack:
        node = stack.pop()
        if node.type in ("return_statement", "exit_statement", "jmp_statement"):
            return True
        if node.type in LOOPS:
            stack.extend(_returns_only(node))
        else:
            stack.extend(node.named_children)
    return False


def _returns_only(loop: Node) -> list[Node]:
    """RETURN statements inside an inner loop (its EXITs only leave the inner loop)."""
    return [n for n in walk(loop) if n.type == "return_statement"]


# -- ST208 --------------------------------------------------------------------------------------
class RecursiveCall(StRule):
    """ST208."""

    code = "ST208"
    name = "recursive-call"
    summary = "A function or method calls itself"
    doc = RuleDoc(
        why=(
            "PLC tasks have a small, fixed stack and a cycle-time watchdog. A function or "
            "method that calls itself can use an unknown amount of both; most PLC compilers "
            "warn about recursion or refuse it, and coding guidelines (PLCopen, MISRA-like "
            "rules) forbid it."
        ),
        example=(
            "FUNCTION F_Factorial : DINT\n"
            "VAR_INPUT n : DINT; END_VAR\n"
            "IF n <= 1 THEN\n"
            "    F_Factorial := 1;\n"
            "ELSE\n"
            "    F_Factorial := n * F_Factorial(n - 1);\n"
            "END_IF"
        ),
        fix="Rewrite it as a loop (FOR or WHILE) with a bounded number of passes.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Calls whose callee is the POU that contains them."""
        for call in analysis.calls:
            if call.callee.kind != "pou" or call.callee.target is not call.pou:
                continue
            if call.pou.kind not in ("FUNCTION", "METHOD"):
                continue
            yield self.finding(
                analysis.tree.range(call.callee.node),
                f"{call.pou.kind.lower()} {call.pou.qualified_name} calls itself",
            )


RULES: list[StRule] = [
    CaseWithoutElse(),
    CaseMissingEnumValues(),
    UnreachableCode(),
    ForCounterModified(),
    EmptyBranch(),
    DuplicateCaseLabel(),
    ConstantCondition(),
    RecursiveCall(),
]
