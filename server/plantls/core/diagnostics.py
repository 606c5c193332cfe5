"""Findings: what a rule reports about a document."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from plantls.core.positions import Range


class Severity(IntEnum):
    """Severity, ordered so that a larger value is more serious (LSP numbers are the reverse)."""

    HINT = 1
    INFORMATION = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        """Lower-case name used in JSON and text output."""
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        """Parse a name such as ``warning`` or ``info``."""
        key = name.strip().upper()
        if key == "INFO":
            key = "INFORMATION"
        try:
            return cls[key]
        except KeyError:
            raise ValueError(
                f"unknown severity {name!r} (use error, warning, information or hint)"
            ) from None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a rule code, a message and where it applies."""

    code: str
    message: str
    range: Range
    severity: Severity = Severity.WARNING
    source: str = "plantls"
    tags: tuple[str, ...] = field(default=())  # "unnecessary" / "deprecated"
    data: dict[str, object] | None = field(default=None, compare=False, hash=False)

    def sort_key(self) -> tuple[int, int, str]:
        """Order by position, then code."""
        return (self.range.start.line, self.range.start.character, self.code)
