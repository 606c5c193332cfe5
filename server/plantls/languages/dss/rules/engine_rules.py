"""DSS5xx: findings that come from running the OpenDSS engine (``--engine``)."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Range
from plantls.core.rules import RuleDoc
from plantls.languages.dss.analysis import DssAnalysis
from plantls.languages.dss.rules.base import DssRule


class _EngineRule(DssRule):
    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Findings of this code that the engine run produced for this document."""
        if analysis.engine is None:
            return
        lines = document.lines
        for uri, line, code, severity, message in analysis.engine.findings:
            if uri != analysis.uri or code != self.code:
                continue
            text = lines.line_text(line)
            start = len(text) - len(text.lstrip())
            rng = Range.of(line, start, line, len(text.rstrip()))
            yield self.finding(rng, message, severity=Severity.parse(severity))


class EngineError(_EngineRule):
    """DSS501."""

    code = "DSS501"
    name = "engine-error"
    severity = Severity.ERROR
    summary = "The OpenDSS engine reported an error for this command"
    doc = RuleDoc(
        why=(
            "The engine is the final word on what a script means. With `--engine` (or "
            "`dss.engine = true` in the editor, on saved files) plantls runs the root "
            "script in a scratch folder, with commands that write files or open windows "
            "removed, and reports each engine error on the line that caused it."
        ),
        example="New Load.Press bus1=lv1 kv=0.4 kw=55 conn=star",
        fix="Read the engine's message; the static rule with the same cause gives the fix.",
    )


class NotConverged(_EngineRule):
    """DSS502."""

    code = "DSS502"
    name = "not-converged"
    severity = Severity.ERROR
    summary = "The power flow did not converge"
    doc = RuleDoc(
        why=(
            "A power flow that does not converge gives voltages and currents that are not "
            "a solution of the circuit at all. Typical causes are islands, zero "
            "impedances, huge loads on a weak source, or wrong voltage levels."
        ),
        example="New Load.Smelter bus1=lv1 kv=0.4 kw=500000",
        fix=(
            "Fix DSS301/DSS405/DSS402 findings first; then check load sizes and the "
            "source impedance, or raise `Set maxiterations=`."
        ),
    )


class VoltageRange(_EngineRule):
    """DSS503."""

    code = "DSS503"
    name = "voltage-out-of-range"
    severity = Severity.WARNING
    summary = "Bus voltage outside ANSI C84.1 range A (0.95-1.05 pu)"
    doc = RuleDoc(
        why=(
            "Range A is the band service voltages must stay in under normal conditions. "
            "A bus outside it in the base case means equipment at that bus runs out of "
            "its rating, or the model's taps, regulators or voltage bases are wrong."
        ),
        example="New Line.Long bus1=lv1 bus2=far linecode=lv16 length=2 units=km",
        fix=(
            "Check the bus's voltage base first (DSS402); then tap settings, regulator "
            "targets, conductor sizes and load levels. The finding is on the line that "
            "first connects something to the bus."
        ),
    )


class Overload(_EngineRule):
    """DSS504."""

    code = "DSS504"
    name = "overload"
    severity = Severity.WARNING
    summary = "Line or transformer loaded above its normal rating"
    doc = RuleDoc(
        why=(
            "Above `normamps` (lines) or the rated kVA (transformers) equipment heats "
            "beyond its design; in a planning study this is a violation to fix or accept "
            "explicitly."
        ),
        example="New Transformer.T2 ... kvas=[500 500]   ! feeds 800 kW of load",
        fix="Upgrade the element, spread the load, or set the real `normamps`/`kvas`.",
    )


RULES: list[DssRule] = [EngineError(), NotConverged(), VoltageRange(), Overload()]
