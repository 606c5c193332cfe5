"""Program-level analysis: a file seen inside the script that runs it.

A file's findings depend on what ran before it: the linecodes a ``Redirect``-ed file uses
are usually defined by another file that the master script redirected earlier. So each
document is analysed inside its root script (the top file that transitively includes it),
flattened in execution order, and findings are kept for the document's own lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from plantls.core.documents import Document, path_to_uri
from plantls.core.positions import Range
from plantls.languages.dss.index import DssIndex
from plantls.languages.dss.model import Element, FileModel, Include, Other, Statement
from plantls.languages.dss.schema import schema
from plantls.languages.dss.syntax import Token, split_array, split_bus

MAX_DEPTH = 32
SQRT3 = math.sqrt(3.0)


@dataclass
class BusUse:
    """One terminal of an element on a bus."""

    bus: str
    """Bus name in lower case, without node suffix."""
    nodes: list[str]
    element: Element
    token: Token
    uri: str


@dataclass
class EngineResult:
    """What the engine reported for the root script (filled by the engine runner)."""

    findings: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    """(uri, line, code, severity, message)."""
    bus_voltages: dict[str, list[float]] = field(default_factory=dict)
    """Bus (lower case) → per-unit node voltage magnitudes."""
    bus_kv_base: dict[str, float] = field(default_factory=dict)
    converged: bool | None = None
    error: str = ""


@dataclass
class DssAnalysis:
    """One document analysed within its root script."""

    document: Document
    model: FileModel
    index: DssIndex
    root_uri: str
    roots: list[Path]
    program: list[Statement] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """URIs of the files the root script runs, in first-run order."""
    defs: dict[str, list[Element]] = field(default_factory=dict)
    """Element key → its New and Edit statements in run order."""
    order: dict[int, int] = field(default_factory=dict)
    """id(statement) → its position in the run."""
    positions: dict[int, list[int]] = field(default_factory=dict)
    """id(statement) → every run position (a file may be compiled several times)."""
    clears: list[int] = field(default_factory=list)
    """Run positions of ``Clear`` commands (each starts a new circuit)."""
    include_problems: list[tuple[Include, str]] = field(default_factory=list)
    bus_uses: dict[str, list[BusUse]] = field(default_factory=dict)
    voltage_bases: list[float] = field(default_factory=list)
    voltage_bases_at: int | None = None
    has_circuit: bool = False
    bus_kv: dict[str, float] = field(default_factory=dict)
    """Static estimate of each bus's line-to-line kV (from the source and 3-phase windings)."""
    engine: EngineResult | None = None

    @property
    def uri(self) -> str:
        """The analysed document's URI."""
        return self.document.uri

    def range(self, token: Token) -> Range:
        """LSP range of a token of this document."""
        return self.document.lines.range_of_offsets(token.start, token.end)

    def own(self) -> Iterator[Statement]:
        """This document's statements (in its own order)."""
        yield from self.model.statements

    def elements(self) -> Iterator[Element]:
        """Every element statement of the whole program, in run order."""
        seen: set[int] = set()
        for s in self.program:
            if isinstance(s, Element) and id(s) not in seen:
                seen.add(id(s))
                yield s

    def new_of(self, key: str) -> Element | None:
        """The ``New`` statement that first defines an element."""
        for el in self.defs.get(key, []):
            if el.verb == "new":
                return el
        return None

    def value(self, key: str, prop: str) -> str | None:
        """The last value of a property of an element, across its New and Edits."""
        for el in reversed(self.defs.get(key, [])):
            v = el.value(prop)
            if v is not None:
                return v
        return None

    def defined_before(self, key: str, stmt: Statement) -> bool | None:
        """True if defined before ``stmt`` runs; False if only after; None if never."""
        els = self.defs.get(key)
        if not els:
            cls, _, name = key.partition(".")
            return True if name in schema().builtins.get(cls, ()) else None
        here = self.order.get(id(stmt), 1 << 30)
        epoch = self.epoch_start(here)
        news = [p for e in els if e.verb == "new" for p in self.positions.get(id(e), [])]
        if any(epoch <= at < here for at in news):
            return True
        return False if any(at > here for at in news) else None

    def epoch_start(self, at: int) -> int:
        """Run position of the last ``Clear`` before position ``at`` (0 when none)."""
        start = 0
        for c in self.clears:
            if c < at:
                start = c
        return start

    def at(self, stmt: Statement) -> int:
        """Run position of a statement."""
        return self.order.get(id(stmt), -1)


def inside(path: Path, roots: list[Path]) -> bool:
    """True when ``path`` lies under one of ``roots``."""
    return any(path == r or r in path.parents for r in roots)


def _flatten(
    a: DssAnalysis, model: FileModel, depth: int, stack: list[str]
) -> None:
    if model.uri not in a.files:
        a.files.append(model.uri)
    for stmt in model.statements:
        a.order.setdefault(id(stmt), len(a.program))
        a.positions.setdefault(id(stmt), []).append(len(a.program))
        a.program.append(stmt)
        if not isinstance(stmt, Include):
            continue
        if stmt.token is None or not stmt.token.text:
            a.include_problems.append((stmt, f"{stmt.verb.capitalize()} needs a file name"))
            continue
        target = stmt.target
        if target is None:
            continue
        if not inside(target, a.roots):
            a.include_problems.append(
                (stmt, f"{stmt.token.text!r} is outside the workspace; it is not followed")
            )
            continue
        uri = path_to_uri(target)
        child = a.index.files.get(uri)
        if child is None:
            if target.is_file():
                from plantls.languages.dss.language import model_from_disk

                child = model_from_disk(target, a.index)
            if child is None:
                a.include_problems.append((stmt, f"file {stmt.token.text!r} not found"))
                continue
        if uri in stack:
            a.include_problems.append((stmt, f"{stmt.token.text!r} includes itself (a cycle)"))
            continue
        if depth >= MAX_DEPTH:
            a.include_problems.append((stmt, "includes nested too deeply; not followed"))
            continue
        _flatten(a, child, depth + 1, [*stack, uri])


