"""RCP2xx: tool limits — hardware, MFC low end, qualified windows, gas panel, tool match, ramps."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Position, Range
from plantls.core.rules import RuleDoc
from plantls.languages.recipe import units
from plantls.languages.recipe.analysis import RecipeAnalysis
from plantls.languages.recipe.model import Chamber, Limit, Setpoint, Step
from plantls.languages.recipe.rules.base import RecipeRule, dedupe

TEMPERATURE_TOLERANCE = 0.5
"""degC: a ramp start within this of the previous end counts as equal."""
WINDOW_STEP_TYPES = frozenset({"stabilize", "deposit", "etch", "plasma", "pulse"})
"""Qualified windows apply to steps at process conditions, not to pump, purge, ramp or vent."""
UNCONTROLLED_PRESSURE = frozenset({"pump", "vent"})
"""In these steps ``pressure`` is a target reached with the valve open, not a controlled value."""


def _hardware(sp: Setpoint, chamber: Chamber) -> tuple[Limit | None, str]:
    """The hardware limit of a setpoint on a chamber, and what it is called."""
    if sp.key == "gases":
        line = chamber.gases.get(sp.name)
        if line is None or line.full_scale is None:
            return None, ""
        return Limit(None, line.full_scale), f"the MFC full scale of line {line.line}"
    if sp.key == "rf":
        gen = chamber.rf.get(sp.name)
        if gen is None:
            return None, ""
        return Limit(gen.min_power, gen.max_power), f"generator {sp.name}'s range"
    if sp.key == "pressure":
        return chamber.pressure, "the chamber's pressure range"
    if sp.key == "temperature":
        return chamber.temperature, "the heater's range"
    return None, ""


def _outside(sp: Setpoint, lim: Limit) -> tuple[str, float, float] | None:
    """("above"|"below", value, limit) when the setpoint can leave the limit."""
    hi, lo = sp.high, sp.low
    if lim.max is not None and hi is not None and hi > lim.max * (1 + 1e-9):
        return "above", hi, lim.max
    if lim.min is not None and lo is not None and lo < lim.min * (1 - 1e-9):
        if sp.key in ("gases", "rf") and lo == 0:
            return None  # off is always allowed
        return "below", lo, lim.min
    return None


def _leaf_setpoints(analysis: RecipeAnalysis) -> Iterator[tuple[Step, Setpoint]]:
    for step in analysis.model.all_steps():
        for sp in step.setpoints():
            yield step, sp


class HardwareLimit(RecipeRule):
    """RCP201."""

    code = "RCP201"
    name = "hardware-limit"
    severity = Severity.ERROR
    summary = "Setpoint outside the hardware limit (MFC full scale, RF maximum, pressure range)"
    doc = RuleDoc(
        why=(
            "A setpoint the hardware cannot deliver does not fail politely: an MFC asked for "
            "more than full scale saturates and the step runs lean, a generator clamps or "
            "faults mid-step, a throttle valve that cannot reach the pressure hunts. The tool "
            "file states what each chamber can do; the recipe must stay inside it."
        ),
        example=(
            "# tool: SiH4 on line 1, full scale 500 sccm; RF1 max 1000 W\n"
            "gases:\n"
            "  SiH4: 600 sccm\n"
            "rf:\n"
            "  RF1: 1200 W"
        ),
        fix=(
            "Bring the setpoint inside the limit, or use a line with a larger MFC. For a "
            "`${parameter}`, its max (and min) must be inside the limit too."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Every setpoint against the chamber's hardware."""
        ch = analysis.chamber
        if ch is None:
            return
        out = []
        for step, sp in _leaf_setpoints(analysis):
            if sp.key == "pressure" and step.type in UNCONTROLLED_PRESSURE:
                continue
            lim, what = _hardware(sp, ch)
            if lim is None:
                continue
            hit = _outside(sp, lim)
            if hit is None:
                continue
            side, value, limit = hit
            label = f"{sp.name} " if sp.key in ("gases", "rf") else ""
            out.append(self.finding(
                analysis.range(sp.node),
                f"{label}{sp.key if sp.key not in ('gases', 'rf') else 'setpoint'} "
                f"{sp.describe(value)} is {side} {what} "
                f"({units.fmt(limit, sp.dimension)}) on chamber {ch.name}",
            ))
        yield from dedupe(out)


