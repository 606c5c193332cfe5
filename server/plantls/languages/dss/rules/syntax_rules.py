"""DSS1xx: syntax and schema (commands, classes, properties, values, duplicates, start)."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.dss.analysis import DssAnalysis, number
from plantls.languages.dss.model import Element, Include, Other
from plantls.languages.dss.rules.base import DssRule, own_elements
from plantls.languages.dss.schema import enum_match, schema
from plantls.languages.dss.syntax import split_array


class UnknownCommand(DssRule):
    """DSS101."""

    code = "DSS101"
    name = "unknown-command"
    severity = Severity.ERROR
    summary = "Command the engine does not know"
    doc = RuleDoc(
        why=(
            "The engine stops the script at a command it cannot read, with error 302. "
            "Everything after it in a Redirect-ed file is skipped, so a misspelt `Solve` "
            "or `Redirect` means a study that silently runs on half a circuit."
        ),
        example="New Circuit.plant basekv=12.47\nSovle",
        fix=(
            "Spell the command out (`Solve`), or use an abbreviation the engine accepts "
            "(the start of a command's name). Hover on a command shows the engine's help."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Flag commands that resolve to no engine command and are no property edit."""
        for stmt in analysis.model.statements:
            if isinstance(stmt, Other) and not stmt.name and not stmt.property_edit:
                verb = stmt.command.verb
                yield self.finding(analysis.range(verb), f"unknown command {verb.text!r}")