def _bus_props(el: Element) -> Iterator[tuple[Token, str]]:
    for pv in el.props:
        if pv.prop is None or pv.value is None:
            continue
        if pv.prop.kind == "bus":
            yield pv.value, pv.value.text
        elif pv.prop.kind == "buses":
            for item in split_array(pv.value):
                yield item, item.text


def element_buses(el: Element) -> list[tuple[Token, str]]:
    """The bus specs an element connects to, as written (latest value per terminal)."""
    found = list(_bus_props(el))
    if el.cls == "Circuit" and not any(
        pv.prop is not None and pv.prop.name.lower() == "bus1" for pv in el.props
    ):
        found.append((el.name_token, "sourcebus"))
    return found


def number(text: str | None) -> float | None:
    """A plain number, or None (RPN expressions and names are not evaluated)."""
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def numbers(token: Token | None) -> list[float | None]:
    """The items of an array value as numbers (None where not a plain number)."""
    if token is None:
        return []
    return [number(t.text) for t in split_array(token)]


def phases_of(a: DssAnalysis, el: Element) -> int | None:
    """Number of phases of an element (explicit, else from its linecode, else 3)."""
    if el.cls_schema is None or el.cls_schema.prop("phases") is None:
        return None
    explicit = number(a.value(el.key, "phases"))
    if explicit is not None:
        return int(explicit)
    if el.cls == "Line":
        code = a.value(el.key, "linecode")
        if code:
            n = number(a.value(f"linecode.{code.lower()}", "nphases"))
            if n is not None:
                return int(n)
        if a.value(el.key, "geometry") or a.value(el.key, "spacing"):
            return None
    if el.cls == "Transformer":
        code = a.value(el.key, "xfmrcode")
        if code:
            n = number(a.value(f"xfmrcode.{code.lower()}", "phases"))
            return int(n) if n is not None else None
    if el.cls_schema.prop("like") is not None and a.value(el.key, "like"):
        return None  # copied from another element
    return schema().default_phases.get(el.cls.lower(), 3)


def _voltage_levels(a: DssAnalysis) -> None:
    """Propagate line-to-line kV from the source through lines and 3-phase windings."""
    import networkx as nx

    graph: nx.Graph = nx.Graph()
    for key in a.defs:
        cls = key.split(".", 1)[0]
        new = a.new_of(key)
        if new is None:
            continue
        buses = [split_bus(spec)[0].lower() for _, spec in element_buses(new)]
        if cls == "vsource" and new.cls == "Circuit" and buses:
            kv = number(a.value(key, "basekv"))
            a.bus_kv.setdefault(buses[0], kv if kv is not None else 115.0)
        if cls in ("transformer",):
            phases = number(a.value(key, "phases"))
            if phases is not None and phases < 3:
                continue
            kvs = numbers(_last_token(a, key, "kVs"))
            for bus, kv in zip(buses, kvs, strict=False):
                if kv is not None:
                    a.bus_kv.setdefault(bus, kv)
        if cls in ("line", "reactor") and len(buses) >= 2 and buses[0] != buses[1]:
            graph.add_edge(buses[0], buses[1])
    for bus, kv in list(a.bus_kv.items()):
        if bus in graph:
            for other in nx.node_connected_component(graph, bus):
                a.bus_kv.setdefault(other, kv)


def _last_token(a: DssAnalysis, key: str, prop: str) -> Token | None:
    for el in reversed(a.defs.get(key, [])):
        pv = el.get(prop)
        if pv is not None:
            return pv.value
    return None


def analyze(
    document: Document, model: FileModel, index: DssIndex, roots: list[Path]
) -> DssAnalysis:
    """Analyse ``document`` inside its root script."""
    root_uri = index.root_of(document.uri)
    root_model = index.files.get(root_uri, model)
    if root_uri == document.uri:
        root_model = model
    allowed = roots or ([root_model.path.parent] if root_model.path else [])
    a = DssAnalysis(document, model, index, root_uri, [r.resolve() for r in allowed])
    _flatten(a, root_model, 0, [root_uri])
    sch = schema()
    seen: set[int] = set()
    for position, stmt in enumerate(a.program):
        if isinstance(stmt, Other) and stmt.name.lower() in ("clear", "clearall"):
            a.clears.append(position)
        if id(stmt) in seen:
            continue
        seen.add(id(stmt))
        if isinstance(stmt, Element):
            if stmt.cls == "Circuit":
                a.has_circuit = True
            a.defs.setdefault(stmt.key, []).append(stmt)
            for tok, spec in element_buses(stmt):
                bus, nodes = split_bus(spec)
                a.bus_uses.setdefault(bus.lower(), []).append(
                    BusUse(bus.lower(), nodes, stmt, tok, stmt.uri)
                )
        elif isinstance(stmt, Other) and stmt.name.lower() == "set":
            for p in stmt.command.params:
                if p.name is None:
                    continue
                opt = sch.option(p.name.text)
                if opt is not None and opt.name.lower() == "voltagebases":
                    a.voltage_bases = [v for v in numbers(p.value) if v is not None]
                    if a.voltage_bases_at is None:
                        a.voltage_bases_at = a.order[id(stmt)]
    _voltage_levels(a)
    return a
