"""RCP3xx: sequence and safety."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.recipe import units
from plantls.languages.recipe.analysis import RecipeAnalysis
from plantls.languages.recipe.model import Setpoint, Step
from plantls.languages.recipe.rules.base import (
    RecipeRule,
    dedupe,
    is_inert,
    is_purge,
    process_gases,
)


class IncompatibleInStep(RecipeRule):
    """RCP301."""

    code = "RCP301"
    name = "incompatible-gases"
    severity = Severity.ERROR
    summary = "Incompatible gases flowing in the same step"
    doc = RuleDoc(
        why=(
            "Some gas pairs react on contact, without any plasma: silane is pyrophoric and "
            "ignites with oxygen; TMA and water react in the lines and the chamber and turn "
            "an ALD process into a particle-making CVD one. The tool file lists the pairs its "
            "gas panel must never mix."
        ),
        example="# tool: incompatible [SiH4, O2]\ngases:\n  SiH4: 100 sccm\n  O2: 200 sccm",
        fix="Flow them in separate steps, with a purge between (see RCP302).",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Each step's flowing gases against the tool's incompatible pairs."""
        tool = analysis.tool
        if tool is None or not tool.incompatible:
            return
        for step in analysis.model.all_steps():
            flowing = step.flowing()
            for i, gas in enumerate(flowing):
                for other, reason in tool.incompatible_with(gas):
                    if other in flowing[:i]:
                        why = f": {reason}" if reason else ""
                        yield self.finding(
                            analysis.range(step.gases[gas].key_node),
                            f"{gas} and {other} flow together in {step.label()}{why}",
                        )


