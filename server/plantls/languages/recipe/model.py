"""Semantic models of tool files and recipes, built from the positioned YAML tree.

Values are kept as plain floats in one unit per dimension (sccm, Torr, W, degC, degC/min,
s, MHz) so that rules compare numbers, not strings. Unit and parameter problems found while
building a model are recorded with their rule code; the rules report them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from plantls.languages.recipe import units
from plantls.languages.recipe.yamltree import Entry, Mapping, Node, Scalar, Sequence

REF = re.compile(r"\$\{\s*([^}]*?)\s*\}")
WHOLE_REF = re.compile(r"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*$")
DEFAULT_LOW_END_FRACTION = 0.02
"""Usable low end of an MFC when the tool file does not give one: 2 % of full scale."""
MAX_STEPS = 5000


@dataclass(frozen=True)
class Problem:
    """A unit or parameter problem: rule code, span and message."""

    code: str
    start: int
    end: int
    message: str


def _scalar(node: Node | None) -> Scalar | None:
    return node if isinstance(node, Scalar) else None


def _text(node: Node | None) -> str | None:
    s = _scalar(node)
    if s is None or s.value is None:
        return None
    return s.text if isinstance(s.value, str) else str(s.value)


def read_quantity(
    node: Node | None, dimension: str, what: str, problems: list[Problem], code: str = "RCP102"
) -> float | None:
    """A literal quantity in the dimension's unit, or None (with a problem when it is wrong)."""
    s = _scalar(node)
    if s is None:
        return None
    value = s.value
    parsed = units.parse_quantity(value)
    if parsed.unitless:
        number = float(value) if not isinstance(value, str) else float(value.strip())
        if number == 0 and dimension != units.TEMPERATURE:
            return 0.0
        example = units.UNIT_CHOICES[dimension][0]
        problems.append(Problem(code, s.start, s.end,
                                f"{what} '{s.text}' has no unit; write it with a {dimension} "
                                f"unit, e.g. '{s.text} {example}'"))
        return None
    if parsed.quantity is None:
        problems.append(Problem(code, s.start, s.end, f"{what}: {parsed.error}"))
        return None
    dim = units.dimension_of(parsed.quantity)
    if dim != dimension:
        choices = ", ".join(units.UNIT_CHOICES[dimension])
        problems.append(Problem(code, s.start, s.end,
                                f"{what} '{s.text}' is a "
                                f"{units.describe_dimension(parsed.quantity)}; it needs a "
                                f"{dimension} unit ({choices})"))
        return None
    return units.magnitude(parsed.quantity, dimension)


# -- tool files ------------------------------------------------------------------------------


@dataclass
class Limit:
    """A min..max pair (either may be missing) with the nodes that set them."""

    min: float | None = None
    max: float | None = None
    min_node: Node | None = None
    max_node: Node | None = None

    def text(self, dimension: str) -> str:
        """``1.5 Torr .. 3 Torr``."""
        lo = units.fmt(self.min, dimension) if self.min is not None else "—"
        hi = units.fmt(self.max, dimension) if self.max is not None else "—"
        return f"{lo} .. {hi}"


@dataclass
class GasLine:
    """One gas line of a chamber's gas panel."""

    gas: str
    line: str
    full_scale: float | None
    low_end: float | None
    kind: str
    node: Mapping

    @property
    def inert(self) -> bool:
        """Inert gases (N2, Ar, He) purge and vent."""
        return self.kind == "inert"


@dataclass
class Generator:
    """An RF generator."""

    name: str
    max_power: float | None
    min_power: float | None
    frequency: float | None
    key: Scalar


@dataclass
class Chamber:
    """One chamber (process module) and what it can do."""

    name: str
    key: Scalar
    base_pressure: float | None = None
    pressure: Limit = field(default_factory=Limit)
    temperature: Limit = field(default_factory=Limit)
    idle_temperature: float | None = None
    ramp_max: float | None = None
    rf: dict[str, Generator] = field(default_factory=dict)
    gases: dict[str, GasLine] = field(default_factory=dict)
    windows: dict[tuple[str, str], Limit] = field(default_factory=dict)
    """Qualified windows by (setpoint, name): ("pressure", ""), ("gases", "SiH4"), ("rf", "HF")."""


@dataclass
class Incompatibility:
    """Two gases that must never meet."""

    a: str
    b: str
    reason: str

    def pair(self) -> frozenset[str]:
        """The two gases."""
        return frozenset((self.a, self.b))


