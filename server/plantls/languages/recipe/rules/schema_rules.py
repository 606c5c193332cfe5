"""RCP1xx: YAML, schema, units and parameters (recipes and tool files)."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Position, Range
from plantls.core.rules import RuleDoc
from plantls.languages.recipe.analysis import RecipeAnalysis
from plantls.languages.recipe.model import Problem
from plantls.languages.recipe.rules.base import RecipeRule
from plantls.languages.recipe.schema import SchemaIssue
from plantls.languages.recipe.yamltree import YamlTree


def _span(document: Document, start: int, end: int) -> Range:
    return document.lines.range_of_offsets(start, end)


class YamlSyntax(RecipeRule):
    """RCP100."""

    code = "RCP100"
    name = "yaml-syntax"
    severity = Severity.ERROR
    summary = "The file is not YAML a recipe reader can trust"
    doc = RuleDoc(
        why=(
            "A recipe that a YAML reader cannot read, or reads differently from the reviewer, "
            "is a recipe nobody really approved. Tabs break indentation; a duplicate key means "
            "two values for one setpoint and readers disagree on which one wins; an alias "
            "(*name) puts a value in a step that a reviewer does not see there. Files that are "
            "empty, huge, deeply nested or not valid UTF-8 are refused rather than half-read."
        ),
        example=(
            "steps:\n"
            "  - name: Deposit\n"
            "    pressure: 2 Torr\n"
            "    pressure: 20 Torr      # duplicate key\n"
            "    gases: *dep_gases       # alias"
        ),
        fix=(
            "Indent with spaces, give each key once, and write every value out in place. "
            "Keep one recipe per file, saved as UTF-8."
        ),
    )

    def findings(self, document: Document, tree: YamlTree) -> Iterator[Diagnostic]:
        """Problems of the YAML itself, for a recipe or a tool file."""
        if document.decode_problem:
            yield self.finding(Range(Position(0, 0), Position(0, 0)), document.decode_problem)
        for p in tree.problems:
            sev = Severity.ERROR if p.fatal or "duplicate" in p.message else Severity.WARNING
            yield self.finding(_span(document, p.start, p.end), p.message, sev)
        if tree.root is None and not tree.problems and not document.decode_problem:
            yield self.finding(Range(Position(0, 0), Position(0, 0)), "the file is empty")

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Problems of the YAML itself."""
        yield from self.findings(document, analysis.tree)


class SchemaViolation(RecipeRule):
    """RCP101."""

    code = "RCP101"
    name = "schema"
    severity = Severity.ERROR
    summary = "Unknown key, wrong type or missing field (per the shipped JSON Schema)"
    doc = RuleDoc(
        why=(
            "A misspelt key is the most dangerous typo in a recipe: `preasure: 2 Torr` is not "
            "a pressure setpoint, it is ignored, and the step runs with whatever the valve "
            "did before. plantls validates recipes and tool files against JSON Schemas "
            "(shipped in the package, usable from any YAML editor) and points at the exact key."
        ),
        example=(
            "steps:\n"
            "  - name: Deposit\n"
            "    type: depo            # not a step type\n"
            "    preasure: 2 Torr      # unknown key"
        ),
        fix=(
            "Use the key or value the message suggests (`did you mean 'pressure'?`). The keys "
            "are listed in docs/recipes.md."
        ),
    )

    def findings(self, document: Document, issues: list[SchemaIssue]) -> Iterator[Diagnostic]:
        """Schema violations as findings."""
        for i in issues:
            yield self.finding(_span(document, i.start, i.end), i.message)

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Schema violations of the recipe."""
        if analysis.tree.root is not None and analysis.tree.analysable:
            yield from self.findings(document, analysis.schema)


class _ProblemRule(RecipeRule):
    def findings(self, document: Document, problems: list[Problem]) -> Iterator[Diagnostic]:
        """Recorded model problems with this rule's code."""
        for p in problems:
            if p.code == self.code:
                yield self.finding(_span(document, p.start, p.end), p.message)


class UnitProblem(_ProblemRule):
    """RCP102."""

    code = "RCP102"
    name = "setpoint-unit"
    severity = Severity.ERROR
    summary = "Setpoint without a unit, or with a unit of the wrong dimension"
    doc = RuleDoc(
        why=(
            "`pressure: 500` is 500 mTorr on one tool and 500 Torr on another; `SiH4: 50 W` is "
            "a typo that some readers silently turn into 50 of whatever the MFC uses. Every "
            "setpoint carries its unit, and the unit must fit the setpoint: flows in sccm or "
            "slm (molar flows, never comparable with power), pressures in mTorr/Torr/Pa, power "
            "in W, temperatures in degC or K, ramp rates in degC/min, times in s or min."
        ),
        example=(
            "gases:\n"
            "  SiH4: 50            # no unit\n"
            "  N2O: 1000 W         # a power, not a flow\n"
            "pressure: 2 Tor       # unknown unit"
        ),
        fix=(
            "Write the number with its unit: `SiH4: 50 sccm`, `pressure: 2 Torr`. A bare `0` is "
            "accepted for a gas or RF that is off (but not for a temperature: 0 degC and 0 K "
            "differ). A parameter reference `${name}` must be the whole value; the parameter "
            "declares the unit."
        ),
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Unit problems found while reading setpoints and parameters."""
        yield from self.findings(document, analysis.model.problems)


class ParameterProblem(_ProblemRule):
    """RCP103."""

    code = "RCP103"
    name = "parameter"
    severity = Severity.ERROR
    summary = "Undefined ${parameter}, or a parameter default outside its own min/max"
    doc = RuleDoc(
        why=(
            "Parameters are the knobs an operator or the host may turn within limits that "
            "engineering approved. A reference to a parameter that does not exist leaves the "
            "setpoint undefined at run time; a default outside min..max means the recipe, "
            "as shipped, already breaks its own limits."
        ),
        example=(
            "parameters:\n"
            "  dep_time: {unit: s, min: 30, max: 120, default: 300}\n"
            "steps:\n"
            "  - name: Deposit\n"
            "    duration: ${dep_tme}"
        ),
        fix="Declare the parameter (or fix the name), and keep min <= default <= max.",
    )

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterator[Diagnostic]:
        """Undefined references and defaults outside limits."""
        yield from self.findings(document, analysis.model.problems)
        params = analysis.model.parameters
        import difflib

        for name, start, end in analysis.model.references:
            if name in params:
                continue
            close = difflib.get_close_matches(name, list(params), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else (
                "; declare it under parameters:" if not params else ""
            )
            yield self.finding(_span(document, start, end),
                               f"undefined parameter '${{{name}}}'{hint}")


RULES: list[RecipeRule] = [YamlSyntax(), SchemaViolation(), UnitProblem(), ParameterProblem()]
