"""ST0xx: syntax errors, and files that could not be fully checked.

These two rules are produced by the language itself (the parser and the size and depth guards),
not by walking the analysis, so their ``check`` yields nothing; they exist for their codes and
docs.
"""

from __future__ import annotations

from collections.abc import Iterator

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.rules import RuleDoc
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.rules.base import StRule


class SyntaxError_(StRule):
    """ST001."""

    code = "ST001"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "The code does not parse as Structured Text"
    doc = RuleDoc(
        why=(
            "A PLC compiler rejects the whole project when one file does not parse, and "
            "every other check on the broken region is guesswork. plantls reports the first "
            "problem of each broken region where it starts, in words a compiler would use."
        ),
        example="IF bStart THEN\n    nCount := nCount + 1;\n(* END_IF is missing *)",
        fix=(
            "Fix the statement at the reported position: close the block (END_IF, END_CASE, "
            "END_FOR, ...), add the missing `;`, or remove the stray token. Vendor syntax that "
            "plantls does not know yet is a plantls bug: report it with a small example."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Produced by the parser; nothing to do here."""
        return iter(())


class NotAnalysed(StRule):
    """ST002."""

    code = "ST002"
    name = "file-not-fully-checked"
    severity = Severity.INFORMATION
    summary = "The file could not be fully checked (encoding, size or nesting depth)"
    doc = RuleDoc(
        why=(
            "plantls never guesses silently. When a file is not valid UTF-8, looks binary, is "
            "larger than the analysis limit, or nests blocks deeper than the analysis can "
            "follow, it says so, so a clean result is never mistaken for a checked file."
        ),
        example="A 30 MB generated file, or a file saved in a legacy code page.",
        fix=(
            "Save the file as UTF-8; split generated code into smaller files; flatten deeply "
            "nested IF blocks into a CASE or early exits."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Produced by the language's guards; nothing to do here."""
        return iter(())


RULES: list[StRule] = [SyntaxError_(), NotAnalysed()]