@dataclass
class ToolModel:
    """A tool capability file."""

    uri: str
    id: str | None
    type: str | None
    id_node: Scalar | None
    chambers: dict[str, Chamber] = field(default_factory=dict)
    incompatible: list[Incompatibility] = field(default_factory=list)
    purge_min: float | None = None
    problems: list[Problem] = field(default_factory=list)

    def incompatible_with(self, gas: str) -> list[tuple[str, str]]:
        """(other gas, reason) for every pair that includes ``gas``."""
        out = []
        for inc in self.incompatible:
            if gas == inc.a:
                out.append((inc.b, inc.reason))
            elif gas == inc.b:
                out.append((inc.a, inc.reason))
        return out


def _limit(node: Node | None, dimension: str, what: str, problems: list[Problem]) -> Limit:
    lim = Limit()
    if isinstance(node, Mapping):
        lim.min_node, lim.max_node = node.get("min"), node.get("max")
        lim.min = read_quantity(lim.min_node, dimension, f"{what} min", problems)
        lim.max = read_quantity(lim.max_node, dimension, f"{what} max", problems)
    return lim


def _chamber(name: str, key: Scalar, node: Mapping, problems: list[Problem]) -> Chamber:
    ch = Chamber(name, key)
    ch.base_pressure = read_quantity(node.get("base_pressure"), units.PRESSURE, "base_pressure",
                                     problems)
    ch.pressure = _limit(node.get("pressure"), units.PRESSURE, "pressure", problems)
    temp = node.get("temperature")
    ch.temperature = _limit(temp, units.TEMPERATURE, "temperature", problems)
    if isinstance(temp, Mapping):
        ch.idle_temperature = read_quantity(temp.get("idle"), units.TEMPERATURE, "idle", problems)
    ramp = node.get("ramp_rate")
    if isinstance(ramp, Mapping):
        ch.ramp_max = read_quantity(ramp.get("max"), units.RATE, "ramp_rate max", problems)
    rf = node.get("rf")
    if isinstance(rf, Mapping):
        for e in rf.entries:
            g = e.value if isinstance(e.value, Mapping) else Mapping(e.value.start, e.value.end)
            ch.rf[e.name] = Generator(
                e.name,
                read_quantity(g.get("max_power"), units.POWER, "max_power", problems),
                read_quantity(g.get("min_power"), units.POWER, "min_power", problems),
                read_quantity(g.get("frequency"), units.FREQUENCY, "frequency", problems),
                e.key,
            )
    lines = node.get("gas_lines")
    if isinstance(lines, Sequence):
        for item in lines.items:
            if not isinstance(item, Mapping):
                continue
            gas = _text(item.get("gas"))
            if not gas:
                continue
            full = read_quantity(item.get("full_scale"), units.FLOW, "full_scale", problems)
            low = _low_end(item.get("low_end"), full, problems)
            ch.gases[gas] = GasLine(gas, _text(item.get("line")) or "?", full, low,
                                    _text(item.get("kind")) or "process", item)
    windows = node.get("windows")
    if isinstance(windows, Mapping):
        for dim_key, dim in (("pressure", units.PRESSURE), ("temperature", units.TEMPERATURE)):
            if windows.get(dim_key) is not None:
                ch.windows[(dim_key, "")] = _limit(windows.get(dim_key), dim, f"window {dim_key}",
                                                   problems)
        for group, dim in (("rf", units.POWER), ("gases", units.FLOW)):
            sub = windows.get(group)
            if isinstance(sub, Mapping):
                for e in sub.entries:
                    ch.windows[(group, e.name)] = _limit(e.value, dim, f"window {e.name}",
                                                         problems)
    return ch


def _low_end(node: Node | None, full: float | None, problems: list[Problem]) -> float | None:
    s = _scalar(node)
    if s is None:
        return full * DEFAULT_LOW_END_FRACTION if full is not None else None
    parsed = units.parse_quantity(s.value)
    if parsed.quantity is not None and units.dimension_of(parsed.quantity) == units.FRACTION:
        share = float(parsed.quantity.to("dimensionless").magnitude)
        return full * share if full is not None else None
    return read_quantity(s, units.FLOW, "low_end", problems)


