"""Validation of suggestions by the language's own checks.

A suggestion is inserted into a copy of the document (under a scratch URI, so the real index
is only touched for the duration of the check) and the document's errors are compared with
those of the same text without the suggestion. A suggestion that adds an error (a syntax error,
an undeclared identifier...) is cut to its longest prefix that adds none, or dropped.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.language import Language
from plantls.core.workspace import Workspace

MAX_CHECKS = 6
"""At most this many candidate texts are checked per suggestion."""
SCRATCH = "plantls-scratch:"
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Validation:
    """The text to show and what validation did: ``kept``, ``cut`` or ``dropped``."""

    text: str
    verdict: str
    added: tuple[str, ...] = ()
    """Messages of the errors the original suggestion would have added."""


def _key(d: Diagnostic) -> tuple[str, str]:
    return d.code, _DIGITS.sub("#", d.message)


def errors(
    language: Language, workspace: Workspace, doc: Document, text: str
) -> Counter[tuple[str, str]]:
    """Error findings of ``text`` checked as ``doc``'s language, in a scratch document."""
    scratch = Document(
        uri=SCRATCH + doc.uri, text=text, language_id=doc.language_id, version=doc.version
    )
    quick = getattr(language, "quick_errors", None)
    try:
        found = quick(scratch, workspace) if callable(quick) else language.diagnostics(
            scratch, workspace
        )
    finally:
        with contextlib.suppress(Exception):
            language.forget(scratch.uri, workspace)
    return Counter(_key(d) for d in found if d.severity == Severity.ERROR)


def candidates(text: str) -> list[str]:
    """Shorter versions of a suggestion, longest first: whole lines, then statement ends."""
    out: list[str] = []
    lines = text.split("\n")
    for k in range(len(lines) - 1, 0, -1):
        cut = "\n".join(lines[:k]).rstrip()
        if cut and cut not in out:
            out.append(cut)
    first = lines[0]
    for match in reversed(list(re.finditer(r"[;,)]", first))):
        cut = first[: match.end()]
        if cut not in out and cut != text:
            out.append(cut)
    return out


def validate(
    language: Language,
    workspace: Workspace,
    doc: Document,
    offset: int,
    suggestion: str,
    baseline: Counter[tuple[str, str]] | None = None,
) -> Validation:
    """Keep, cut or drop ``suggestion`` inserted at ``offset`` of ``doc``."""
    before = doc.text[:offset]
    after = doc.text[offset:]
    if baseline is None:
        baseline = errors(language, workspace, doc, doc.text)
    added: tuple[str, ...] = ()
    for n, candidate in enumerate([suggestion, *candidates(suggestion)][:MAX_CHECKS]):
        found = errors(language, workspace, doc, before + candidate + after)
        new = found - baseline
        if not new:
            return Validation(candidate, "kept" if n == 0 else "cut", added)
        if n == 0:
            added = tuple(message for _code, message in new)
    return Validation("", "dropped", added)