class UnknownClass(DssRule):
    """DSS102."""

    code = "DSS102"
    name = "unknown-class"
    severity = Severity.ERROR
    summary = "New or Edit of a class the engine does not know"
    doc = RuleDoc(
        why=(
            "Class names must be spelt in full (`Line`, not `Lin`): the engine answers "
            "error 263, skips the element, and every line, load or meter connected through "
            "it is missing from the study."
        ),
        example="New Lien.F1_01 bus1=sub bus2=f1_01 linecode=mv240 length=0.4 units=km",
        fix="Use one of the engine's classes; completion after `New ` lists them.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Flag element statements whose class is unknown."""
        for el in own_elements(analysis):
            if el.class_known:
                continue
            if not el.cls:
                yield self.finding(
                    analysis.range(el.name_token),
                    f"{el.name!r} has no class (write Class.Name, such as Line.{el.name})",
                )
            else:
                yield self.finding(analysis.range(el.cls_token), f"unknown class {el.cls!r}")


class UnknownProperty(DssRule):
    """DSS103."""

    code = "DSS103"
    name = "unknown-property"
    severity = Severity.ERROR
    summary = "Property (or Set option) that the class does not have"
    doc = RuleDoc(
        why=(
            "The engine rejects a property the class does not have (error 110 for "
            "elements, 130 for `Set`) and the value never takes effect: a misspelt "
            "`lenght=` leaves the line at its default length of 1 unit."
        ),
        example="New Line.F1_02 bus1=f1_01 bus2=f1_02 linecode=mv240 lenght=0.3 units=km",
        fix=(
            "Use the engine's property name; abbreviations work when they are the start of "
            "a name. Completion lists the properties of the class being written."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Flag named parameters that match no property, and unknown Set options."""
        sch = schema()
        for stmt in analysis.model.statements:
            if isinstance(stmt, Element) and stmt.cls_schema is not None:
                for pv in stmt.props:
                    if pv.prop is None and pv.key is not None:
                        yield self.finding(
                            analysis.range(pv.key),
                            f"{stmt.cls} has no property {pv.key.text!r}",
                        )
            elif isinstance(stmt, Other) and stmt.name.lower() in ("set", "get"):
                for p in stmt.command.params:
                    tok = p.name if p.name is not None else p.value
                    if tok is None or (p.name is None and stmt.name.lower() == "set"):
                        continue
                    if sch.option(tok.text) is None:
                        yield self.finding(
                            analysis.range(tok), f"unknown option {tok.text!r} for {stmt.name}"
                        )


class WrongValueKind(DssRule):
    """DSS104."""

    code = "DSS104"
    name = "wrong-value-kind"
    severity = Severity.ERROR
    summary = "Value of the wrong kind: not a number, or not one of the allowed names"
    doc = RuleDoc(
        why=(
            "A numeric property given a word (`kw=100kW`, `length=0,5`) makes the engine "
            "fail the whole command (error 303). A word the property does not list "
            "(`conn=star`, `units=feet`) is rejected for some properties and silently "
            "replaced by a default for others, such as a line's `units`, so the impedance "
            "is scaled wrongly without any message. Unlisted names are reported as "
            "warnings."
        ),
        example="New Load.Filler bus1=lv1 phases=3 kv=0.4 kw=75kW conn=star",
        fix=(
            "Write plain numbers (arithmetic goes in quotes or brackets as the engine's "
            "RPN: `kv=(13.8 3 sqrt /)`) and pick an allowed name; completion lists them."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Check bare numeric values and enumerated names."""
        for el in own_elements(analysis):
            for pv in el.props:
                prop, tok = pv.prop, pv.value
                if prop is None or tok is None or not tok.text or tok.text.startswith("@"):
                    continue  # @name: a script variable (`var @x=...`)
                if prop.kind in ("number", "integer") and not tok.quote:
                    if number(tok.text) is None:
                        yield self.finding(
                            analysis.range(tok),
                            f"{el.cls}.{prop.name} takes a number, not {tok.text!r}",
                        )
                elif prop.kind == "enum" and prop.values and not tok.quote:
                    if enum_match(prop, tok.text) is None:
                        yield self.finding(
                            analysis.range(tok),
                            f"{el.cls}.{prop.name} takes {', '.join(prop.values)}; "
                            f"{tok.text!r} is not one of them",
                            severity=Severity.WARNING,
                        )
                elif prop.kind == "enums" and prop.values and tok.quote:
                    for item in split_array(tok):
                        if enum_match(prop, item.text) is None:
                            yield self.finding(
                                analysis.range(item),
                                f"{el.cls}.{prop.name} takes {', '.join(prop.values)}; "
                                f"{item.text!r} is not one of them",
                                severity=Severity.WARNING,
                            )


class DuplicateElement(DssRule):
    """DSS105."""

    code = "DSS105"
    name = "duplicate-element"
    severity = Severity.WARNING
    summary = "Element defined twice with New"
    doc = RuleDoc(
        why=(
            "A second `New` with the same class and name does not add a second element: "
            "the engine warns and redefines the first one, keeping any property the second "
            "definition does not set. Copy-pasted feeder sections often reuse a name and "
            "lose a line or a load this way."
        ),
        example=(
            "New Load.Filler bus1=lv1 kv=0.4 kw=75\n"
            "New Load.Filler bus1=lv2 kv=0.4 kw=40   ! meant Filler2"
        ),
        fix="Give each element its own name, or use `Edit` when a change is intended.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Flag a New whose key is already defined in the same circuit."""
        for el in own_elements(analysis):
            if el.verb != "new" or not el.class_known or el.cls == "Circuit":
                continue
            here = analysis.at(el)
            start = analysis.epoch_start(here)
            for other in analysis.defs.get(el.key, []):
                at = analysis.at(other)
                if other is not el and other.verb == "new" and start <= at < here:
                    yield self.finding(
                        analysis.range(el.name_token),
                        f"{el.full_name} is already defined at "
                        f"{_where(analysis, other)}; this New redefines it",
                    )
                    break


def _where(analysis: DssAnalysis, el: Element) -> str:
    from plantls.languages.dss.rules.base import where

    return where(analysis, el)


class ScriptStart(DssRule):
    """DSS106."""

    code = "DSS106"
    name = "script-start"
    severity = Severity.WARNING
    summary = "Script does not start with Clear / New Circuit"
    doc = RuleDoc(
        why=(
            "Elements exist only inside a circuit. A top-level script that defines "
            "elements before `Clear` and `New Circuit` either fails (no active circuit) or, "
            "in a session that ran another study before, adds them to that old circuit. "
            "A file that is only meant to be `Redirect`-ed is fine, but then some script "
            "in the workspace should include it."
        ),
        example="New Line.F1_01 bus1=sub bus2=f1_01 linecode=mv240 length=0.4\nSolve",
        fix="Start the master script with `Clear` and `New Circuit.<name> ...`.",
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Check the first statement that needs a circuit in a top-level file."""
        if analysis.root_uri != analysis.uri:
            return
        cleared = False
        for stmt in analysis.model.statements:
            if isinstance(stmt, Other) and stmt.name.lower() in ("clear", "clearall"):
                cleared = True
            elif isinstance(stmt, Element):
                if stmt.cls == "Circuit":
                    if not cleared:
                        yield self.finding(
                            analysis.range(stmt.cls_token),
                            "New Circuit without Clear first: objects of an earlier study "
                            "in the same session are kept",
                            severity=Severity.INFORMATION,
                        )
                    return
                if not stmt.class_known or stmt.cls_schema is None:
                    continue
                yield self.finding(
                    analysis.range(stmt.cls_token),
                    "elements are defined before any Clear / New Circuit, and no script in "
                    "the workspace Redirects this file",
                )
                return
            elif isinstance(stmt, Include):
                return


RULES: list[DssRule] = [
    UnknownCommand(),
    UnknownClass(),
    UnknownProperty(),
    WrongValueKind(),
    DuplicateElement(),
    ScriptStart(),
]