def build_tool(uri: str, root: Node | None) -> ToolModel:
    """The tool model of a parsed tool file (empty when the file is not a mapping)."""
    problems: list[Problem] = []
    if not isinstance(root, Mapping):
        return ToolModel(uri, None, None, None, problems=problems)
    tool = root.get("tool")
    tool_map = tool if isinstance(tool, Mapping) else Mapping(0, 0)
    model = ToolModel(uri, _text(tool_map.get("id")), _text(tool_map.get("type")),
                      _scalar(tool_map.get("id")), problems=problems)
    chambers = root.get("chambers")
    if isinstance(chambers, Mapping):
        for e in chambers.entries:
            if isinstance(e.value, Mapping):
                model.chambers[e.name] = _chamber(e.name, e.key, e.value, problems)
    inc = root.get("incompatible")
    if isinstance(inc, Sequence):
        for item in inc.items:
            if not isinstance(item, Mapping):
                continue
            gases = item.get("gases")
            if isinstance(gases, Sequence) and len(gases.items) == 2:
                a, b = (_text(g) for g in gases.items)
                if a and b:
                    reason = _text(item.get("reason")) or ""
                    model.incompatible.append(Incompatibility(a, b, reason))
    purge = root.get("purge")
    if isinstance(purge, Mapping):
        model.purge_min = read_quantity(purge.get("min_duration"), units.TIME,
                                        "purge min_duration", problems)
    return model


# -- recipes ---------------------------------------------------------------------------------


@dataclass
class Parameter:
    """A variable recipe parameter."""

    name: str
    key: Scalar
    node: Mapping
    unit: str
    dimension: str | None
    min: float | None = None
    max: float | None = None
    default: float | None = None
    description: str = ""

    def values(self) -> tuple[float, ...]:
        """Every value the parameter may take that the recipe states (min, default, max)."""
        return tuple(v for v in (self.min, self.default, self.max) if v is not None)


@dataclass
class Setpoint:
    """One setpoint of a step, with every value it may take."""

    key: str
    """``gases``, ``rf``, ``pressure``, ``temperature``, ``ramp_rate``, ``duration``,
    ``max_time``."""
    name: str
    """The gas or generator name, or the key again."""
    dimension: str
    key_node: Scalar
    node: Node
    values: tuple[float, ...] = ()
    parameter: str | None = None

    @property
    def low(self) -> float | None:
        """Smallest possible value."""
        return min(self.values) if self.values else None

    @property
    def high(self) -> float | None:
        """Largest possible value."""
        return max(self.values) if self.values else None

    def describe(self, value: float) -> str:
        """``'600 sccm'`` or ``'${flow}' (up to 600 sccm)``."""
        shown = units.fmt(value, self.dimension)
        if self.parameter:
            return f"'${{{self.parameter}}}' (can be {shown})"
        return f"'{shown}'" if isinstance(self.node, Scalar) else shown


@dataclass
class Step:
    """A recipe step (a ``cycle`` step holds nested steps)."""

    name: str
    type: str
    node: Mapping
    name_node: Scalar | None
    type_node: Scalar | None
    gases: dict[str, Setpoint] = field(default_factory=dict)
    rf: dict[str, Setpoint] = field(default_factory=dict)
    pressure: Setpoint | None = None
    temperature: Setpoint | None = None
    temp_from: Setpoint | None = None
    ramp_rate: Setpoint | None = None
    duration: Setpoint | None = None
    endpoint: Entry | None = None
    max_time: Setpoint | None = None
    cycles: int | None = None
    cycles_node: Scalar | None = None
    children: list[Step] = field(default_factory=list)

    def flowing(self) -> list[str]:
        """Gases with a flow above zero in this step."""
        return [g for g, sp in self.gases.items() if (sp.high or 0) > 0]

    def rf_on(self) -> list[str]:
        """Generators with power above zero."""
        return [g for g, sp in self.rf.items() if (sp.high or 0) > 0]

    def label(self) -> str:
        """``step 'Deposit'``."""
        return f"step '{self.name}'"

    def anchor(self) -> Node:
        """Where to report a step-level finding: its name value, else its start."""
        return self.name_node or self.type_node or self.node

    def setpoints(self) -> Iterator[Setpoint]:
        """Every setpoint of the step."""
        yield from self.gases.values()
        yield from self.rf.values()
        for sp in (self.pressure, self.temp_from, self.temperature, self.ramp_rate,
                   self.duration, self.max_time):
            if sp is not None:
                yield sp

    def time_s(self) -> float | None:
        """Longest time the step can take."""
        if self.duration is not None:
            return self.duration.high
        if self.max_time is not None:
            return self.max_time.high
        return None


