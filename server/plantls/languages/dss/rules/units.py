"""DSS4xx: voltage bases and units."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.dss.analysis import SQRT3, DssAnalysis, element_buses, number, phases_of
from plantls.languages.dss.model import Element, Other
from plantls.languages.dss.rules.base import DssRule, own_elements, where
from plantls.languages.dss.schema import enum_match, schema
from plantls.languages.dss.syntax import split_array, split_bus

KV_CLASSES = {"load", "capacitor", "generator", "pvsystem", "storage"}
KV_TOLERANCE = 0.10
"""Units are often rated above the nominal level (13.2 kV capacitors on 12.47 kV)."""


def _close(a: float, b: float) -> bool:
    return b > 0 and abs(a - b) / b <= KV_TOLERANCE


class MissingVoltageBases(DssRule):
    """DSS401."""

    code = "DSS401"
    name = "missing-voltage-bases"
    severity = Severity.WARNING
    summary = "No Set voltagebases, or CalcVoltageBases before the buses exist"
    doc = RuleDoc(
        why=(
            "Per-unit voltages, ANSI range checks and voltage plots all depend on each "
            "bus's base. Without `Set voltagebases=[...]` the engine has no list to choose "
            "from, and `CalcVoltageBases` run before the transformers and lines are defined "
            "assigns bases to buses that do not exist yet: results come out in nonsense "
            "per-unit values."
        ),
        example="New Circuit.plant basekv=33 bus1=grid\nRedirect lines.dss\nSolve",
        fix=(
            "After the whole circuit is defined: `Set voltagebases=[33 11 0.4]` listing "
            "every line-to-line level, then `CalcVoltageBases`, then `Solve`."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Find the missing Set and early CalcVoltageBases."""
        if not analysis.has_circuit:
            return
        solves = [
            s for s in analysis.program
            if isinstance(s, Other) and s.name.lower() in ("solve", "calcvoltagebases")
        ]
        bus_kv_set = any(
            isinstance(s, Other) and s.name.lower() == "setkvbase" for s in analysis.program
        )
        if analysis.voltage_bases_at is None and not bus_kv_set:
            if not solves:
                return
            circuit = next(
                (e for e in analysis.elements() if e.cls == "Circuit"), None
            )
            if circuit is not None and circuit.uri == analysis.uri:
                yield self.finding(
                    analysis.range(circuit.name_token),
                    "no `Set voltagebases=[...]` before the circuit is solved",
                )
            return
        for s in solves:
            if not isinstance(s, Other) or s.uri != analysis.uri:
                continue
            if s.name.lower() != "calcvoltagebases":
                continue
            at = analysis.at(s)
            if analysis.voltage_bases_at is not None and analysis.voltage_bases_at > at:
                yield self.finding(
                    analysis.range(s.command.verb),
                    "CalcVoltageBases runs before `Set voltagebases`",
                )
                continue
            start = analysis.epoch_start(at)
            if not any(
                e.cls in ("Line", "Transformer") and start <= analysis.at(e) < at
                for e in analysis.elements()
            ):
                yield self.finding(
                    analysis.range(s.command.verb),
                    "CalcVoltageBases runs before any line or transformer is defined",
                )


