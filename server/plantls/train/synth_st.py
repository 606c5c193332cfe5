"""Composed Structured Text: plant code built from random declarations and statements.

``plantls.train.synth`` renders fixed templates (a motor, a valve, a PID loop), which give the
shapes of plant code but few of its words. This module gives the variety a base model needs to
read code it has never seen: identifiers made of plant words with the usual type prefixes
(``bEnable``, ``nRetryCount``, ``fbTimeoutTon``), expressions of the right type, nested IF,
CASE and FOR statements, timers, edge triggers and counters, calls between function blocks,
methods, comments, pragmas, and a house style per project (indent, alignment, comment style).
It is seeded and reproducible, and the code it writes checks without errors under
``plantls check``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

# fmt: off
WORDS = [
    "Axis", "Motor", "Pump", "Valve", "Tank", "Level", "Pressure", "Temperature", "Flow",
    "Speed", "Position", "Velocity", "Torque", "Current", "Voltage", "Power", "Energy", "Door",
    "Gate", "Lamp", "Horn", "Alarm", "Fault", "Error", "Warning", "Message", "Event", "State",
    "Step", "Mode", "Command", "Request", "Response", "Status", "Buffer", "Index", "Count",
    "Timer", "Delay", "Timeout", "Setpoint", "Actual", "Target", "Limit", "Offset", "Gain",
    "Scale", "Filter", "Average", "Sum", "Reset", "Enable", "Start", "Stop", "Busy", "Done",
    "Ready", "Valid", "Active", "Init", "Home", "Jog", "Manual", "Auto", "Run", "Halt", "Move",
    "Open", "Close", "Heat", "Cool", "Fill", "Drain", "Feed", "Sensor", "Switch", "Button",
    "Panel", "Station", "Cell", "Line", "Zone", "Slot", "Channel", "Module", "Device", "Drive",
    "Encoder", "Camera", "Robot", "Gripper", "Clamp", "Cylinder", "Heater", "Fan", "Belt",
    "Roller", "Spindle", "Tool", "Recipe", "Batch", "Product", "Part", "Lot", "Order", "Job",
    "Queue", "Log", "Trace", "Data", "Config", "Param", "Socket", "Port", "Address", "Node",
    "Client", "Server", "Reply", "Cycle", "Scan", "Retry", "Deadband", "Ramp", "Rate", "Ratio",
    "Weight", "Dose", "Mixer", "Conveyor", "Shutter", "Vacuum", "Gas", "Water", "Air", "Oil",
    "Coolant", "Chamber", "Wafer", "Load", "Unload", "Lift", "Carrier", "Interlock", "Safety",
    "Emergency", "Light", "Signal", "Value", "Input", "Output", "Raw", "Min", "Max", "Hold",
    "Pulse", "Edge", "Trigger", "Latch", "Ack", "Acknowledge", "Remote", "Local", "Ext",
    "Last", "Next", "First", "Total", "Old", "New",
]
# fmt: on

# fmt: off
_VERBS = [
    "check", "reset", "update", "latch", "clear", "read", "write", "compute", "limit", "scale",
    "start", "stop", "count", "hold", "track", "log", "report", "select", "copy", "enable",
    "disable", "wait", "for", "acknowledge", "filter", "ramp", "monitor",
]
# fmt: on
_QUALIFIERS = [
    "when enabled",
    "on a rising edge",
    "after the timeout",
    "every cycle",
    "before the next step",
    "if the value is out of range",
    "while the axis is busy",
    "in manual mode",
    "once per batch",
    "until the operator acknowledges",
    "",
    "",
]

_INTS = ["INT", "DINT", "UINT", "UDINT"]
_REALS = ["REAL", "LREAL"]
_TIMERS = ["TON", "TOF", "TP"]
_TRIGS = ["R_TRIG", "F_TRIG"]


@dataclass(frozen=True)
class Style:
    """A project's house style."""

    indent: str
    align: int  # column of ':' in declarations; 0 = one space before it
    line_comments: bool  # // rather than (* *)
    bool_prefix: str  # b or x
    int_prefix: str  # n or i
    real_prefix: str  # f or r
    headers: bool  # a comment block before each POU
    pragmas: bool  # {attribute ...} on enums and GVLs

    @staticmethod
    def pick(rng: random.Random) -> Style:
        """A random, plausible style."""
        return Style(
            indent=rng.choice(["    ", "    ", "    ", "  ", "\t"]),
            align=rng.choice([0, 0, 16, 20, 24, 28]),
            line_comments=rng.random() < 0.7,
            bool_prefix=rng.choice(["b", "b", "b", "x"]),
            int_prefix=rng.choice(["n", "n", "i"]),
            real_prefix=rng.choice(["f", "f", "r"]),
            headers=rng.random() < 0.5,
            pragmas=rng.random() < 0.6,
        )

    def comment(self, text: str) -> str:
        """A one-line comment in this style."""
        return f"// {text}" if self.line_comments else f"(* {text} *)"


