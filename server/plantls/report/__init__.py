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
    fingerprints: list[str] = field(default_factory=list)
    """Baseline fingerprints of ``diagnostics`` (same order), computed over all the file's
    findings before a baseline drops some, so a finding keeps its fingerprint."""

    def fingerprint_list(self) -> list[str]:
        """The fingerprints, computed from the text when they were not set."""
        if len(self.fingerprints) == len(self.diagnostics):
            return self.fingerprints
        from plantls.core.baseline import fingerprints

        return fingerprints(self.diagnostics, self.text)


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
    from plantls.report.github_format import write_github
    from plantls.report.gitlab_format import write_gitlab
    from plantls.report.json_format import write_json
    from plantls.report.junit_format import write_junit
    from plantls.report.sarif_format import write_sarif
    from plantls.report.text_format import write_text

    return {
        "text": write_text,
        "json": write_json,
        "sarif": write_sarif,
        "junit": write_junit,
        "github": write_github,
        "gitlab": write_gitlab,
    }


FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")