class KvMismatch(DssRule):
    """DSS402."""

    code = "DSS402"
    name = "kv-mismatch"
    severity = Severity.WARNING
    summary = "Element kV that matches no voltage base at its bus"
    doc = RuleDoc(
        why=(
            "Loads, capacitors and generators take their rated kV: line-to-line for "
            "three-phase and delta units, line-to-neutral (or line-to-line) for a "
            "single-phase unit. A three-phase load given the line-to-neutral value, or a "
            "unit rated for another voltage level, draws the wrong power (a constant-Z "
            "load at 1/√3 of its kV draws three times its kW)."
        ),
        example=(
            "Set voltagebases=[11 0.4]\n"
            "New Load.Compressor bus1=lv1 phases=3 kv=0.23 kw=90   ! 0.23 is line-to-neutral"
        ),
        fix=(
            "Give the line-to-line kV of the bus for three-phase elements, and "
            "line-to-neutral (kV/√3) for single-phase elements connected phase to neutral."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Compare each unit's kV with its bus's level or the voltage bases."""
        engine_bases = analysis.engine.bus_kv_base if analysis.engine else {}
        for el in own_elements(analysis):
            if el.cls.lower() not in KV_CLASSES or el.verb != "new":
                continue
            pv = el.get("kv")
            kv = number(pv.text) if pv else None
            buses = element_buses(el)
            if pv is None or pv.value is None or kv is None or kv <= 0 or not buses:
                continue
            bus = split_bus(buses[0][1])[0].lower()
            phases = phases_of(analysis, el) or 3
            level = None
            if bus in engine_bases and engine_bases[bus] > 0:
                level = engine_bases[bus] * SQRT3
            elif bus in analysis.bus_kv:
                level = analysis.bus_kv[bus]
            if level is not None:
                allowed = [level] if phases > 1 else [level, level / SQRT3]
                if any(_close(kv, x) for x in allowed):
                    continue
                if phases > 1 and _close(kv, level / SQRT3):
                    msg = (
                        f"kv={pv.text} is the line-to-neutral value of bus {bus!r} "
                        f"({level:g} kV line-to-line); a {phases}-phase {el.cls} takes "
                        f"{level:g}"
                    )
                else:
                    msg = f"kv={pv.text} does not match bus {bus!r} ({level:g} kV line-to-line)"
                yield self.finding(analysis.range(pv.value), msg)
                continue
            bases = analysis.voltage_bases
            if not bases:
                continue
            allowed = [b for b in bases]
            allowed += [b / SQRT3 for b in bases] + [2 * b / SQRT3 for b in bases]
            if not any(_close(kv, x) for x in allowed):
                listed = " ".join(f"{b:g}" for b in bases)
                yield self.finding(
                    analysis.range(pv.value),
                    f"kv={pv.text} matches none of the voltage bases [{listed}] "
                    "(line-to-line or line-to-neutral)",
                )


def _units(text: str | None) -> str | None:
    if not text:
        return None
    prop = schema().cls("Line").prop("units")  # type: ignore[union-attr]
    found = enum_match(prop, text) if prop else None
    if found is None:
        return None
    return {"meter": "m", "miles": "mi"}.get(found, found)


class LengthUnits(DssRule):
    """DSS403."""

    code = "DSS403"
    name = "length-units"
    severity = Severity.WARNING
    summary = "Line and linecode length units that disagree"
    doc = RuleDoc(
        why=(
            "A linecode's impedances are per unit length. When the linecode says "
            "`units=none` (the default) but the line gives its length in feet, the engine "
            "applies the per-unit-length values per foot: a linecode written in ohms per "
            "mile becomes 5280 times too strong. When both say units and they differ, the "
            "engine converts, which is right only if both were meant."
        ),
        example=(
            "New LineCode.mv240 nphases=3 r1=0.125 x1=0.1     ! ohm per km, but no units=\n"
            "New Line.F1_01 bus1=sub bus2=f1_01 linecode=mv240 length=400 units=m"
        ),
        fix="Give the linecode its `units=` and the line the same units (or none).",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Compare each line's units with its linecode's."""
        for el in own_elements(analysis):
            if el.cls != "Line":
                continue
            code_pv = el.get("linecode")
            if code_pv is None or not code_pv.text:
                continue
            key = f"linecode.{code_pv.text.lower()}"
            code = analysis.new_of(key)
            if code is None:
                continue
            line_units = _units(analysis.value(el.key, "units"))
            code_units = _units(analysis.value(key, "units"))
            units_pv = el.get("units")
            tok = units_pv.value if units_pv and units_pv.value else code_pv.value
            if tok is None:
                continue
            if line_units and line_units != "none" and code_units in (None, "none"):
                yield self.finding(
                    analysis.range(tok),
                    f"line length is in {line_units} but LineCode.{code.name} "
                    f"({where(analysis, code)}) has no units: its impedances are taken per "
                    f"{line_units}",
                )


class LoadshapePoints(DssRule):
    """DSS404."""

    code = "DSS404"
    name = "loadshape-points"
    severity = Severity.WARNING
    summary = "Loadshape npts different from the length of its mult array"
    doc = RuleDoc(
        why=(
            "`npts` tells the engine how many points to use. With fewer values than "
            "`npts` the rest of the day is missing (or read as zero); with more, the tail "
            "of the profile is silently dropped. Either way a daily or yearly study uses a "
            "different load profile than the one written."
        ),
        example="New LoadShape.Shift npts=24 interval=1 mult=[0.3 0.3 0.5 0.9 1 1 0.8]",
        fix="Make `npts` equal to the number of values, or drop `npts` and let it follow.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Count inline mult values."""
        for el in own_elements(analysis):
            if el.cls != "LoadShape":
                continue
            npts_pv = el.get("npts")
            mult = el.get("mult")
            if npts_pv is None or mult is None or mult.value is None:
                continue
            npts = number(npts_pv.text)
            if npts is None or "=" in mult.text:
                continue
            count = len(split_array(mult.value))
            if count != int(npts):
                yield self.finding(
                    analysis.range(mult.value),
                    f"npts={int(npts)} but mult has {count} value{'s' if count != 1 else ''}",
                )


class ZeroImpedance(DssRule):
    """DSS405."""

    code = "DSS405"
    name = "zero-impedance"
    severity = Severity.WARNING
    summary = "Zero or near-zero impedance or length"
    doc = RuleDoc(
        why=(
            "A branch with no impedance makes the admittance matrix singular or badly "
            "conditioned: the solution fails to converge, or converges to meaningless "
            "currents. Use a switch (`switch=yes`), which the engine models with a small "
            "safe impedance, when a zero-length connection is intended."
        ),
        example="New Line.Tie bus1=mv1 bus2=mv2 r1=0 x1=0 length=0.2",
        fix="Give the real length and impedance, or make it a switch (`switch=yes`).",
    )

    def _flag(self, analysis: DssAnalysis, el: Element, names: tuple[str, ...]) -> bool:
        values = [number(el.value(n)) for n in names]
        return all(v is not None and abs(v) < 1e-9 for v in values)

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Check explicit zero lengths and impedances."""
        for el in own_elements(analysis):
            switch = (analysis.value(el.key, "switch") or "").lower()[:1] in ("y", "t")
            if el.cls == "Line" and not switch:
                length = el.get("length")
                v = number(length.text) if length else None
                if length and length.value and v is not None and v <= 1e-6:
                    yield self.finding(analysis.range(length.value), f"line length is {v:g}")
                if self._flag(analysis, el, ("r1", "x1")):
                    pv = el.get("x1")
                    if pv is not None and pv.value is not None:
                        yield self.finding(analysis.range(pv.value), "r1 and x1 are both zero")
            elif el.cls == "LineCode" and self._flag(analysis, el, ("r1", "x1")):
                pv = el.get("x1")
                if pv is not None and pv.value is not None:
                    yield self.finding(analysis.range(pv.value), "r1 and x1 are both zero")
            elif el.cls == "Transformer":
                pv = el.get("xhl")
                v = number(pv.text) if pv else None
                if pv is not None and pv.value is not None and v is not None and v <= 1e-6:
                    yield self.finding(
                        analysis.range(pv.value), "transformer reactance XHL is zero"
                    )


RULES: list[DssRule] = [
    MissingVoltageBases(), KvMismatch(), LengthUnits(), LoadshapePoints(), ZeroImpedance(),
]