@dataclass
class Var:
    """A declared variable: name, type, its kind of value, and where it lives."""

    name: str
    type: str
    kind: str  # bool int real time string timer trig counter enum struct array fb
    section: str  # VAR_INPUT VAR_OUTPUT VAR_IN_OUT VAR
    init: str = ""
    comment: str = ""
    elem: str = ""  # arrays: element type; enums, structs, fbs: their type name
    size: int = 0  # arrays: upper bound (lower bound 0)


@dataclass
class Enum:
    """A generated enumeration."""

    name: str
    members: list[str]


@dataclass
class Struct:
    """A generated structure: field name -> (kind, type)."""

    name: str
    fields: dict[str, tuple[str, str]]


@dataclass
class Block:
    """A generated function block's interface, for callers."""

    name: str
    inputs: list[Var]
    outputs: list[Var]
    methods: list[str]


@dataclass
class Project:
    """What a project has declared so far, for the POUs that use it."""

    style: Style
    enums: list[Enum] = field(default_factory=list)
    structs: list[Struct] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    globals_: list[Var] = field(default_factory=list)


def _camel(rng: random.Random, n: int) -> str:
    return "".join(rng.sample(WORDS, n))


def _phrase(rng: random.Random) -> str:
    words = [rng.choice(_VERBS), "the", *(w.lower() for w in rng.sample(WORDS, rng.randint(1, 2)))]
    qual = rng.choice(_QUALIFIERS)
    return " ".join(words + ([qual] if qual else []))


class _Scope:
    """Names in use in one POU, and its variables by kind."""

    def __init__(self, rng: random.Random, project: Project) -> None:
        self.rng = rng
        self.project = project
        self.vars: list[Var] = []
        self.names: set[str] = {b.name.upper() for b in project.blocks}
        self.names |= {v.name.upper() for v in project.globals_}

    def fresh(self, prefix: str, words: int = 0) -> str:
        """A new name with ``prefix``, not used in this POU."""
        for _ in range(50):
            name = prefix + _camel(self.rng, words or self.rng.choice([1, 2, 2, 3]))
            if name.upper() not in self.names:
                self.names.add(name.upper())
                return name
        name = f"{prefix}{_camel(self.rng, 3)}{len(self.names)}"
        self.names.add(name.upper())
        return name

    def add(self, var: Var) -> Var:
        self.vars.append(var)
        return var

    def of(self, kind: str, type_: str | None = None, writable: bool = False) -> list[Var]:
        """Variables of a kind (and exact type), the readable or the writable ones."""
        out = [
            v
            for v in self.vars + self.project.globals_
            if v.kind == kind and (type_ is None or v.type == type_)
        ]
        if writable:
            out = [v for v in out if v.section in ("VAR_OUTPUT", "VAR", "VAR_IN_OUT")]
        return out


def _declare_scalar(scope: _Scope, section: str) -> Var:
    rng, st = scope.rng, scope.project.style
    kind = rng.choice(["bool", "bool", "bool", "int", "int", "real", "real", "time", "string"])
    if kind == "bool":
        var = Var(scope.fresh(st.bool_prefix), "BOOL", "bool", section)
        if section == "VAR" and rng.random() < 0.2:
            var.init = rng.choice(["TRUE", "FALSE"])
    elif kind == "int":
        t = rng.choice(_INTS)
        var = Var(scope.fresh(st.int_prefix), t, "int", section)
        if rng.random() < 0.3:
            var.init = str(rng.choice([0, 1, 3, 5, 10, 16, 100, 255, 1000]))
    elif kind == "real":
        t = rng.choice(_REALS)
        var = Var(scope.fresh(st.real_prefix), t, "real", section)
        if rng.random() < 0.3:
            var.init = rng.choice(["0.0", "1.0", "0.5", "100.0", "2.5", "10.0"])
    elif kind == "time":
        var = Var(scope.fresh("t"), "TIME", "time", section)
        if rng.random() < 0.5:
            var.init = _time(rng)
    else:
        n = rng.choice([0, 0, 32, 80, 255])
        var = Var(scope.fresh("s"), f"STRING({n})" if n else "STRING", "string", section)
    if rng.random() < 0.25:
        var.comment = _phrase(rng)
    return scope.add(var)


