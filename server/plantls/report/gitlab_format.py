"""GitLab code quality report (``artifacts: reports: codequality``).

GitLab does not read SARIF. Its code quality widget reads a JSON list in a subset of the
Code Climate format, which this writes: one entry per finding with ``description``,
``check_name`` (the rule code), ``fingerprint`` (unique per finding, derived from the
baseline fingerprint, so GitLab tracks a finding across commits when lines move),
``severity`` and ``location`` (path and 1-based lines).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from plantls.core.diagnostics import Severity
from plantls.report import FileResult

SEVERITIES = {
    Severity.ERROR: "major",
    Severity.WARNING: "minor",
    Severity.INFORMATION: "info",
    Severity.HINT: "info",
}


def to_gitlab(results: list[FileResult]) -> list[dict[str, Any]]:
    """The report as a code quality list."""
    out = []
    for r in results:
        path = r.path.replace("\\", "/")
        for d, fp in zip(r.diagnostics, r.fingerprint_list(), strict=True):
            unique = hashlib.sha256(f"{path}\n{d.code}\n{fp}".encode()).hexdigest()[:32]
            out.append(
                {
                    "description": f"{d.code} {d.message}",
                    "check_name": d.code,
                    "fingerprint": unique,
                    "severity": SEVERITIES[d.severity],
                    "location": {
                        "path": path,
                        "lines": {"begin": d.range.start.line + 1, "end": d.range.end.line + 1},
                    },
                }
            )
    return out


def write_gitlab(results: list[FileResult], out: TextIO) -> None:
    """Write the code quality report."""
    json.dump(to_gitlab(results), out, indent=2)
    out.write("\n")
