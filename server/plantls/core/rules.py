"""Rules: small objects with a stable code, a doc and a check, and the registry that lists them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.positions import Range

if TYPE_CHECKING:
    from plantls.core.documents import Document


@dataclass(frozen=True)
class RuleDoc:
    """A rule's documentation: why it matters, an example, and the fix."""

    why: str
    example: str
    fix: str


class Rule:
    """Base class for a rule. Subclasses set the class attributes and implement ``check``.

    ``check`` receives the document and a language-specific analysis object and yields
    findings built with :meth:`finding`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    language: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str]
    doc: ClassVar[RuleDoc]

    def check(self, document: Document, analysis: Any) -> Iterable[Diagnostic]:
        """Yield the findings of this rule for one document."""
        raise NotImplementedError

    def finding(
        self,
        range_: Range,
        message: str,
        severity: Severity | None = None,
        tags: tuple[str, ...] = (),
        data: dict[str, object] | None = None,
    ) -> Diagnostic:
        """A finding of this rule."""
        return Diagnostic(
            code=self.code,
            message=message,
            range=range_,
            severity=severity or self.severity,
            tags=tags,
            data=data,
        )

    def markdown(self) -> str:
        """The whole doc as markdown, as ``plantls rules CODE`` prints it."""
        return (
            f"# {self.code} {self.name}\n\n{self.summary}\n\n"
            f"Default severity: {self.severity.label}\n\n"
            f"## Why\n\n{self.doc.why.strip()}\n\n"
            f"## Example\n\n```\n{self.doc.example.strip()}\n```\n\n"
            f"## Fix\n\n{self.doc.fix.strip()}\n"
        )


class RuleRegistry:
    """All known rules, by code."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> None:
        """Register one rule; codes must be unique."""
        if rule.code in self._rules:
            raise ValueError(f"duplicate rule code {rule.code}")
        self._rules[rule.code] = rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def get(self, code: str) -> Rule | None:
        """The rule with this code (case-insensitive)."""
        return self._rules.get(code.upper())

    def for_language(self, language: str) -> list[Rule]:
        """Rules of one language, sorted by code."""
        return [r for r in self if r.language == language]


def _longest_match(code: str, patterns: Iterable[str]) -> int:
    """Length of the longest pattern that ``code`` starts with, or -1."""
    lengths = [len(p) for p in (x.strip().upper() for x in patterns) if p and code.startswith(p)]
    return max(lengths, default=-1)


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Apply ruff-style select/ignore lists of codes or prefixes; the more specific one wins.

    An empty ``select`` selects everything.
    """
    code = code.upper()
    select = list(select)
    selected = _longest_match(code, select) if select else 0
    if selected < 0:
        return False
    return selected > _longest_match(code, ignore)
