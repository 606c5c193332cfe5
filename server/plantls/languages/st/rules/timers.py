"""ST4xx: timers, counters, edge triggers and outputs: what happens once per scan.

A PLC runs its program once per scan. Timers, counters and edge triggers only see their inputs
when they are called, so where and how often an instance is called matters as much as what it
is called with; and an output takes the value of the last write of the scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.st import stdlib
from plantls.languages.st.analysis import Call, Ref, StAnalysis
from plantls.languages.st.model import POU_NODES, Pou, VarDecl
from plantls.languages.st.rules.base import StRule, var_refs
from plantls.languages.st.syntax import walk
from plantls.languages.st.types import node_text, typer

LOOPS = frozenset({"for_statement", "while_statement", "repeat_statement"})
LOCAL_SECTIONS = frozenset({"VAR", "VAR_STAT", "VAR_INST", "VAR_TEMP", "VAR_OUTPUT"})
STATEFUL = frozenset({"timer", "counter", "edge"})

Branch = tuple[int, int]
"""(id of an IF or CASE statement, index of the branch inside it; -1 for ELSE)."""


# -- where a call sits -----------------------------------------------------------------------


def branch_path(node: Node) -> tuple[tuple[Branch, ...], bool]:
    """The IF/CASE branches around ``node`` (outermost first) and whether a loop encloses it."""
    path: list[Branch] = []
    in_loop = False
    child, parent = node, node.parent
    while parent is not None and parent.type not in POU_NODES:
        kind = parent.type
        if kind in LOOPS:
            in_loop = True
        elif kind == "if_statement" and child.type != "if_statement":
            if child.type in ("elsif_clause", "else_clause"):
                clauses = [c for c in parent.named_children if c.type == "elsif_clause"]
                index = -1 if child.type == "else_clause" else 1 + _index(clauses, child)
                path.append((parent.id, index))
            elif parent.child_by_field_name("condition") != child:
                path.append((parent.id, 0))
        elif kind == "case_statement" and child.type in ("case_clause", "else_clause"):
            clauses = [c for c in parent.named_children if c.type == "case_clause"]
            index = -1 if child.type == "else_clause" else _index(clauses, child)
            path.append((parent.id, index))
        child, parent = parent, parent.parent
    path.reverse()
    return tuple(path), in_loop


def _index(nodes: list[Node], node: Node) -> int:
    for i, n in enumerate(nodes):
        if n.id == node.id:
            return i
    return 0


def exclusive(a: tuple[Branch, ...], b: tuple[Branch, ...]) -> bool:
    """Whether two places lie in different branches of one IF or CASE (never both run)."""
    for (owner_a, branch_a), (owner_b, branch_b) in zip(a, b, strict=False):
        if owner_a != owner_b:
            return False
        if branch_a != branch_b:
            return True
    return False


def branches(stmt: Node) -> list[list[Node]] | None:
    """The statement lists of an IF or CASE that has an ELSE (None without ELSE)."""
    out: list[list[Node]] = []
    has_else = False
    if stmt.type == "if_statement":
        out.append(stmt.children_by_field_name("consequence"))
        clause_types = ("elsif_clause", "else_clause")
    elif stmt.type == "case_statement":
        clause_types = ("case_clause", "else_clause")
    else:
        return None
    for child in stmt.named_children:
        if child.type in clause_types:
            out.append(child.children_by_field_name("body"))
            has_else = has_else or child.type == "else_clause"
    return out if has_else else None


def always_runs(stmts: list[Node], targets: set[int]) -> bool:
    """Whether every path through ``stmts`` runs one of the ``targets`` statements."""
    for stmt in stmts:
        if stmt.id in targets:
            return True
        parts = branches(stmt)
        if parts is not None and all(always_runs(p, targets) for p in parts):
            return True
    return False


# -- instances -------------------------------------------------------------------------------


@dataclass
class Instance:
    """A function block instance and its direct calls (``inst(...);``) in the file."""

    decl: VarDecl
    type_name: str
    category: str
    """``timer``, ``counter``, ``edge``, ``bistable`` (standard blocks) or ``user``."""
    calls: list[Call] = field(default_factory=list)


def _direct_call(call: Call) -> bool:
    """``inst(...)`` or ``THIS^.inst(...)`` as a statement (not ``inst.Method()``)."""
    fn = call.node.child_by_field_name("function")
    if fn is None or call.node.parent is None or call.node.parent.type != "invocation_statement":
        return False
    if fn.type == "identifier":
        return True
    if fn.type == "member_access_expression":
        obj = fn.child_by_field_name("object")
        return obj is not None and node_text(obj).replace(" ", "").upper() == "THIS^"
    return False


def instances(analysis: StAnalysis) -> dict[int, Instance]:
    """FB instances called in the file, by id of their declaration (computed once)."""
    found = analysis.memo.get("st.fb-instances")
    if isinstance(found, dict):
        return found
    t = typer(analysis)
    out: dict[int, Instance] = {}
    for call in analysis.calls:
        decl = call.callee.target
        if not isinstance(decl, VarDecl) or not _direct_call(call):
            continue
        inst = out.get(id(decl))
        if inst is None:
            typ = t.of_decl(decl)
            if typ is None or typ.kind != "fb":
                continue
            category = typ.decl.category if isinstance(typ.decl, stdlib.FunctionBlockDef) else (
                "user"
            )
            inst = out[id(decl)] = Instance(decl, typ.name, category)
        inst.calls.append(call)
    analysis.memo["st.fb-instances"] = out
    return out


def line_of(analysis: StAnalysis, node: Node) -> int:
    """1-based line of a node, for messages."""
    return analysis.tree.position(node).line + 1


# -- rules -----------------------------------------------------------------------------------

_MISSED = {
    "timer": "while the branch is skipped it does not see IN, so it neither runs nor resets",
    "counter": "while the branch is skipped it does not see its count inputs and misses edges",
    "edge": "while the branch is skipped it does not see CLK and misses edges, or reports a "
    "stale one later",
}


class ConditionalCall(StRule):
    """ST401."""

    code = "ST401"
    name = "conditional-timer-call"
    summary = "A timer, counter or edge trigger is called only inside an IF or CASE branch"
    doc = RuleDoc(
        why=(
            "A TON, R_TRIG or CTU only sees its inputs when it is called. Called inside a "
            "branch, it is frozen while the branch is not taken: a TON keeps its elapsed time "
            "and does not reset when its condition drops, so it fires early the next time; an "
            "R_TRIG misses the edge that happened in between, or reports an old one. This is "
            "one of the most common causes of 'the timer only works the first time'.\n\n"
            "Calls in every branch of an IF with ELSE, or in all branches of a CASE with "
            "ELSE, are fine, and so are instances in arrays or called inside loops, which "
            "plantls does not follow."
        ),
        example=(
            "CASE nStep OF\n"
            "    10: fbDwell(IN := TRUE, PT := T#2S);\n"
            "        IF fbDwell.Q THEN nStep := 20; END_IF\n"
            "    20: ...\n"
            "END_CASE"
        ),
        fix=(
            "Call the instance once per scan, outside the branch, and put the condition into "
            "its input:\n\n"
            "    fbDwell(IN := nStep = 10, PT := T#2S);\n"
            "    CASE nStep OF\n        10: IF fbDwell.Q THEN nStep := 20; END_IF"
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report stateful standard blocks whose calls do not run on every path."""
        for inst in instances(analysis).values():
            if inst.category not in STATEFUL or inst.decl.section not in LOCAL_SECTIONS:
                continue
            pous = {id(c.pou) for c in inst.calls}
            if len(pous) != 1:
                continue
            paths = [branch_path(c.node) for c in inst.calls]
            if any(in_loop for _, in_loop in paths) or any(not p for p, _ in paths):
                continue
            pou = inst.calls[0].pou
            if pou.node.has_error:
                continue
            targets = {c.node.parent.id for c in inst.calls if c.node.parent is not None}
            if always_runs(pou.body, targets):
                continue
            first = inst.calls[0]
            yield self.finding(
                analysis.tree.range(first.callee.node),
                f"{inst.decl.name} ({inst.type_name}) is called only inside IF/CASE branches "
                f"of {pou.qualified_name}: {_MISSED[inst.category]}",
            )