def _declare_local_object(scope: _Scope) -> Var | None:
    rng, project = scope.rng, scope.project
    choice = rng.choice(["timer", "timer", "trig", "counter", "enum", "struct", "array", "fb"])
    if choice == "timer":
        t = rng.choice(_TIMERS)
        prefix = rng.choice(["fb", t.lower()])
        return scope.add(Var(scope.fresh(prefix), t, "timer", "VAR"))
    if choice == "trig":
        t = rng.choice(_TRIGS)
        prefix = rng.choice(["fb", "rt" if t == "R_TRIG" else "ft"])
        return scope.add(Var(scope.fresh(prefix), t, "trig", "VAR"))
    if choice == "counter":
        return scope.add(Var(scope.fresh(rng.choice(["fb", "ctu"])), "CTU", "counter", "VAR"))
    if choice == "enum" and project.enums:
        enum = rng.choice(project.enums)
        var = Var(scope.fresh("e"), enum.name, "enum", "VAR", elem=enum.name)
        var.init = f"{enum.name}.{enum.members[0]}"
        return scope.add(var)
    if choice == "struct" and project.structs:
        struct = rng.choice(project.structs)
        return scope.add(Var(scope.fresh("st"), struct.name, "struct", "VAR", elem=struct.name))
    if choice == "array":
        elem = rng.choice(["BOOL", "INT", "REAL", "LREAL", "DINT"])
        size = rng.choice([3, 7, 9, 15, 31])
        return scope.add(
            Var(
                scope.fresh("a"),
                f"ARRAY[0..{size}] OF {elem}",
                "array",
                "VAR",
                elem=elem,
                size=size,
            )
        )
    if choice == "fb" and project.blocks:
        block = rng.choice(project.blocks)
        return scope.add(Var(scope.fresh("fb"), block.name, "fb", "VAR", elem=block.name))
    return None


def _time(rng: random.Random) -> str:
    return rng.choice(["T#100MS", "T#250MS", "T#500MS", "T#1S", "T#2S", "T#5S", "T#10S", "T#30S"])


def _kind_of(type_: str) -> str:
    if type_ == "BOOL":
        return "bool"
    if type_ in _INTS:
        return "int"
    if type_ in _REALS:
        return "real"
    return "other"


# ------------------------------------------------------------------ expressions


