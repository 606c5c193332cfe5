"""ST2xx: control flow."""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.rules.base import StRule, body_nodes


class CaseWithoutElse(StRule):
    """ST201."""

    code = "ST201"
    name = "case-without-else"
    summary = "CASE statement has no ELSE branch"
    doc = RuleDoc(
        why=(
            "When the selector takes a value that no label lists, a CASE without ELSE does "
            "nothing at all, silently. On a PLC that usually means a state machine stuck in "
            "a state nobody planned for, with no alarm and no way to see it from the HMI."
        ),
        example=(
            "CASE nStep OF\n"
            "    0: bValveOpen := FALSE;\n"
            "    10: bValveOpen := TRUE;\n"
            "END_CASE"
        ),
        fix=(
            "Add an ELSE branch that handles the unexpected value: raise an alarm, go to a "
            "safe state, or at least record the value.\n\n"
            "    ELSE\n        bFault := TRUE;"
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Flag every CASE statement without an else clause."""
        for pou in analysis.model.all_pous():
            for node in body_nodes(pou):
                if node.type != "case_statement":
                    continue
                if any(c.type == "else_clause" for c in node.named_children):
                    continue
                keyword = node.children[0] if node.children else node
                yield self.finding(analysis.tree.range(keyword), "CASE has no ELSE branch")


RULES: list[StRule] = [CaseWithoutElse()]