class RepeatedCall(StRule):
    """ST402."""

    code = "ST402"
    name = "instance-called-twice"
    summary = "The same function block instance is called more than once per scan"
    doc = RuleDoc(
        why=(
            "A function block instance has one state. Calling it twice in the same scan "
            "runs it twice: a timer's or counter's second call sees different inputs than the "
            "first, an edge trigger sees the edge in the first call and never in the second, "
            "and the outputs read in between belong to whichever call ran last. The logic "
            "then depends on statement order in a way nobody intended.\n\n"
            "Calls in different branches of one IF or CASE never both run and are fine. "
            "The standard timers, counters and edge triggers are checked. An instance that "
            "is also called with `IN := FALSE` (`CLK := FALSE`, `R := TRUE`) in the same POU "
            "is being restarted on purpose, the usual way to retrigger a timer, and is not "
            "reported. User function blocks are not checked: some (loggers, message queues, "
            "blocks under test) are meant to be called several times per scan."
        ),
        example=(
            "fbDelay(IN := bStart, PT := T#5S);\n"
            "...\n"
            "fbDelay(IN := bRestart, PT := T#1S);  // the same timer again"
        ),
        fix=(
            "Call each instance once per scan with the combined inputs, or declare a "
            "separate instance for each purpose."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report every call that can run after an earlier call of the same instance."""
        for inst in instances(analysis).values():
            if inst.category not in STATEFUL:
                continue
            by_pou: dict[int, list[Call]] = {}
            for call in inst.calls:
                by_pou.setdefault(id(call.pou), []).append(call)
            for calls in by_pou.values():
                yield from self._repeated(analysis, inst, calls)

    def _repeated(
        self, analysis: StAnalysis, inst: Instance, calls: list[Call]
    ) -> Iterator[Diagnostic]:
        if len(calls) < 2 or any(is_reset_call(c.node, inst.category) for c in calls):
            return
        paths = [branch_path(c.node) for c in calls]
        if any(in_loop for _, in_loop in paths):
            return
        for i in range(1, len(calls)):
            earlier = next((j for j in range(i) if not exclusive(paths[i][0], paths[j][0])), None)
            if earlier is None:
                continue
            yield self.finding(
                analysis.tree.range(calls[i].callee.node),
                f"{inst.decl.name} ({inst.type_name}) is called again here after the call on "
                f"line {line_of(analysis, calls[earlier].node)} in the same scan",
            )


_RESETS = {
    "timer": (("IN", "FALSE"),),
    "edge": (("CLK", "FALSE"),),
    "counter": (("R", "TRUE"), ("RESET", "TRUE"), ("LD", "TRUE")),
}


def is_reset_call(call: Node, category: str) -> bool:
    """A call that restarts the block on purpose (``IN := FALSE``, ``R := TRUE``, ...)."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return False
    for arg in args.named_children:
        name, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
        if arg.type != "named_argument" or name is None or value is None:
            continue
        pair = (node_text(name).strip().upper(), node_text(value).strip().upper())
        if pair in _RESETS.get(category, ()):
            return True
    return False


class OutputWithoutCall(StRule):
    """ST403."""

    code = "ST403"
    name = "timer-never-called"
    summary = "A timer's or edge trigger's output is read, but the instance is never called"
    doc = RuleDoc(
        why=(
            "Declaring a TON and reading `fbDelay.Q` does nothing by itself: the block only "
            "runs when it is called. If the call was forgotten (or deleted with old code), Q "
            "stays FALSE and ET stays T#0S forever, so the step that waits for it never "
            "advances.\n\n"
            "Instances passed to other blocks, reached through references or pointers, or "
            "declared in a global variable list may be called elsewhere and are not reported."
        ),
        example=(
            "VAR\n    fbDelay : TON;\nEND_VAR\n"
            "fbDelay.IN := bStart;\n"
            "fbDelay.PT := T#5S;\n"
            "bRun := fbDelay.Q;  // never TRUE: fbDelay is never called"
        ),
        fix=(
            "Call the instance once per scan before reading it:\n\n"
            "    fbDelay(IN := bStart, PT := T#5S);"
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Report local timer and edge instances that are read but never called."""
        t = typer(analysis)
        uses: dict[int, list[tuple[str, Node]]] = {}
        blocks: dict[int, stdlib.FunctionBlockDef | None] = {}
        decls: dict[int, VarDecl] = {}
        for key, refs in var_refs(analysis).items():
            decl = refs[0].target
            if not isinstance(decl, VarDecl) or decl.section not in LOCAL_SECTIONS:
                continue
            typ = t.of_decl(decl) if decl.uri == analysis.model.uri else None
            fb = typ.decl if typ is not None else None
            ok = isinstance(fb, stdlib.FunctionBlockDef) and fb.category in ("timer", "edge")
            blocks[key] = fb if ok and isinstance(fb, stdlib.FunctionBlockDef) else None
            if blocks[key] is None:
                continue
            for ref in refs:
                if _is_formal_name(ref.node):
                    continue
                decls[key] = decl
                uses.setdefault(key, []).append(_use(_instance_expression(ref.node)))
        for key, found in uses.items():
            decl, fb = decls[key], blocks[key]
            kinds = {kind for kind, _ in found}
            if kinds - {"output", "input"} or "output" not in kinds or _extended(analysis, decl):
                continue
            assert fb is not None
            node = next(n for kind, n in found if kind == "output")
            yield self.finding(
                analysis.tree.range(node),
                f"{short_text(node)} is read, but the {fb.name} instance {decl.name} is never "
                f"called in {decl.owner}: its outputs never change",
            )


def _is_formal_name(node: Node) -> bool:
    """The parameter name of a formal argument (``IN`` in ``t(IN := x)``)."""
    parent = node.parent
    return parent is not None and parent.type == "named_argument" and (
        parent.child_by_field_name("name") == node
    )


def _instance_expression(node: Node) -> Node:
    """The expression that denotes an instance: ``THIS^.t`` for its member name ``t``."""
    parent = node.parent
    if parent is not None and parent.type == "member_access_expression" and (
        parent.child_by_field_name("member") == node
    ):
        return parent
    return node


def _use(node: Node) -> tuple[str, Node]:
    """How a name is used: ``call``, ``output`` (``t.Q`` read), ``input`` or ``other``."""
    parent = node.parent
    if parent is None:
        return "other", node
    if parent.type == "member_access_expression" and parent.child_by_field_name("object") == node:
        member = parent.child_by_field_name("member")
        name = node_text(member).upper() if member is not None else ""
        grand = parent.parent
        written = (
            grand is not None
            and grand.type == "assignment_statement"
            and grand.child_by_field_name("left") == parent
        )
        if name in ("Q", "ET") and not written:
            return "output", parent
        return "input", parent
    if parent.type == "call_expression" and parent.child_by_field_name("function") == node:
        return "call", node
    return "other", node


def _extended(analysis: StAnalysis, decl: VarDecl) -> bool:
    """Whether the POU that declares ``decl`` is extended (a subclass may call it)."""
    owner = decl.owner.split(".")[0].upper()
    return owner in analysis.index.extended_names()


def short_text(node: Node) -> str:
    """A node's text on one line."""
    return " ".join(node_text(node).split())


# -- ST404 -----------------------------------------------------------------------------------

_ESCAPES = frozenset({"ADR", "REF", "__NEW", "BITADR", "ADRINST"})
_EXITS = frozenset({"return_statement", "exit_statement", "continue_statement", "jmp_statement",
                    "jump_statement", "label_statement"})


class _Frame:
    """Writes of one statement list that nothing has read yet, by output."""

    def __init__(self) -> None:
        self.pending: dict[int, list[Node]] = {}


class _OutputFlow:
    """Follows the writes of one POU's outputs through its statements in order."""

    def __init__(self, analysis: StAnalysis, pou: Pou, outputs: dict[int, VarDecl]) -> None:
        self.a = analysis
        self.pou = pou
        self.outputs = outputs
        self.frames: list[_Frame] = []
        self.found: list[tuple[Node, Node, VarDecl]] = []
        """(overwritten write, the later write, the output)."""

    def run(self) -> list[tuple[Node, Node, VarDecl]]:
        """Process the body; return the overwritten writes."""
        self.block(self.pou.body)
        return self.found

    def block(self, stmts: list[Node]) -> _Frame:
        """Process a statement list in a new frame and return it."""
        frame = _Frame()
        self.frames.append(frame)
        for stmt in stmts:
            self.statement(stmt)
        self.frames.pop()
        return frame

    def statement(self, stmt: Node) -> None:
        """One statement: reads first, then its write or its branches."""
        kind = stmt.type
        if stmt.has_error or kind in _EXITS:
            self.clear_all()
            return
        if kind == "assignment_statement":
            left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
            if right is not None:
                self.uses(right)
            decl = self.whole_output(left)
            if decl is not None and left is not None:
                self.write(decl, left)
            elif left is not None:
                self.uses(left)
            return
        parts = self._parts(stmt)
        if parts is None:
            self.uses(stmt)
            return
        conditions, lists, is_loop = parts
        for cond in conditions:
            self.uses(cond)
        frames = [self.block(lst) for lst in lists]
        if is_loop:
            return
        top = self.frames[-1]
        for frame in frames:
            for key, writes in frame.pending.items():
                top.pending.setdefault(key, []).extend(writes)

    def _parts(self, stmt: Node) -> tuple[list[Node], list[list[Node]], bool] | None:
        """Conditions and statement lists of a compound statement (None for simple ones)."""
        kind = stmt.type
        if kind in LOOPS:
            heads = [c for c in stmt.named_children if c.type not in ("comment",)
                     and not c.type.endswith("_statement")]
            return heads, [stmt.children_by_field_name("body")], True
        if kind not in ("if_statement", "case_statement"):
            return None
        conds: list[Node] = []
        lists: list[list[Node]] = []
        for name in ("condition", "subject"):
            cond = stmt.child_by_field_name(name)
            if cond is not None:
                conds.append(cond)
        if kind == "if_statement":
            lists.append(stmt.children_by_field_name("consequence"))
        for child in stmt.named_children:
            if child.type not in ("elsif_clause", "case_clause", "else_clause"):
                continue
            lists.append(child.children_by_field_name("body"))
            cond = child.child_by_field_name("condition")
            conds.extend([cond] if cond is not None else [])
            conds.extend(c for c in child.named_children if c.type == "case_value")
        return conds, lists, False

    def whole_output(self, left: Node | None) -> VarDecl | None:
        """The output a whole-variable write ``q := ...`` assigns, or None."""
        if left is None or left.type != "identifier":
            return None
        ref = self.a.ref_at(left)
        if ref is None or not isinstance(ref.target, VarDecl):
            return None
        return self.outputs.get(id(ref.target))

    def write(self, decl: VarDecl, node: Node) -> None:
        """An unconditional write in the current frame."""
        frame = self.frames[-1]
        key = id(decl)
        for earlier in frame.pending.get(key, []):
            self.found.append((earlier, node, decl))
        frame.pending[key] = [node]

    def uses(self, node: Node) -> None:
        """Reads in an expression; calls of user code may read anything.

        Reads only take pending writes away, so nothing is left to do (and the walk stops)
        when no write is pending, as after a call of user code."""
        if not any(frame.pending for frame in self.frames):
            return
        for sub in walk(node):
            if sub.type == "identifier":
                ref = self.a.ref_at(sub)
                if ref is None:
                    continue
                if isinstance(ref.target, VarDecl) and id(ref.target) in self.outputs:
                    self.clear(id(ref.target))
                elif ref.kind in ("pou", "unknown", "library", "builtin"):
                    self.clear_all()
                    return
            elif sub.type in ("call_expression", "this_expression", "super_expression") and (
                not self._standard_call(sub)
            ):
                self.clear_all()
                return

    def _standard_call(self, call: Node) -> bool:
        """A standard function or a standard FB instance: neither can see our outputs."""
        fn = call.child_by_field_name("function")
        ref = self.a.ref_at(fn) if fn is not None else None
        if ref is None:
            return False
        if ref.kind in ("std_fn", "std_fb"):
            return True
        return isinstance(ref.target, VarDecl) and _is_std_instance(self.a, ref.target)

    def clear(self, key: int) -> None:
        """An output was read: its pending writes took effect."""
        for frame in self.frames:
            frame.pending.pop(key, None)

    def clear_all(self) -> None:
        """Anything may have been read (a call, RETURN, a jump)."""
        for frame in self.frames:
            frame.pending.clear()


def _is_std_instance(analysis: StAnalysis, decl: VarDecl) -> bool:
    typ = typer(analysis).of_decl(decl)
    return typ is not None and isinstance(typ.decl, stdlib.FunctionBlockDef)


class OverwrittenOutput(StRule):
    """ST404."""

    code = "ST404"
    name = "overwritten-output"
    summary = "An output is written, then overwritten in the same scan before anything reads it"
    doc = RuleDoc(
        why=(
            "Outputs take the value of the last write of the scan. When an output is "
            "assigned and later assigned again unconditionally, with no read in between, the "
            "first write never reaches the field or the caller: the 'double coil' of ladder "
            "logic. It usually means two pieces of code fight over one output, and the one "
            "further down always wins.\n\n"
            "Writes in different branches of one IF or CASE are normal and not reported; a "
            "write in a branch followed by an unconditional write later is. A read between "
            "the writes, a call of user code, or a RETURN makes the first write observable."
        ),
        example=(
            "bPumpOn := bAutoMode AND bLevelLow;\n"
            "...\n"
            "bPumpOn := bManualStart;  // the automatic command above never takes effect"
        ),
        fix=(
            "Combine the conditions into one assignment (`bPumpOn := (bAutoMode AND "
            "bLevelLow) OR bManualStart;`), or make the writes exclusive with IF/ELSE."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Follow each POU's output writes in statement order."""
        for pou in analysis.model.all_pous():
            if pou.node.has_error:
                continue  # a JMP or label the grammar does not know could skip any write
            outputs = self._outputs(analysis, pou)
            if not outputs:
                continue
            for earlier, later, decl in _OutputFlow(analysis, pou, outputs).run():
                yield self.finding(
                    analysis.tree.range(earlier),
                    f"output {decl.name} is overwritten on line {line_of(analysis, later)} "
                    "before anything reads it: this write never takes effect",
                )

    def _outputs(self, analysis: StAnalysis, pou: Pou) -> dict[int, VarDecl]:
        """VAR_OUTPUTs of the POU and variables mapped to %Q that its body writes."""
        out: dict[int, VarDecl] = {}
        escaped: set[int] = set()
        qualified_name = pou.qualified_name
        for ref in _output_refs(analysis).get(id(pou), ()):
            decl = ref.target
            if not isinstance(decl, VarDecl):
                continue
            address = decl.address
            is_output = (address != "" and address.upper().startswith("%Q")) or (
                decl.section == "VAR_OUTPUT" and decl.owner == qualified_name
            )
            if not is_output:
                continue
            if _escapes(analysis, ref.node):
                escaped.add(id(decl))
            out[id(decl)] = decl
        return {k: v for k, v in out.items() if k not in escaped}


def _output_refs(analysis: StAnalysis) -> dict[int, list[Ref]]:
    """The refs to variables that may be outputs (``VAR_OUTPUT``, or at an address), by the
    id of the POU they appear in, in the refs' order (computed once per analysis)."""
    found = analysis.memo.get("st.output-refs")
    if isinstance(found, dict):
        return found
    out: dict[int, list[Ref]] = {}
    for refs in var_refs(analysis).values():
        decl = refs[0].target
        if isinstance(decl, VarDecl) and (decl.address or decl.section == "VAR_OUTPUT"):
            for ref in refs:
                out.setdefault(id(ref.pou), []).append(ref)
    analysis.memo["st.output-refs"] = out
    return out


def _escapes(analysis: StAnalysis, node: Node) -> bool:
    """Whether a use hands out the variable's address (``ADR(q)``, ``REF(q)``, ``r REF= q``)."""
    parent = node.parent
    while parent is not None and parent.type in ("argument_list", "named_argument",
                                                  "parenthesized_expression"):
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "reference_assignment_statement":
        return True
    if parent.type in ("call_expression", "address_of_expression"):
        if parent.type == "address_of_expression":
            return True
        fn = parent.child_by_field_name("function")
        return fn is not None and node_text(fn).strip().upper() in _ESCAPES
    return False


RULES: list[StRule] = [ConditionalCall(), RepeatedCall(), OutputWithoutCall(), OverwrittenOutput()]