class _Expr:
    """Expressions of a given type from the variables in scope."""

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.rng = scope.rng

    def bool_(self, depth: int = 2) -> str:
        rng, scope = self.rng, self.scope
        options: list[str] = ["var", "var", "cmp"]
        if depth > 0:
            options += ["and", "or", "not"]
        if scope.of("timer") or scope.of("trig") or scope.of("counter"):
            options.append("fbq")
        if scope.of("enum"):
            options.append("enum")
        if scope.of("struct"):
            options.append("field")
        if any(b.outputs for b in self._instances()):
            options.append("fbout")
        pick = rng.choice(options)
        if pick == "var" and scope.of("bool"):
            return rng.choice(scope.of("bool")).name
        if pick == "not":
            return f"NOT {self.bool_(0)}"
        if pick in ("and", "or"):
            op = " AND " if pick == "and" else " OR "
            return f"{self.bool_(depth - 1)}{op}{self.bool_(depth - 1)}"
        if pick == "fbq":
            fb = rng.choice(scope.of("timer") + scope.of("trig") + scope.of("counter"))
            return f"{fb.name}.Q"
        if pick == "enum":
            var = rng.choice(scope.of("enum"))
            enum = next(e for e in self.scope.project.enums if e.name == var.elem)
            op = rng.choice(["=", "<>"])
            return f"{var.name} {op} {enum.name}.{rng.choice(enum.members)}"
        if pick == "field":
            var = rng.choice(scope.of("struct"))
            struct = next(s for s in scope.project.structs if s.name == var.elem)
            bools = [f for f, (k, _t) in struct.fields.items() if k == "bool"]
            if bools:
                return f"{var.name}.{rng.choice(bools)}"
        if pick == "fbout":
            inst, block = rng.choice([(i, b) for i, b in self._pairs() if b.outputs])
            outs = [o for o in block.outputs if o.kind == "bool"]
            if outs:
                return f"{inst.name}.{rng.choice(outs).name}"
        return self.compare()

    def compare(self) -> str:
        rng = self.rng
        nums = self.scope.of("int") + self.scope.of("real")
        if not nums:
            bools = self.scope.of("bool")
            return rng.choice(bools).name if bools else "FALSE"
        var = rng.choice(nums)
        ops = [">", "<", ">=", "<="] + (["=", "<>"] if var.type in _INTS else [])
        op = rng.choice(ops)
        other = self.number(var.type, 1)
        if other == var.name:
            other = self.literal(var.type)
        return f"{var.name} {op} {other}"

    def literal(self, type_: str) -> str:
        rng = self.rng
        if type_ in _INTS:
            return str(rng.choice([0, 1, 2, 5, 10, 16, 100, 1000]))
        return rng.choice(["0.0", "1.0", "0.5", "2.0", "10.0", "100.0", "0.01", "1000.0"])

    def number(self, type_: str, depth: int = 2) -> str:
        """An expression of exactly ``type_`` (an integer or real type)."""
        rng, scope = self.rng, self.scope
        same = scope.of(_kind_of(type_), type_)
        pick = rng.choice(["var", "var", "lit", "op", "op", "fn", "conv", "elem"])
        if depth <= 0:
            pick = rng.choice(["var", "lit"])
        if pick == "var" and same:
            return rng.choice(same).name
        if pick == "op":
            op = rng.choice(["+", "-", "*"] + (["/"] if type_ in _REALS else []))
            left, right = self.number(type_, depth - 1), self.number(type_, depth - 1)
            if op == "/":
                right = rng.choice(["2.0", "10.0", "100.0", "1000.0", "60.0"])
            text = f"{left} {op} {right}"
            return f"({text})" if rng.random() < 0.3 else text
        if pick == "fn":
            fn = rng.choice(["ABS", "MIN", "MAX", "LIMIT"])
            if fn == "ABS" and type_ in ("UINT", "UDINT"):
                fn = "MIN"
            if fn == "ABS":
                return f"ABS({self.number(type_, depth - 1)})"
            if fn == "LIMIT":
                lo, hi = self.literal(type_), self.literal(type_)
                return f"LIMIT({lo}, {self.number(type_, depth - 1)}, {hi})"
            return f"{fn}({self.number(type_, depth - 1)}, {self.number(type_, depth - 1)})"
        if pick == "conv":
            others = [v for v in scope.of("int") + scope.of("real") if v.type != type_]
            if others:
                src = rng.choice(others)
                return f"{src.type}_TO_{type_}({src.name})"
        if pick == "elem":
            arrays = [a for a in scope.of("array") if a.elem == type_]
            if arrays:
                arr = rng.choice(arrays)
                return f"{arr.name}[{self.index(arr)}]"
        return self.literal(type_)

    def index(self, arr: Var) -> str:
        ints = [v for v in self.scope.of("int", "INT") if v.section == "VAR"]
        if ints and self.rng.random() < 0.4:
            return f"LIMIT(0, {self.rng.choice(ints).name}, {arr.size})"
        return str(self.rng.randint(0, arr.size))

    def string(self) -> str:
        rng, scope = self.rng, self.scope
        text = " ".join(w.lower() for w in rng.sample(WORDS, rng.randint(1, 3)))
        strings = scope.of("string")
        if strings and rng.random() < 0.4:
            return f"CONCAT({rng.choice(strings).name}, '{text}')"
        return f"'{text}'"

    def of_var(self, var: Var) -> str:
        """A value to assign to ``var``."""
        if var.kind == "bool":
            return self.bool_()
        if var.kind in ("int", "real"):
            return self.number(var.type)
        if var.kind == "time":
            times = [t for t in self.scope.of("time") if t is not var]
            if times and self.rng.random() < 0.4:
                return self.rng.choice(times).name
            return _time(self.rng)
        return self.string()

    def _pairs(self) -> list[tuple[Var, Block]]:
        blocks = {b.name: b for b in self.scope.project.blocks}
        return [(v, blocks[v.elem]) for v in self.scope.of("fb") if v.elem in blocks]

    def _instances(self) -> list[Block]:
        return [b for _v, b in self._pairs()]


