"""DSS3xx: topology and phasing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.dss.analysis import BusUse, DssAnalysis, element_buses, number, phases_of
from plantls.languages.dss.rules.base import DssRule, own_elements, where
from plantls.languages.dss.syntax import split_bus

NON_TERMINAL = {"monitor", "energymeter", "sensor"}


def _enabled(analysis: DssAnalysis, key: str) -> bool:
    v = analysis.value(key, "enabled")
    return not (v and v.strip().lower()[:1] in ("n", "f", "0"))


def _current_uses(analysis: DssAnalysis) -> dict[str, list[BusUse]]:
    """Bus uses of the circuit built last (after the last Clear)."""
    start = analysis.clears[-1] if analysis.clears else 0
    out: dict[str, list[BusUse]] = {}
    for bus, uses in analysis.bus_uses.items():
        kept = [u for u in uses if analysis.at(u.element) >= start]
        if kept:
            out[bus] = kept
    return out


class Island(DssRule):
    """DSS301."""

    code = "DSS301"
    name = "island"
    severity = Severity.WARNING
    summary = "Buses and elements not connected to the source"
    doc = RuleDoc(
        why=(
            "Buses that no line, switch or transformer path joins to the circuit's source "
            "have no voltage: the engine either reports them as isolated or fails to "
            "solve, and their loads are missing from the totals. A wrong bus name on one "
            "line is enough to cut off a whole feeder section."
        ),
        example=(
            "New Line.F2_01 bus1=sub_lv bus2=f2_01 ...\n"
            "New Line.F2_02 bus1=f2-01 bus2=f2_02 ...   ! f2-01 is not f2_01"
        ),
        fix="Connect the section (check the bus names at its first element) or remove it.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Find connected components that do not hold the source bus."""
        import networkx as nx

        if not analysis.has_circuit:
            return
        uses = _current_uses(analysis)
        graph: nx.Graph = nx.Graph()
        sources: set[str] = set()
        seen: set[int] = set()
        for bus_uses in uses.values():
            for u in bus_uses:
                el = u.element
                if id(el) in seen or el.verb != "new":
                    continue
                seen.add(id(el))
                if el.cls.lower() in NON_TERMINAL or not _enabled(analysis, el.key):
                    continue
                buses = [split_bus(spec)[0].lower() for _, spec in element_buses(el)]
                buses = [b for b in buses if b]
                if el.cls == "Circuit" and buses:
                    sources.add(buses[0])
                graph.add_nodes_from(buses)
                for other in buses[1:]:
                    if other != buses[0]:
                        graph.add_edge(buses[0], other)
        if not sources:
            return
        for component in nx.connected_components(graph):
            if component & sources:
                continue
            first = min(
                (u for b in component for u in uses.get(b, [])),
                key=lambda u: (analysis.at(u.element), u.token.start),
                default=None,
            )
            if first is None or first.uri != analysis.uri:
                continue
            others = len(component) - 1
            extra = f" (with {others} other bus{'es' if others != 1 else ''})" if others else ""
            yield self.finding(
                analysis.range(first.token),
                f"bus {first.bus!r}{extra} is not connected to the source",
            )


_SEPARATORS = re.compile(r"[\s_\-]")


def _normal(name: str) -> str:
    return _SEPARATORS.sub("", name)


def _one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one letter changed, added, dropped or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return not (a[diff[0]].isdigit() and b[diff[0]].isdigit())
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            i, j = diff
            return a[i] == b[j] and a[j] == b[i] and not (a[i].isdigit() and a[j].isdigit())
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return not long_[i].isdigit()
    return False