@dataclass
class RecipeModel:
    """A recipe: metadata, parameters and steps."""

    meta: Mapping | None
    parameters: dict[str, Parameter] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    references: list[tuple[str, int, int]] = field(default_factory=list)
    """Every ``${name}`` in the file: (name, start, end)."""

    def meta_text(self, key: str) -> str | None:
        """A metadata value as text."""
        return _text(self.meta.get(key)) if self.meta is not None else None

    def meta_node(self, key: str) -> Node | None:
        """A metadata value node."""
        return self.meta.get(key) if self.meta is not None else None

    def all_steps(self) -> Iterator[Step]:
        """Every step, nested ones included, in source order."""
        todo = list(reversed(self.steps))
        while todo:
            s = todo.pop()
            yield s
            todo.extend(reversed(s.children))

    def execution(self) -> list[Step]:
        """Leaf steps in the order they run; a cycle's body appears twice when it repeats,
        so the step after its last one (its first, again) is checked too."""
        out: list[Step] = []

        def expand(steps: list[Step], depth: int) -> None:
            for s in steps:
                if len(out) > MAX_STEPS:
                    return
                if s.children and depth < 16:
                    repeat = 2 if (s.cycles or 1) > 1 else 1
                    for _ in range(repeat):
                        expand(s.children, depth + 1)
                elif not s.children:
                    out.append(s)

        expand(self.steps, 0)
        return out


class _RecipeBuilder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.params: dict[str, Parameter] = {}
        self.refs: list[tuple[str, int, int]] = []

    def parameter(self, entry: Entry) -> Parameter | None:
        node = entry.value
        if not isinstance(node, Mapping):
            return None
        unit_node = _scalar(node.get("unit"))
        unit_text = _text(unit_node) or ""
        dimension: str | None = None
        if unit_node is not None and unit_text:
            parsed = units.parse_quantity(f"1 {unit_text}")
            if parsed.quantity is None:
                self.problems.append(Problem("RCP102", unit_node.start, unit_node.end,
                                             f"parameter '{entry.name}': {parsed.error}"))
            else:
                dimension = units.dimension_of(parsed.quantity)
                if dimension is None:
                    self.problems.append(Problem(
                        "RCP102", unit_node.start, unit_node.end,
                        f"parameter '{entry.name}': unit '{unit_text}' is not a flow, pressure, "
                        "power, temperature, rate or time"))
        p = Parameter(entry.name, entry.key, node, unit_text, dimension,
                      description=_text(node.get("description")) or "")
        if dimension is not None:
            for attr in ("min", "max", "default"):
                s = _scalar(node.get(attr))
                if s is None:
                    continue
                if isinstance(s.value, int | float) and not isinstance(s.value, bool):
                    q = units.with_unit(float(s.value), unit_text).quantity
                    value = units.magnitude(q, dimension) if q is not None else None
                else:
                    value = read_quantity(s, dimension, f"parameter '{entry.name}' {attr}",
                                          self.problems)
                setattr(p, attr, value)
            self._check_range(p)
        return p

    def _check_range(self, p: Parameter) -> None:
        dim = p.dimension or units.FLOW
        if p.min is not None and p.max is not None and p.min > p.max:
            n = p.node.get("min") or p.key
            self.problems.append(Problem("RCP103", n.start, n.end,
                                         f"parameter '{p.name}': min {units.fmt(p.min, dim)} is "
                                         f"above max {units.fmt(p.max, dim)}"))
        if p.default is None:
            return
        n = p.node.get("default") or p.key
        if p.min is not None and p.default < p.min:
            self.problems.append(Problem("RCP103", n.start, n.end,
                                         f"parameter '{p.name}': default "
                                         f"{units.fmt(p.default, dim)} is below its min "
                                         f"{units.fmt(p.min, dim)}"))
        if p.max is not None and p.default > p.max:
            self.problems.append(Problem("RCP103", n.start, n.end,
                                         f"parameter '{p.name}': default "
                                         f"{units.fmt(p.default, dim)} is above its max "
                                         f"{units.fmt(p.max, dim)}"))

    def setpoint(self, key: str, name: str, entry: Entry, dimension: str,
                 what: str) -> Setpoint:
        node = entry.value
        sp = Setpoint(key, name, dimension, entry.key, node)
        s = _scalar(node)
        if s is None:
            return sp
        if isinstance(s.value, str) and "${" in s.value:
            m = WHOLE_REF.match(s.value)
            if m is None:
                self.problems.append(Problem("RCP102", s.start, s.end,
                                             f"{what}: a parameter reference must be the whole "
                                             "value, such as '${silane_flow}'; the parameter "
                                             "carries the unit"))
                return sp
            pname = m.group(1)
            sp.parameter = pname
            p = self.params.get(pname)
            if p is None:
                return sp  # reported as an undefined reference (RCP103)
            if p.dimension is not None and p.dimension != dimension:
                self.problems.append(Problem("RCP102", s.start, s.end,
                                             f"{what}: parameter '{pname}' is in {p.unit} "
                                             f"({p.dimension}); this setpoint needs a "
                                             f"{dimension}"))
                return sp
            sp.values = p.values()
            return sp
        value = read_quantity(s, dimension, what, self.problems)
        if value is not None:
            sp.values = (value,)
        return sp

    def step(self, node: Node, depth: int) -> Step | None:
        if not isinstance(node, Mapping):
            return None
        name_node, type_node = _scalar(node.get("name")), _scalar(node.get("type"))
        step = Step(_text(name_node) or "(unnamed)", _text(type_node) or "", node, name_node,
                    type_node)
        where = step.label()
        for e in node.entries:
            key = e.name
            if key == "gases" and isinstance(e.value, Mapping):
                for g in e.value.entries:
                    step.gases[g.name] = self.setpoint("gases", g.name, g, units.FLOW,
                                                       f"{g.name} flow in {where}")
            elif key == "rf" and isinstance(e.value, Mapping):
                for g in e.value.entries:
                    step.rf[g.name] = self.setpoint("rf", g.name, g, units.POWER,
                                                    f"{g.name} power in {where}")
            elif key == "pressure":
                step.pressure = self.setpoint(key, key, e, units.PRESSURE, f"pressure in {where}")
            elif key == "temperature":
                if isinstance(e.value, Mapping):
                    for sub in e.value.entries:
                        if sub.name == "from":
                            step.temp_from = self.setpoint("temperature", "from", sub,
                                                           units.TEMPERATURE,
                                                           f"ramp start in {where}")
                        elif sub.name == "to":
                            step.temperature = self.setpoint("temperature", "to", sub,
                                                             units.TEMPERATURE,
                                                             f"ramp end in {where}")
                else:
                    step.temperature = self.setpoint(key, key, e, units.TEMPERATURE,
                                                     f"temperature in {where}")
            elif key == "ramp_rate":
                step.ramp_rate = self.setpoint(key, key, e, units.RATE, f"ramp_rate in {where}")
            elif key == "duration":
                step.duration = self.setpoint(key, key, e, units.TIME, f"duration of {where}")
            elif key == "endpoint" and isinstance(e.value, Mapping):
                step.endpoint = e
                mt = e.value.entry("max_time")
                if mt is not None:
                    step.max_time = self.setpoint("max_time", "max_time", mt, units.TIME,
                                                  f"endpoint max_time of {where}")
            elif key == "cycles":
                s = _scalar(e.value)
                step.cycles_node = s
                if s is not None and isinstance(s.value, int) and not isinstance(s.value, bool):
                    step.cycles = s.value
            elif key == "steps" and isinstance(e.value, Sequence) and depth < 16:
                step.children = [c for c in (self.step(i, depth + 1) for i in e.value.items) if c]
        return step


