"""GitHub Actions workflow commands: one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::CODE message``

error -> ``::error``, warning -> ``::warning``, information and hint -> ``::notice``. Lines
and columns are 1-based; columns count UTF-16 code units like the SARIF output, and
``endColumn`` is the column just after the last character (as ruff writes it). Escaping
follows the workflow-command rules: in the message ``%``, CR and LF become ``%25``, ``%0D``,
``%0A``; property values also escape ``:`` and ``,`` (``%3A``, ``%2C``).
"""

from __future__ import annotations

from typing import TextIO

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.report import FileResult

COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


def escape_data(value: str) -> str:
    """Escape a workflow command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, d: Diagnostic) -> str:
    """One ``::error``/``::warning``/``::notice`` line for a finding."""
    start, end = d.range.start, d.range.end
    props = {
        "file": path.replace("\\", "/"),
        "line": str(start.line + 1),
        "col": str(start.character + 1),
        "endLine": str(end.line + 1),
        "endColumn": str(end.character + 1),
        "title": d.code,
    }
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{COMMANDS[d.severity]} {joined}::{escape_data(f'{d.code} {d.message}')}"


def write_github(results: list[FileResult], out: TextIO) -> None:
    """One annotation line per finding (nothing for clean files)."""
    for result in results:
        for d in result.diagnostics:
            out.write(annotation(result.path, d) + "\n")
