"""DSS2xx: references to library objects, included files and control targets."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.dss.analysis import DssAnalysis, inside
from plantls.languages.dss.model import Element
from plantls.languages.dss.rules.base import DssRule, own_elements, where
from plantls.languages.dss.syntax import Token, split_array

LIBRARY_CLASSES = {
    "linecode", "linegeometry", "linespacing", "wiredata", "cndata", "tsdata", "loadshape",
    "growthshape", "xycurve", "spectrum", "tcc_curve", "tshape", "priceshape", "xfmrcode",
}
DATA_FILE_KEYS = ("file", "sngfile", "dblfile")


def _names(token: Token, many: bool) -> list[Token]:
    if many:
        return split_array(token)
    return [token]


class UndefinedReference(DssRule):
    """DSS201."""

    code = "DSS201"
    name = "undefined-reference"
    severity = Severity.ERROR
    summary = "Reference to a linecode, shape, curve or wire that is undefined or defined later"
    doc = RuleDoc(
        why=(
            "The engine looks a linecode, linegeometry, wiredata, cndata, loadshape, "
            "growthshape, xycurve, spectrum or tcc_curve up when the referring line runs "
            "(error 401). A name that is misspelt, or defined in a file that is "
            "Redirect-ed later, leaves the line with default impedances or the load "
            "without its shape: the study runs, with the wrong numbers."
        ),
        example=(
            "Redirect lines.dss        ! uses linecode=mv240\n"
            "Redirect linecodes.dss    ! defines LineCode.mv240 too late"
        ),
        fix=(
            "Define the object before its first use (Redirect the library files first), "
            "or correct the name. Go to definition on the name shows where it is defined."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Look up every library reference in run order."""
        if not analysis.has_circuit:
            return
        for el in own_elements(analysis):
            for pv in el.props:
                prop, tok = pv.prop, pv.value
                if prop is None or tok is None or prop.kind not in ("ref", "refs"):
                    continue
                cls = prop.ref.lower()
                if cls not in LIBRARY_CLASSES:
                    continue
                for item in _names(tok, prop.kind == "refs"):
                    name = item.text.strip()
                    if not name or name.lower() == "none":
                        continue
                    key = f"{cls}.{name.lower()}"
                    state = analysis.defined_before(key, el)
                    if state is None and analysis.include_problems:
                        yield self.finding(
                            analysis.range(item),
                            f"{prop.ref} {name!r} is not defined (an included file is missing "
                            "or not followed; it may be defined there)",
                            severity=Severity.WARNING,
                        )
                    elif state is None:
                        yield self.finding(
                            analysis.range(item), f"{prop.ref} {name!r} is not defined"
                        )
                    elif state is False:
                        later = analysis.new_of(key)
                        at = where(analysis, later) if later else "later"
                        yield self.finding(
                            analysis.range(item),
                            f"{prop.ref} {name!r} is defined only after its use ({at})",
                        )


class IncludeProblem(DssRule):
    """DSS202."""

    code = "DSS202"
    name = "include-problem"
    severity = Severity.ERROR
    summary = "Redirect/Compile or data file that is missing or outside the workspace"
    doc = RuleDoc(
        why=(
            "A missing Redirect target stops the engine (error 243) and a missing data "
            "file (`mult=(file=...)`) fails the loadshape. A path that leaves the workspace "
            "makes the study depend on files nobody reviews with it, and plantls neither "
            "follows it nor lets the engine read it."
        ),
        example="Redirect feeders/feeder3.dss   ! the file is feeders/Feeder_3.dss",
        fix=(
            "Point at a file inside the workspace, relative to the file that includes it "
            "(not to the folder the engine was started in)."
        ),
    )

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Report include problems of this file and missing data files."""
        for inc, message in analysis.include_problems:
            if inc.uri == analysis.uri and inc.token is not None:
                yield self.finding(analysis.range(inc.token), message)
        path = analysis.model.path
        if path is None:
            return
        for el in own_elements(analysis):
            for pv in el.props:
                tok = pv.value
                if tok is None or not tok.quote or "=" not in tok.text:
                    continue
                key, _, fname = tok.text.partition("=")
                fname = fname.strip().strip("\"'")
                if key.strip().lower() not in DATA_FILE_KEYS or not fname:
                    continue
                target = (path.parent / fname.replace("\\", "/")).resolve()
                if not inside(target, analysis.roots):
                    yield self.finding(
                        analysis.range(tok), f"data file {fname!r} is outside the workspace"
                    )
                elif not target.is_file():
                    yield self.finding(analysis.range(tok), f"data file {fname!r} not found")


CONTROL_TARGETS = {
    ("regcontrol", "transformer"): ("transformer", "autotrans"),
    ("capcontrol", "capacitor"): ("capacitor",),
}


class MissingControlTarget(DssRule):
    """DSS203."""

    code = "DSS203"
    name = "missing-control-target"
    severity = Severity.ERROR
    summary = "Control or meter whose target element does not exist (yet)"
    doc = RuleDoc(
        why=(
            "Regulators, capacitor controls, relays, monitors and energy meters attach to "
            "their element when they are defined. If it does not exist at that point the "
            "engine reports \"element must be defined previously\" and the control or meter "
            "does nothing; the engine may even crash later in the solution."
        ),
        example="New RegControl.Reg1 transformer=RegA winding=2 vreg=122   ! no Transformer.RegA",
        fix="Define the element first and use its exact name (`element=Line.F1_01`).",
    )

    def _exists(self, analysis: DssAnalysis, el: Element, keys: list[str]) -> bool | None:
        states = [analysis.defined_before(k, el) for k in keys]
        if any(s is True for s in states):
            return True
        if any(s is False for s in states):
            return False
        return None

    def check(self, document: Document, analysis: DssAnalysis) -> Iterator[Diagnostic]:
        """Look up element targets of controls and meters."""
        if not analysis.has_circuit:
            return
        for el in own_elements(analysis):
            for pv in el.props:
                prop, tok = pv.prop, pv.value
                if prop is None or tok is None or prop.kind != "ref" or not tok.text.strip():
                    continue
                name = tok.text.strip()
                classes = CONTROL_TARGETS.get((el.cls.lower(), prop.name.lower()))
                if classes is not None:
                    keys = [f"{c}.{name.lower()}" for c in classes]
                elif prop.ref == "CktElement":
                    if "." not in name:
                        keys = [f"{c}.{name.lower()}" for c in ("line", "transformer")]
                    else:
                        cls, _, rest = name.partition(".")
                        keys = [f"{cls.lower()}.{rest.lower()}"]
                else:
                    continue
                state = self._exists(analysis, el, keys)
                if state is None and analysis.include_problems:
                    yield self.finding(
                        analysis.range(tok),
                        f"{el.cls}.{prop.name}: {name!r} does not exist (an included file is "
                        "missing or not followed; it may be defined there)",
                        severity=Severity.WARNING,
                    )
                elif state is None:
                    yield self.finding(
                        analysis.range(tok), f"{el.cls}.{prop.name}: {name!r} does not exist"
                    )
                elif state is False:
                    yield self.finding(
                        analysis.range(tok),
                        f"{el.cls}.{prop.name}: {name!r} is defined only after this "
                        f"{el.cls}; define it first",
                    )


RULES: list[DssRule] = [UndefinedReference(), IncludeProblem(), MissingControlTarget()]