class MfcLowEnd(RecipeRule):
    """RCP202."""

    code = "RCP202"
    name = "mfc-low-end"
    severity = Severity.WARNING
    summary = "Gas flow below the MFC's usable low end"
    doc = RuleDoc(
        why=(
            "A mass flow controller is accurate to a share of its full scale; below about 2 % "
            "of full scale its error is larger than the flow. A 5 sccm setpoint on a 1000 sccm "
            "MFC may deliver anything from 0 to 15 sccm, and the film drifts run to run."
        ),
        example="# tool: NH3 full scale 1000 sccm, low_end 2 % (20 sccm)\ngases:\n  NH3: 5 sccm",
        fix="Use a line with a smaller MFC, or raise the flow above the low end.",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Flows above zero but below the line's low end."""
        ch = analysis.chamber
        if ch is None:
            return
        out = []
        for _step, sp in _leaf_setpoints(analysis):
            if sp.key != "gases" or sp.name not in ch.gases:
                continue
            low_end = ch.gases[sp.name].low_end
            positive = [v for v in sp.values if v > 0]
            if low_end is None or not positive or min(positive) >= low_end * (1 - 1e-9):
                continue
            line = ch.gases[sp.name]
            out.append(self.finding(
                analysis.range(sp.node),
                f"{sp.name} flow {sp.describe(min(positive))} is below the usable low end "
                f"({units.fmt(low_end, units.FLOW)}) of line {line.line}'s "
                f"{units.fmt(line.full_scale or 0, units.FLOW)} MFC",
            ))
        yield from dedupe(out)


class ProcessWindow(RecipeRule):
    """RCP203."""

    code = "RCP203"
    name = "process-window"
    severity = Severity.WARNING
    summary = "Setpoint outside the qualified process window"
    doc = RuleDoc(
        why=(
            "The hardware can do more than has been qualified. A process window is the range "
            "over which film thickness, uniformity, stress and particles were measured and "
            "signed off. Outside it the tool runs, but nobody knows what comes out. This is a "
            "warning, distinct from the hardware error RCP201."
        ),
        example="# tool window: pressure 1.5 Torr .. 3 Torr\npressure: 4 Torr",
        fix=(
            "Stay inside the window, or run a qualification (DOE) and widen the window in the "
            "tool file through change control."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Setpoints against windows (values the hardware already rejects are not repeated)."""
        ch = analysis.chamber
        if ch is None:
            return
        out = []
        for step, sp in _leaf_setpoints(analysis):
            if sp.key not in ("gases", "rf", "pressure", "temperature"):
                continue
            if step.type not in WINDOW_STEP_TYPES:
                continue
            name = sp.name if sp.key in ("gases", "rf") else ""
            window = ch.windows.get((sp.key, name))
            if window is None or ((sp.high or 0) == 0 and sp.key in ("gases", "rf")):
                continue
            hw, _ = _hardware(sp, ch)
            if hw is not None and _outside(sp, hw) is not None:
                continue
            positive = Setpoint(sp.key, sp.name, sp.dimension, sp.key_node, sp.node,
                                tuple(v for v in sp.values
                                      if v > 0 or sp.key not in ("gases", "rf")),
                                sp.parameter)
            hit = _outside(positive, window)
            if hit is None:
                continue
            side, value, _limit = hit
            label = f"{sp.name} " if name else f"{sp.key} "
            out.append(self.finding(
                analysis.range(sp.node),
                f"{label}{sp.describe(value)} is {side} the qualified window "
                f"{window.text(sp.dimension)} on chamber {ch.name}",
            ))
        yield from dedupe(out)


class NotOnChamber(RecipeRule):
    """RCP204."""

    code = "RCP204"
    name = "gas-not-on-chamber"
    severity = Severity.ERROR
    summary = "Gas (or RF generator) not present on this chamber"
    doc = RuleDoc(
        why=(
            "A recipe that names a gas the chamber's gas panel does not have cannot run as "
            "written: the tool rejects it at download, or worse, a controller maps the step to "
            "another line. The same holds for an RF generator the chamber does not have."
        ),
        example="# chamber PM1 has SiH4, N2O, NH3, N2, Ar\ngases:\n  O2: 100 sccm",
        fix="Use a gas the chamber has (see hover on the chamber), or run on another chamber.",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Gas and generator names against the chamber."""
        ch = analysis.chamber
        if ch is None:
            return
        for step in analysis.model.all_steps():
            for gas, sp in step.gases.items():
                if gas not in ch.gases:
                    close = difflib.get_close_matches(gas, list(ch.gases), n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    have = ", ".join(ch.gases) or "none"
                    yield self.finding(analysis.range(sp.key_node),
                                       f"gas '{gas}' is not on chamber {ch.name}'s gas panel "
                                       f"({have}){hint}")
            for gen, sp in step.rf.items():
                if gen not in ch.rf:
                    have = ", ".join(ch.rf) or "none"
                    yield self.finding(analysis.range(sp.key_node),
                                       f"RF generator '{gen}' is not on chamber {ch.name} "
                                       f"({have})")


class ToolMismatch(RecipeRule):
    """RCP205."""

    code = "RCP205"
    name = "tool-mismatch"
    severity = Severity.ERROR
    summary = "Recipe's tool or chamber does not match the tool file (or no tool file found)"
    doc = RuleDoc(
        why=(
            "Every limit check depends on reading the right tool file. A recipe written for "
            "chamber PM2 checked against PM1, or for a PECVD tool checked against an etcher, "
            "gives answers that look authoritative and are wrong. When no tool file can be "
            "found, plantls says so instead of silently skipping the RCP2xx checks."
        ),
        example="recipe:\n  tool: pecvd-01\n  chamber: PM3      # the tool has PM1 and PM2",
        fix=(
            "Name an existing chamber and the right tool id; keep the tool file in the "
            "workspace, or point to it with `recipe.tool_file`."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Tool id, type and chamber against the tool file."""
        model = analysis.model
        if analysis.tool_problem:
            node = model.meta_node("tool_file") or model.meta_node("tool")
            rng = analysis.range(node) if node is not None else Range(Position(0, 0),
                                                                      Position(0, 0))
            yield self.finding(rng, analysis.tool_problem, Severity.WARNING)
            return
        tool = analysis.tool
        if tool is None:
            return
        tool_id = model.meta_text("tool")
        node = model.meta_node("tool")
        if tool_id and tool.id and tool_id != tool.id and node is not None:
            yield self.finding(analysis.range(node),
                               f"recipe names tool '{tool_id}' but its tool file is for "
                               f"'{tool.id}'")
        tool_type = model.meta_text("tool_type")
        node = model.meta_node("tool_type")
        if tool_type and tool.type and tool_type != tool.type and node is not None:
            yield self.finding(analysis.range(node),
                               f"recipe is for a '{tool_type}' tool but '{tool.id}' is a "
                               f"'{tool.type}' tool")
        chamber = model.meta_text("chamber")
        node = model.meta_node("chamber")
        if chamber and chamber not in tool.chambers and node is not None:
            close = difflib.get_close_matches(chamber, list(tool.chambers), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield self.finding(analysis.range(node),
                               f"tool '{tool.id}' has no chamber '{chamber}' "
                               f"(it has {', '.join(tool.chambers) or 'none'}){hint}")


class TemperatureRamp(RecipeRule):
    """RCP206."""

    code = "RCP206"
    name = "temperature-ramp"
    severity = Severity.ERROR
    summary = (
        "Temperature ramp faster than the tool allows, or starting where the last step did not end"
    )
    doc = RuleDoc(
        why=(
            "Heaters and susceptors crack, and wafers bow or slip, when heated faster than the "
            "rate the tool was designed for. A ramp written to start at 200 degC right after "
            "a step that held 350 degC does not start at 200: the heater jumps or the ramp "
            "is wrong, and the time the recipe assumes is not the time it takes."
        ),
        example=(
            "# tool: ramp_rate max 10 degC/min\n"
            "  - {name: Heat, type: ramp, temperature: {from: 200 degC, to: 400 degC},\n"
            "     ramp_rate: 25 degC/min}"
        ),
        fix=(
            "Lower the rate (or lengthen the ramp), and start each ramp at the temperature "
            "the previous step ended at."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Ramp rates against the chamber, and ramp starts against the previous end."""
        ch = analysis.chamber
        out = []
        last: float | None = None
        last_step: Step | None = None
        for step in analysis.model.execution():
            if ch is not None and ch.ramp_max is not None:
                if step.ramp_rate is not None and step.ramp_rate.high is not None and (
                    step.ramp_rate.high > ch.ramp_max * (1 + 1e-9)
                ):
                    out.append(self.finding(
                        analysis.range(step.ramp_rate.node),
                        f"ramp rate {step.ramp_rate.describe(step.ramp_rate.high)} is faster "
                        f"than chamber {ch.name} allows "
                        f"({units.fmt(ch.ramp_max, units.RATE)})"))
                elif step.ramp_rate is None and step.duration is not None:
                    start = step.temp_from.high if step.temp_from else last
                    end = step.temperature.high if step.temperature else None
                    t = step.duration.low
                    if start is not None and end is not None and t and t > 0 and (
                        step.type == "ramp"
                    ):
                        rate = abs(end - start) / t * 60
                        if rate > ch.ramp_max * (1 + 1e-9):
                            out.append(self.finding(
                                analysis.range(step.duration.node),
                                f"{units.fmt(start, units.TEMPERATURE)} to "
                                f"{units.fmt(end, units.TEMPERATURE)} in {t:g} s is "
                                f"{rate:.3g} degC/min, faster than chamber {ch.name} allows "
                                f"({units.fmt(ch.ramp_max, units.RATE)})"))
            if step.temp_from is not None and step.temp_from.high is not None and last is not None:
                start = step.temp_from.high
                if abs(start - last) > TEMPERATURE_TOLERANCE and last_step is not None:
                    out.append(self.finding(
                        analysis.range(step.temp_from.node),
                        f"ramp starts at {units.fmt(start, units.TEMPERATURE)} but "
                        f"{last_step.label()} ended at {units.fmt(last, units.TEMPERATURE)}",
                        Severity.WARNING))
            if step.temperature is not None and step.temperature.values and (
                len(set(step.temperature.values)) == 1
            ):
                last, last_step = step.temperature.values[0], step
            elif step.temperature is not None:
                last, last_step = None, None
        yield from dedupe(out)


RULES: list[RecipeRule] = [
    HardwareLimit(),
    MfcLowEnd(),
    ProcessWindow(),
    NotOnChamber(),
    ToolMismatch(),
    TemperatureRamp(),
]