class NearMissBus(DssRule):
    """DSS302."""

    code = "DSS302"
    name = "near-miss-bus"
    severity = Severity.WARNING
    summary = "Bus used once whose name nearly matches another bus (likely a typo)"
    doc = RuleDoc(
        why=(
            "The engine creates a bus for every new name, so a typo in a bus name is not "
            "an error: it makes a new, dangling bus and disconnects whatever was meant to "
            "be joined there."
        ),
        example=(
            "New Line.F1_02 bus1=f1_01 bus2=f1_02 ...\n"
            "New Load.Chiller bus1=f1_20 ...   ! meant f1_02"
        ),
        fix="Use the existing bus name; go to definition on a bus lists where it is used.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Compare each single-use bus with the other bus names."""
        if not analysis.has_circuit:
            return
        uses = _current_uses(analysis)
        names = list(uses)
        normals: dict[str, list[str]] = {}
        for n in names:
            normals.setdefault(_normal(n), []).append(n)
        for bus, bus_uses in uses.items():
            if len(bus_uses) != 1 or bus_uses[0].uri != analysis.uri:
                continue
            if sum(ch.isalpha() for ch in bus) <= sum(ch.isdigit() for ch in bus):
                continue  # numbered or hex-coded buses: near neighbours are normal
            match = next((n for n in normals.get(_normal(bus), []) if n != bus), None)
            if match is None and len(names) <= 5000:
                mine = analysis.at(bus_uses[0].element)
                match = next(
                    (
                        n for n in names
                        if _one_edit(bus, n)
                        and (len(uses[n]) > 1 or analysis.at(uses[n][0].element) < mine)
                    ),
                    None,
                )
            if match is not None:
                u = bus_uses[0]
                yield self.finding(
                    analysis.range(u.token),
                    f"bus {bus!r} is used only here and looks like {match!r}, which is used "
                    f"{len(uses[match])} times",
                )


class PhaseNodeMismatch(DssRule):
    """DSS303."""

    code = "DSS303"
    name = "phase-node-mismatch"
    severity = Severity.WARNING
    summary = "Phases and bus node suffixes disagree"
    doc = RuleDoc(
        why=(
            "`phases=3` with `bus1=x.1` gives the element three conductors but names only "
            "one node; the engine fills the others with default nodes 2 and 3, so a "
            "single-phase tap becomes a three-phase one (or the other way round), and the "
            "phase loading and voltages are wrong."
        ),
        example="New Load.Lighting bus1=lv1.1 kv=0.23 kw=12   ! phases defaults to 3",
        fix="Set `phases=` to the number of phase nodes, or list one node per phase.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Compare each bus's node list with the element's phases."""
        for el in own_elements(analysis):
            if el.verb != "new" or el.cls in ("Circuit",) or el.cls_schema is None:
                continue
            phases = phases_of(analysis, el)
            if phases is None:
                continue
            for tok, spec in element_buses(el):
                _, nodes = split_bus(spec)
                if not nodes or any(not n.isdigit() for n in nodes):
                    continue
                live = [n for n in nodes if n != "0"]
                if len(live) < phases and len(nodes) < phases:
                    yield self.finding(
                        analysis.range(tok),
                        f"{el.full_name} has {phases} phase(s) but {spec!r} names "
                        f"{len(nodes)} node(s)",
                    )
                elif len(nodes) > phases + 1:
                    yield self.finding(
                        analysis.range(tok),
                        f"{el.full_name} has {phases} phase(s) but {spec!r} names "
                        f"{len(nodes)} nodes",
                    )


class LinecodePhases(DssRule):
    """DSS304."""

    code = "DSS304"
    name = "linecode-phases"
    severity = Severity.WARNING
    summary = "Line phases different from its linecode's nphases"
    doc = RuleDoc(
        why=(
            "A linecode's impedance matrix is sized for its `nphases`. A line that sets a "
            "different `phases=` either drops part of the matrix or falls back to "
            "symmetrical-component values, so the line's impedance is not the one the "
            "linecode describes."
        ),
        example=(
            "New LineCode.mv240 nphases=3 r1=0.125 x1=0.1 units=km\n"
            "New Line.Tap1 bus1=f1_02.1 bus2=tap1.1 phases=1 linecode=mv240 length=0.1"
        ),
        fix="Use a linecode with the line's number of phases (define a 1-phase one).",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Compare explicit phases with the linecode's explicit nphases."""
        for el in own_elements(analysis):
            if el.cls != "Line":
                continue
            ph_pv = el.get("phases")
            code_pv = el.get("linecode")
            if ph_pv is None or code_pv is None or not code_pv.text:
                continue
            phases = number(ph_pv.text)
            code_key = f"linecode.{code_pv.text.lower()}"
            nph = number(analysis.value(code_key, "nphases"))
            if phases is None or nph is None or phases == nph:
                continue
            if not any(analysis.value(code_key, m) for m in ("rmatrix", "xmatrix")):
                continue  # sequence values: the engine builds a matrix for any phase count
            code = analysis.new_of(code_key)
            at = f" ({where(analysis, code)})" if code else ""
            tok = ph_pv.value or code_pv.value
            if tok is not None:
                yield self.finding(
                    analysis.range(tok),
                    f"{el.full_name} has phases={int(phases)} but LineCode.{code_pv.text} has "
                    f"nphases={int(nph)}{at}",
                )


RULES: list[DssRule] = [Island(), NearMissBus(), PhaseNodeMismatch(), LinecodePhases()]