class MissingPurge(RecipeRule):
    """RCP302."""

    code = "RCP302"
    name = "missing-purge"
    severity = Severity.ERROR
    summary = "No purge between incompatible chemistries in consecutive steps"
    doc = RuleDoc(
        why=(
            "Gas left in the lines, the showerhead and the chamber after a step meets the next "
            "step's gas. Between incompatible chemistries a purge with inert gas, long enough "
            "to sweep the volume, is what keeps them apart. In an ALD loop the purge after "
            "each half-cycle is the process itself."
        ),
        example=(
            "  - {name: TMA pulse, type: pulse, duration: 0.02 s, gases: {TMA: 150 sccm}}\n"
            "  - {name: H2O pulse, type: pulse, duration: 0.02 s, gases: {H2O: 200 sccm}}"
        ),
        fix=(
            "Insert a `type: purge` step flowing only inert gas (N2, Ar), at least as long as "
            "the tool's `purge.min_duration`."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Walk the steps in run order, remembering gases since the last real purge."""
        tool = analysis.tool
        if tool is None or not tool.incompatible:
            return
        ch = analysis.chamber
        exposed: dict[str, Step] = {}
        reported: set[tuple[int, str]] = set()
        note = ""
        out = []
        for step in analysis.model.execution():
            ok, why = is_purge(step, ch, tool.purge_min)
            if ok:
                exposed.clear()
                note = ""
                continue
            if why:
                note = why
            for gas in step.flowing():
                for other, _reason in tool.incompatible_with(gas):
                    before = exposed.get(other)
                    if before is None or before is step or (id(before), gas) in reported:
                        continue
                    reported.add((id(before), gas))
                    extra = f" ({note})" if note else ""
                    out.append(self.finding(
                        analysis.range(step.gases[gas].key_node),
                        f"{gas} in {step.label()} follows {other} in {before.label()} with no "
                        f"purge between them{extra}",
                    ))
            for gas in step.flowing():
                exposed[gas] = step
        yield from dedupe(out)


class PumpAndVent(RecipeRule):
    """RCP303."""

    code = "RCP303"
    name = "pump-vent-order"
    severity = Severity.ERROR
    summary = "Process gas before pump-down to base pressure, or vent without a prior inert purge"
    doc = RuleDoc(
        why=(
            "Process gas let into a chamber that still holds air or moisture reacts with it: "
            "silane with oxygen, ammonia with water, precursors with anything. Pumping to base "
            "pressure first proves the chamber is tight and empty. At the end, venting a "
            "chamber that still holds process gas pushes it toward the operator and into the "
            "load lock; an inert purge before the vent sweeps it to the exhaust."
        ),
        example=(
            "steps:\n"
            "  - {name: Stabilize, type: stabilize, duration: 30 s, gases: {SiH4: 100 sccm}}\n"
            "  ...\n"
            "  - {name: Vent, type: vent, duration: 60 s, gases: {N2: 2000 sccm}}"
        ),
        fix=(
            "Start with a `type: pump` step whose pressure reaches the chamber's base "
            "pressure, and put a `type: purge` step with inert gas after the last process gas "
            "and before the vent."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Track pump-down and purge state along the run order."""
        ch = analysis.chamber
        base = ch.base_pressure if ch is not None else None
        pumped = False
        dirty = False
        warned_gas = False
        out = []
        for step in analysis.model.execution():
            if step.type == "pump":
                pumped = True
                sp = step.pressure
                if base is not None and sp is not None and sp.low is not None and (
                    sp.low > base * (1 + 1e-9)
                ):
                    out.append(self.finding(
                        analysis.range(sp.node),
                        f"pump-down target {sp.describe(sp.low)} is above chamber "
                        f"{ch.name if ch else ''} base pressure "
                        f"({units.fmt(base, units.PRESSURE)})"))
            gases = process_gases(step, ch)
            if gases and not pumped and not warned_gas:
                warned_gas = True
                out.append(self.finding(
                    analysis.range(step.gases[gases[0]].key_node),
                    f"{gases[0]} flows in {step.label()} before any pump-down to base pressure",
                ))
            if gases:
                dirty = True
            if step.type == "purge" and step.flowing() and all(
                is_inert(g, ch) for g in step.flowing()
            ):
                dirty = False
            if step.type == "vent" and dirty:
                anchor = step.type_node or step.anchor()
                out.append(self.finding(
                    analysis.range(anchor),
                    f"{step.label()} vents the chamber with no inert purge after the last "
                    "process gas",
                ))
        yield from dedupe(out)


class RfWithoutStabilization(RecipeRule):
    """RCP304."""

    code = "RCP304"
    name = "rf-without-stabilization"
    severity = Severity.WARNING
    summary = "RF on without a gas and pressure stabilisation step before it"
    doc = RuleDoc(
        why=(
            "Striking a plasma while flows and pressure are still settling gives a plasma that "
            "ignites late, arcs, or reflects power back into the generator; the first seconds "
            "of film are off-target and particles rise. The step before RF-on should flow the "
            "process gases at the process pressure, with RF off, until they are stable."
        ),
        example=(
            "  - {name: Pump, type: pump, duration: 60 s, pressure: 5 mTorr}\n"
            "  - {name: Deposit, type: deposit, duration: 60 s, gases: {SiH4: 100 sccm},\n"
            "     pressure: 2 Torr, rf: {RF1: 400 W}}"
        ),
        fix="Add a `type: stabilize` step with the same gases and pressure and no RF before it.",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """The step before each RF-on step must flow gas at a set pressure with RF off."""
        out = []
        steps = analysis.model.execution()
        for i, step in enumerate(steps):
            gens = step.rf_on()
            if not gens:
                continue
            anchor = analysis.range(step.rf[gens[0]].key_node)
            if not step.flowing():
                out.append(self.finding(anchor, f"RF is on in {step.label()} with no gas flowing"))
                continue
            prev = steps[i - 1] if i > 0 else None
            if prev is not None and prev.rf_on():
                continue
            if prev is None:
                out.append(self.finding(anchor, f"RF is on in the first step, {step.label()}, "
                                                "with no stabilisation before it"))
                continue
            has_pressure = prev.pressure is not None and (prev.pressure.high or 0) > 0
            if not prev.flowing() or not has_pressure:
                missing = " and ".join(
                    w for w, ok in (("gas flow", bool(prev.flowing())),
                                    ("pressure control", has_pressure)) if not ok
                )
                out.append(self.finding(
                    anchor,
                    f"RF turns on in {step.label()} but the step before it, {prev.label()}, "
                    f"has no {missing} to stabilise",
                ))
        yield from dedupe(out)


class StepTiming(RecipeRule):
    """RCP305."""

    code = "RCP305"
    name = "step-timing"
    severity = Severity.ERROR
    summary = "Zero or negative duration, or an endpoint step with no timeout"
    doc = RuleDoc(
        why=(
            "A step of zero or negative time is skipped or rejected by the controller, so the "
            "recipe does not do what it says. An endpoint step without `max_time` waits for a "
            "signal forever when the signal never comes (a dirty window, a drifting sensor): "
            "the wafer sits in plasma until someone notices."
        ),
        example=(
            "  - {name: Main etch, type: etch, endpoint: {signal: OES 387 nm}}\n"
            "  - {name: Settle, type: wait, duration: 0 s}"
        ),
        fix="Give every step a positive duration, and every endpoint a `max_time`.",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Duration, endpoint and timeout of every leaf step."""
        for step in analysis.model.all_steps():
            if step.children or step.type == "cycle":
                continue
            for sp, what in ((step.duration, "duration"), (step.max_time, "endpoint max_time")):
                if sp is not None and sp.low is not None and sp.low <= 0:
                    yield self.finding(analysis.range(sp.node),
                                       f"{what} of {step.label()} is {sp.describe(sp.low)}; "
                                       "it must be above zero")
            if step.endpoint is not None and step.max_time is None:
                yield self.finding(analysis.range(step.endpoint.key),
                                   f"endpoint of {step.label()} has no max_time: the step "
                                   "never times out if the signal is not seen")
            if step.duration is None and step.endpoint is None:
                yield self.finding(analysis.range(step.anchor()),
                                   f"{step.label()} has neither a duration nor an endpoint")


class AldPulsePurge(RecipeRule):
    """RCP306."""

    code = "RCP306"
    name = "ald-pulse-purge"
    severity = Severity.ERROR
    summary = "ALD precursor pulse not followed by a purge, or cycles < 1"
    doc = RuleDoc(
        why=(
            "ALD works because each precursor pulse saturates the surface and the excess is "
            "purged before the co-reactant arrives. A pulse followed directly by the next "
            "pulse (including the wrap-around from the last step of a loop to its first) "
            "gives CVD growth, thickness non-uniformity and particles. A loop with fewer than "
            "one cycle deposits nothing."
        ),
        example=(
            "  - name: ALD loop\n"
            "    type: cycle\n"
            "    cycles: 0\n"
            "    steps:\n"
            "      - {name: TMA pulse, type: pulse, duration: 0.02 s, gases: {TMA: 50 sccm}}\n"
            "      - {name: H2O pulse, type: pulse, duration: 0.02 s, gases: {H2O: 50 sccm}}"
        ),
        fix=(
            "Follow every precursor pulse with a `type: purge` step of inert gas, and give "
            "`cycles` a value of at least 1."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Cycle counts, and the step after each precursor pulse in run order."""
        out = []
        for step in analysis.model.all_steps():
            if step.type != "cycle" and not step.children:
                continue
            if step.cycles_node is not None and step.cycles is not None and step.cycles < 1:
                out.append(self.finding(analysis.range(step.cycles_node),
                                        f"{step.label()} runs {step.cycles} cycles; it needs "
                                        "at least 1"))
            elif step.cycles_node is None:
                out.append(self.finding(analysis.range(step.anchor()),
                                        f"{step.label()} is a cycle with no `cycles` count"))
        ch = analysis.chamber
        if ch is not None:
            tool = analysis.tool
            steps = analysis.model.execution()
            for i, step in enumerate(steps):
                if step.type != "pulse":
                    continue
                precursors = [g for g in step.flowing()
                              if g in ch.gases and ch.gases[g].kind == "precursor"]
                if not precursors:
                    continue
                nxt = steps[i + 1] if i + 1 < len(steps) else None
                ok, why = (is_purge(nxt, ch, tool.purge_min if tool else None)
                           if nxt is not None else (False, ""))
                if ok:
                    continue
                after = f"by {nxt.label()}" if nxt is not None else "by the end of the recipe"
                extra = f" ({why})" if why else ""
                out.append(self.finding(
                    analysis.range(step.gases[precursors[0]].key_node),
                    f"{precursors[0]} pulse in {step.label()} is followed {after}, not by a "
                    f"purge{extra}",
                ))
        yield from dedupe(out)


class UnsafeEnd(RecipeRule):
    """RCP307."""

    code = "RCP307"
    name = "unsafe-end-state"
    severity = Severity.WARNING
    summary = "Recipe does not end in a safe state (gases and RF off, heaters at idle)"
    doc = RuleDoc(
        why=(
            "What the last step leaves on stays on until the next recipe or an operator "
            "changes it: process gas flowing into an idle chamber, RF on with no wafer, a "
            "heater held at process temperature. The next wafer, or the technician opening "
            "the chamber for maintenance, meets that state."
        ),
        example=(
            "  - {name: Deposit, type: deposit, duration: 60 s, gases: {SiH4: 100 sccm},\n"
            "     pressure: 2 Torr, rf: {RF1: 400 W}, temperature: 350 degC}\n"
            "# end of recipe"
        ),
        fix=(
            "End with steps that turn RF and process gases off (purge, pump) and set the "
            "heater back to the chamber's idle temperature."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """The last step's gases and RF, and the last temperature setpoint."""
        steps = analysis.model.execution()
        if not steps:
            return
        ch = analysis.chamber
        last = steps[-1]
        for gas in process_gases(last, ch):
            yield self.finding(analysis.range(last.gases[gas].key_node),
                               f"recipe ends with {gas} still flowing in {last.label()}")
        for gen in last.rf_on():
            yield self.finding(analysis.range(last.rf[gen].key_node),
                               f"recipe ends with RF {gen} on in {last.label()}")
        if ch is None or ch.idle_temperature is None:
            return
        final: tuple[Step, Setpoint] | None = None
        for step in steps:
            if step.temperature is not None and step.temperature.values:
                final = (step, step.temperature)
        if final is None:
            return
        step, sp = final
        high = sp.high
        if high is not None and high > ch.idle_temperature + 0.5:
            yield self.finding(analysis.range(sp.node),
                               f"recipe leaves the heater at {sp.describe(high)} "
                               f"({step.label()}); chamber {ch.name} idles at "
                               f"{units.fmt(ch.idle_temperature, units.TEMPERATURE)}")


class ApprovalMetadata(RecipeRule):
    """RCP308."""

    code = "RCP308"
    name = "approval-metadata"
    severity = Severity.WARNING
    summary = "Approved recipe missing version or approval metadata"
    doc = RuleDoc(
        why=(
            "An approved recipe is a controlled document: an auditor, or an engineer chasing an "
            "excursion, must be able to tell which version ran and who approved it when. "
            "Without a version and an approver and date, two different files both claim to be "
            "'the approved recipe'."
        ),
        example="recipe:\n  id: OX-PECVD-100\n  approval:\n    state: approved",
        fix="Add `version`, and `approval.by` and `approval.date` (with `change` if you use ECNs).",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Version, approver and date of approved recipes."""
        from plantls.languages.recipe.yamltree import Mapping

        model = analysis.model
        approval = model.meta_node("approval")
        if not isinstance(approval, Mapping):
            return
        state = approval.get("state")
        if state is None or model.meta_text("approval") is not None:
            return
        if getattr(state, "value", None) != "approved":
            return
        missing = []
        if model.meta_node("version") is None or model.meta_text("version") in (None, ""):
            missing.append("version")
        for key in ("by", "date"):
            node = approval.get(key)
            if node is None or getattr(node, "value", None) in (None, ""):
                missing.append(f"approval.{key}")
        if missing:
            yield self.finding(analysis.range(state),
                               f"recipe is approved but has no {', '.join(missing)}")


RULES: list[RecipeRule] = [
    IncompatibleInStep(),
    MissingPurge(),
    PumpAndVent(),
    RfWithoutStabilization(),
    StepTiming(),
    AldPulsePurge(),
    UnsafeEnd(),
    ApprovalMetadata(),
]
