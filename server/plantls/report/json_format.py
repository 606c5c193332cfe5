"""The JSON output of DESIGN.md: every checked file, LSP ranges, and a summary."""

from __future__ import annotations

import json
from typing import Any, TextIO

from plantls.core.diagnostics import Diagnostic
from plantls.core.positions import Range
from plantls.report import FileResult, summary


def range_json(r: Range) -> dict[str, dict[str, int]]:
    """An LSP range as JSON."""
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """One finding as JSON."""
    return {
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "range": range_json(d.range),
    }


def to_json(results: list[FileResult]) -> dict[str, Any]:
    """The whole report as a JSON-ready dict."""
    return {
        "version": 1,
        "files": [
            {
                "path": r.path,
                "language": r.language,
                "diagnostics": [diagnostic_json(d) for d in r.diagnostics],
            }
            for r in results
        ],
        "summary": summary(results),
    }


def write_json(results: list[FileResult], out: TextIO) -> None:
    """Write the report as indented JSON."""
    json.dump(to_json(results), out, indent=2)
    out.write("\n")
