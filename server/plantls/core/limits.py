"""How large a document plantls analyses, and the finding for one that is larger.

Each language sets its own limit (``analysis_limit_chars``; a real OpenDSS feeder with load
shapes is larger than any hand-written PLC file), and both front-ends use it:

- ``plantls check`` analyses what it can of a larger file and says what it skipped (a
  Structured Text file gets its syntax checked and an ST002 note);
- the editor analyses nothing of it (each keystroke would re-read megabytes) and shows one
  PLS002 note instead, so an empty Problems list is never mistaken for a clean file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Position, Range
from plantls.core.rules import Rule, RuleDoc

DEFAULT_LIMIT_CHARS = 1_000_000
"""The limit of a language that does not set its own."""


def analysis_limit(language_id: str) -> int:
    """The size, in characters, above which documents of a language are not analysed."""
    from plantls.core.language import language_by_id

    lang = language_by_id(language_id)
    return int(getattr(lang, "analysis_limit_chars", DEFAULT_LIMIT_CHARS))


class TooLargeToAnalyse(Rule):
    """PLS002: a document over its language's analysis limit."""

    code = "PLS002"
    name = "too-large-to-analyse"
    language = "core"
    severity = Severity.INFORMATION
    summary = "Document too large to analyse"
    doc = RuleDoc(
        why="""
Checking a file costs time in proportion to its size, and an editor re-checks the file it
shows after every keystroke. Above a limit per language (1,000,000 characters for Structured
Text and recipes, 5,000,000 for OpenDSS scripts) plantls stops analysing a document rather
than stall the editor or a CI job, and says so once, at the top of the file: an empty list of
findings then never means "checked and clean". In the editor nothing of such a document is
analysed (no findings, hover or completion); `plantls check` still checks what it can and
says what it skipped (for Structured Text: its syntax, with an ST002 note).
""",
        example="""
A 40,000-line Structured Text file written by a code generator: the editor shows this note
on line 1 instead of findings.
""",
        fix="""
Split the file: one POU per file is the usual layout (TwinCAT, CODESYS and B&R all write one).
For a generated file that you do not edit by hand, silence the note for it in `plantls.toml`:
`per-path-ignores = { "generated/**" = ["PLS002"] }`.
""",
    )

    def check(self, document: Document, analysis: Any) -> Iterable[Diagnostic]:
        """Findings come from :func:`too_large`, before any analysis."""
        return ()


TOO_LARGE = TooLargeToAnalyse()


def too_large(doc: Document) -> Diagnostic | None:
    """The PLS002 note when ``doc`` is over its language's limit, else None."""
    size, limit = len(doc.text), analysis_limit(doc.language_id)
    if size <= limit:
        return None
    return Diagnostic(
        code=TOO_LARGE.code,
        message=(
            f"document has {size:,} characters, over the {limit:,} character limit for this "
            "language; it is not analysed (split it into smaller files)"
        ),
        range=Range(Position(0, 0), Position(0, 0)),
        severity=TOO_LARGE.severity,
    )