def build_recipe(text: str, root: Node | None) -> RecipeModel:
    """The recipe model of a parsed recipe."""
    b = _RecipeBuilder(text)
    if not isinstance(root, Mapping):
        return RecipeModel(None)
    meta = root.get("recipe")
    model = RecipeModel(meta if isinstance(meta, Mapping) else None)
    params = root.get("parameters")
    if isinstance(params, Mapping):
        for e in params.entries:
            p = b.parameter(e)
            if p is not None:
                b.params.setdefault(p.name, p)
    steps = root.get("steps")
    if isinstance(steps, Sequence):
        model.steps = [s for s in (b.step(i, 0) for i in steps.items[:MAX_STEPS]) if s]
    for n in _scalars(root):
        if isinstance(n.value, str) and "${" in n.value:
            for m in REF.finditer(n.value):
                offset = _value_offset(text, n)
                b.refs.append((m.group(1), offset + m.start(), offset + m.end()))
    model.parameters = b.params
    model.problems = b.problems
    model.references = b.refs
    return model


def _value_offset(text: str, node: Scalar) -> int:
    """Offset in the file of the first character of the scalar's value text."""
    raw = text[node.start:node.end]
    idx = raw.find(node.text) if node.text else -1
    return node.start + (idx if idx >= 0 else 0)


def _scalars(root: Node) -> Iterator[Scalar]:
    from plantls.languages.recipe.yamltree import walk

    for n in walk(root):
        if isinstance(n, Scalar):
            yield n
