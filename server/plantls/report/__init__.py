"""Output formats for ``plantls check``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from plantls.core.diagnostics import Diagnostic, Severity


@dataclass
class FileResult:
    """The findings for one checked file."""

    path: str
    """Path as shown to the user (relative to the working directory when possible)."""
    language: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""
    """The file's text, for formats that quote it or fingerprint findings."""


def summary(results: list[FileResult]) -> dict[str, int]:
    """Counts by severity, and the number of files."""
    counts = {"files": len(results)} | {s.label: 0 for s in sorted(Severity, reverse=True)}
    for result in results:
        for d in result.diagnostics:
            counts[d.severity.label] += 1
    return counts


Formatter = Callable[[list[FileResult], TextIO], None]


def formatters() -> dict[str, Formatter]:
    """Output formats by name."""
    from plantls.report.json_format import write_json
    from plantls.report.text_format import write_text

    return {"text": write_text, "json": write_json}