# ------------------------------------------------------------------ statements


class _Body:
    """Statements for one POU body."""

    def __init__(self, scope: _Scope, methods: list[str]) -> None:
        self.scope = scope
        self.rng = scope.rng
        self.expr = _Expr(scope)
        self.ind = scope.project.style.indent
        self.methods = methods
        self.called: set[str] = set()

    def stateful_calls(self) -> list[str]:
        """Most timers, edge triggers and counters called once, first, as plant code does."""
        out: list[str] = []
        for obj in self.scope.of("timer") + self.scope.of("trig") + self.scope.of("counter"):
            if self.rng.random() < 0.85:
                out += self.call(0, obj)
        return [*out, ""] if out else out

    def block(self, n: int, depth: int, level: int) -> list[str]:
        out: list[str] = []
        for _ in range(n):
            out.extend(self.statement(depth, level))
        return out

    def statement(self, depth: int, level: int) -> list[str]:
        rng, scope, pad = self.rng, self.scope, self.ind * level
        options = ["assign", "assign", "assign", "call"]
        if depth > 0:
            options += ["if", "if", "case", "for"]
        if rng.random() < 0.12:
            options.append("comment")
        if self.methods:
            options.append("method")
        pick = rng.choice(options)
        if pick == "comment":
            return [pad + scope.project.style.comment(_phrase(rng))]
        if pick == "if":
            return self.if_(depth, level)
        if pick == "case":
            enums = scope.of("enum", writable=True)
            if enums:
                return self.case(rng.choice(enums), depth, level)
        if pick == "for":
            loop = self.for_(depth, level)
            if loop:
                return loop
        if pick == "call":
            call = self.call(level)
            if call:
                return call
        if pick == "method":
            name = rng.choice(self.methods)
            return [f"{pad}{rng.choice(['', 'THIS^.'])}{name}();"]
        return self.assign(level)

    def assign(self, level: int) -> list[str]:
        rng, pad = self.rng, self.ind * level
        targets = [
            v
            for kind in ("bool", "int", "real", "time", "string")
            for v in self.scope.of(kind, writable=True)
        ]
        enums = self.scope.of("enum", writable=True)
        if enums and rng.random() < 0.2:
            var = rng.choice(enums)
            enum = next(e for e in self.scope.project.enums if e.name == var.elem)
            return [f"{pad}{var.name} := {enum.name}.{rng.choice(enum.members)};"]
        arrays = self.scope.of("array")
        if arrays and rng.random() < 0.15:
            arr = rng.choice(arrays)
            value = self.expr.bool_() if arr.elem == "BOOL" else self.expr.number(arr.elem)
            return [f"{pad}{arr.name}[{self.expr.index(arr)}] := {value};"]
        if not targets:
            return []
        var = rng.choice(targets)
        value = self.expr.of_var(var)
        if value == var.name:
            value = self.expr.literal(var.type) if var.kind in ("int", "real") else "FALSE"
            value = {"time": _time(rng), "string": "''"}.get(var.kind, value)
        line = f"{pad}{var.name} := {value};"
        if rng.random() < 0.1:
            line += "   " + self.scope.project.style.comment(_phrase(rng))
        return [line]

    def if_(self, depth: int, level: int) -> list[str]:
        rng, pad = self.rng, self.ind * level
        out = [f"{pad}IF {self.expr.bool_()} THEN"]
        out += self.block(rng.randint(1, 3), depth - 1, level + 1) or [f"{pad}{self.ind};"]
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            out.append(f"{pad}ELSIF {self.expr.bool_()} THEN")
            out += self.block(rng.randint(1, 2), depth - 1, level + 1) or [f"{pad}{self.ind};"]
        if rng.random() < 0.35:
            out.append(f"{pad}ELSE")
            out += self.block(rng.randint(1, 2), depth - 1, level + 1) or [f"{pad}{self.ind};"]
        out.append(f"{pad}END_IF")
        return out

    def case(self, var: Var, depth: int, level: int) -> list[str]:
        rng, pad, ind = self.rng, self.ind * level, self.ind
        enum = next(e for e in self.scope.project.enums if e.name == var.elem)
        out = [f"{pad}CASE {var.name} OF"]
        members = enum.members[: rng.randint(2, len(enum.members))]
        for i, member in enumerate(members):
            out.append(f"{pad}{ind}{enum.name}.{member}:")
            out += self.block(rng.randint(1, 3), depth - 1, level + 2)
            if i + 1 < len(enum.members) and rng.random() < 0.5:
                nxt = enum.members[i + 1]
                out.append(f"{pad}{ind}{ind}IF {self.expr.bool_(1)} THEN")
                out.append(f"{pad}{ind * 3}{var.name} := {enum.name}.{nxt};")
                out.append(f"{pad}{ind}{ind}END_IF")
        if len(members) < len(enum.members) or rng.random() < 0.3:
            out.append(f"{pad}ELSE")
            out += self.block(1, 0, level + 1) or [f"{pad}{ind};"]
        out.append(f"{pad}END_CASE")
        return out

    def for_(self, depth: int, level: int) -> list[str]:
        rng, pad = self.rng, self.ind * level
        loops = [v for v in self.scope.of("int", "INT") if v.section == "VAR"]
        arrays = self.scope.of("array")
        if not loops or not arrays:
            return []
        i, arr = rng.choice(loops), rng.choice(arrays)
        out = [f"{pad}FOR {i.name} := 0 TO {arr.size} DO"]
        inner = pad + self.ind
        if arr.elem == "BOOL":
            out.append(f"{inner}{arr.name}[{i.name}] := {self.expr.bool_(1)};")
        else:
            totals = [v for v in self.scope.of(_kind_of(arr.elem), arr.elem, writable=True)]
            if totals and rng.random() < 0.6:
                total = rng.choice(totals)
                out.append(f"{inner}{total.name} := {total.name} + {arr.name}[{i.name}];")
            else:
                out.append(f"{inner}{arr.name}[{i.name}] := {self.expr.number(arr.elem, 1)};")
        if depth > 1 and rng.random() < 0.3:
            out += self.if_(0, level + 1)
        out.append(f"{pad}END_FOR")
        return out

    def call(self, level: int, obj: Var | None = None) -> list[str]:
        rng, scope, pad = self.rng, self.scope, self.ind * level
        objs = scope.of("timer") + scope.of("trig") + scope.of("counter") + scope.of("fb")
        objs = [o for o in objs if o.name not in self.called and (level == 0 or o.kind == "fb")]
        if obj is None and not objs:
            return []
        obj = obj or rng.choice(objs)
        self.called.add(obj.name)
        e = self.expr
        if obj.kind == "timer":
            args = [f"IN := {e.bool_(1)}", f"PT := {e.of_var(Var('', 'TIME', 'time', ''))}"]
        elif obj.kind == "trig":
            args = [f"CLK := {e.bool_(0)}"]
        elif obj.kind == "counter":
            args = [f"CU := {e.bool_(0)}", f"RESET := {e.bool_(0)}", f"PV := {rng.randint(2, 500)}"]
        else:
            block = next(b for b in scope.project.blocks if b.name == obj.elem)
            chosen = rng.sample(block.inputs, rng.randint(0, len(block.inputs)))
            args = [f"{v.name} := {e.of_var(v)}" for v in chosen]
        if len(args) > 2 and rng.random() < 0.5:
            inner = pad + self.ind
            lines = [f"{pad}{obj.name}("]
            lines += [f"{inner}{a}," for a in args[:-1]]
            lines.append(f"{inner}{args[-1]});")
            return lines
        return [f"{pad}{obj.name}({', '.join(args)});"]


# ------------------------------------------------------------------ POUs and files


def _declaration_lines(style: Style, decls: list[Var]) -> list[str]:
    """One indented, optionally aligned ``name : TYPE := init; // comment`` line per variable."""
    out = []
    for v in decls:
        name = style.indent + v.name
        head = name.ljust(style.align - 1) if style.align and len(name) < style.align - 1 else name
        line = f"{head} : {v.type}"
        if v.init:
            line += f" := {v.init}"
        line += ";"
        if v.comment:
            line += " " + style.comment(v.comment)
        out.append(line)
    return out


def _declarations(style: Style, section: str, decls: list[Var]) -> list[str]:
    return [section, *_declaration_lines(style, decls), "END_VAR"]


def _header(rng: random.Random, style: Style, name: str) -> list[str]:
    if not style.headers:
        return []
    text = f"{name}: {_phrase(rng)}"
    if style.line_comments:
        return ["//" + "=" * 60, f"// {text}", "//" + "=" * 60]
    return ["(*" + "*" * 60, f" {text}", "*" * 60 + "*)"]


def composed_block(rng: random.Random, project: Project, name: str) -> tuple[str, Block]:
    """A function block (with 0-3 methods) built from random declarations and statements."""
    style = project.style
    scope = _Scope(rng, project)
    inputs = [_declare_scalar(scope, "VAR_INPUT") for _ in range(rng.randint(1, 6))]
    outputs = [_declare_scalar(scope, "VAR_OUTPUT") for _ in range(rng.randint(1, 5))]
    for _ in range(rng.randint(2, 8)):
        if rng.random() < 0.5:
            _declare_local_object(scope)
        else:
            _declare_scalar(scope, "VAR")
    if rng.random() < 0.5:
        scope.add(Var(scope.fresh(style.int_prefix, 1), "INT", "int", "VAR"))
    methods = [scope.fresh("", rng.choice([1, 2])) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
    body = _Body(scope, methods)
    code = body.stateful_calls() + body.block(rng.randint(3, 10), 2, 0)
    for method in methods:
        code += ["", *_method(rng, scope, method)]
    lines = _header(rng, style, name)
    lines.append(f"FUNCTION_BLOCK {name}")
    lines += _sections(style, scope.vars, code, ("VAR_INPUT", "VAR_OUTPUT", "VAR"))
    lines += ["", *code, "END_FUNCTION_BLOCK"]
    return "\n".join(lines) + "\n", Block(name, inputs, outputs, methods)


def _sections(
    style: Style, decls: list[Var], code: list[str], sections: tuple[str, ...]
) -> list[str]:
    """Declaration sections; locals that the code never mentions are left out."""
    used = set(re.findall(r"[A-Za-z_]\w*", "\n".join(code)))
    out: list[str] = []
    for section in sections:
        keep = [v for v in decls if v.section == section and (section != "VAR" or v.name in used)]
        if keep:
            out += _declarations(style, section, keep)
    return out


def _method(rng: random.Random, scope: _Scope, name: str) -> list[str]:
    returns = rng.choice(["", "", "BOOL", "INT", "REAL"])
    head = f"METHOD {rng.choice(['', '', 'PUBLIC ', 'PRIVATE '])}{name}"
    lines = [head + (f" : {returns}" if returns else "")]
    body = _Body(scope, [])
    lines += body.block(rng.randint(1, 5), 1, 0)
    if returns:
        value = {"BOOL": body.expr.bool_(1), "INT": body.expr.number("INT", 1)}.get(
            returns, body.expr.number("REAL", 1)
        )
        lines.append(f"{name} := {value};")
    lines.append("END_METHOD")
    return lines


def composed_function(rng: random.Random, project: Project, name: str) -> str:
    """A function of its inputs with a numeric or boolean result."""
    style = project.style
    scope = _Scope(rng, project)
    returns = rng.choice(["BOOL", "INT", "DINT", "REAL", "LREAL"])
    for _ in range(rng.randint(1, 4)):
        _declare_scalar(scope, "VAR_INPUT")
    for _ in range(rng.randint(0, 3)):
        _declare_scalar(scope, "VAR")
    scope.names.add(name.upper())
    body = _Body(scope, [])
    code = body.block(rng.randint(1, 4), 1, 0)
    value = body.expr.bool_() if returns == "BOOL" else body.expr.number(returns)
    code.append(f"{name} := {value};")
    lines = _header(rng, style, name)
    lines.append(f"FUNCTION {name} : {returns}")
    lines += _sections(style, scope.vars, code, ("VAR_INPUT", "VAR"))
    lines += ["", *code, "END_FUNCTION"]
    return "\n".join(lines) + "\n"


def composed_enum(rng: random.Random, project: Project, name: str) -> str:
    """An enumeration with the project's pragmas."""
    style = project.style
    members = ["e" + w for w in rng.sample(WORDS, rng.randint(3, 8))]
    project.enums.append(Enum(name, members))
    lines = ["{attribute 'qualified_only'}", "{attribute 'strict'}"] if style.pragmas else []
    lines += [f"TYPE {name} :", "("]
    step = rng.choice([1, 1, 10, 100])
    numbered = rng.random() < 0.7
    for i, m in enumerate(members):
        end = "," if i + 1 < len(members) else ""
        value = f" := {i * step}" if numbered else ""
        lines.append(f"{style.indent}{m}{value}{end}")
    lines += [");", "END_TYPE"]
    return "\n".join(lines) + "\n"


def composed_struct(rng: random.Random, project: Project, name: str) -> str:
    """A structure of scalar fields."""
    style = project.style
    scope = _Scope(rng, project)
    fields = [_declare_scalar(scope, "VAR") for _ in range(rng.randint(2, 7))]
    project.structs.append(Struct(name, {f.name: (f.kind, f.type) for f in fields}))
    lines = [f"TYPE {name} :", "STRUCT"]
    lines += _declaration_lines(style, fields)
    lines += ["END_STRUCT", "END_TYPE"]
    return "\n".join(lines) + "\n"


def composed_gvl(rng: random.Random, project: Project, name: str) -> str:
    """A global variable list; its variables become visible to later POUs."""
    style = project.style
    scope = _Scope(rng, project)
    decls = [_declare_scalar(scope, "VAR") for _ in range(rng.randint(3, 10))]
    lines = _declarations(style, "VAR_GLOBAL", decls)
    project.globals_.extend(decls)
    return "\n".join(lines) + "\n"


def composed_program(rng: random.Random, project: Project, name: str) -> str:
    """A program that instantiates the project's blocks and calls them."""
    style = project.style
    scope = _Scope(rng, project)
    for block in project.blocks:
        scope.add(Var(scope.fresh("fb", 2), block.name, "fb", "VAR", elem=block.name))
    for _ in range(rng.randint(2, 5)):
        _declare_scalar(scope, "VAR")
    lines = _header(rng, style, name)
    lines.append(f"PROGRAM {name}")
    lines += _declarations(style, "VAR", [v for v in scope.vars if v.section == "VAR"])
    body = _Body(scope, [])
    lines.append("")
    for inst in [v for v in scope.vars if v.kind == "fb"]:
        body_line = body.call(0) if rng.random() < 0.3 else []
        lines += body_line
        block = next(b for b in project.blocks if b.name == inst.elem)
        args = [f"{v.name} := {body.expr.of_var(v)}" for v in block.inputs[: rng.randint(0, 3)]]
        lines.append(f"{inst.name}({', '.join(args)});")
    lines += body.block(rng.randint(1, 5), 1, 0)
    lines.append("END_PROGRAM")
    return "\n".join(lines) + "\n"


def generate_composed_project(rng: random.Random, index: int = 0) -> dict[str, str]:
    """File name -> text: enums, structs, a GVL, composed function blocks and functions, and
    a program, in one random house style."""
    project = Project(Style.pick(rng))
    files: dict[str, str] = {}
    for _ in range(rng.randint(0, 2)):
        name = "E_" + _camel(rng, rng.choice([1, 2]))
        if name not in files and all(e.name != name for e in project.enums):
            files[f"{name}.st"] = composed_enum(rng, project, name)
    for _ in range(rng.randint(0, 2)):
        name = "ST_" + _camel(rng, rng.choice([1, 2]))
        if all(s.name != name for s in project.structs):
            files[f"{name}.st"] = composed_struct(rng, project, name)
    if rng.random() < 0.5:
        gvl = "GVL_" + _camel(rng, 1)
        files[f"{gvl}.st"] = composed_gvl(rng, project, gvl)
    taken = {n.upper() for n in files}
    for _ in range(rng.randint(1, 5)):
        name = "FB_" + _camel(rng, rng.choice([1, 2, 3]))
        if f"{name}.ST" in taken:
            continue
        taken.add(f"{name}.ST")
        text, block = composed_block(rng, project, name)
        project.blocks.append(block)
        files[f"{name}.st"] = text
    for _ in range(rng.randint(0, 2)):
        name = "F_" + _camel(rng, rng.choice([1, 2]))
        if f"{name}.ST" not in taken:
            taken.add(f"{name}.ST")
            files[f"{name}.st"] = composed_function(rng, project, name)
    main = "MAIN" if index == 0 else f"PRG_{_camel(rng, 1)}"
    files[f"{main}.st"] = composed_program(rng, project, main)
    return files
