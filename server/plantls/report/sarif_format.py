"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

Choices, so that every consumer reads the same thing:

- One run. ``tool.driver.rules`` lists every plantls rule (not only those with findings), so
  ``ruleIndex`` is stable from run to run. Each rule carries its name, summary
  (``shortDescription``), the "why" (``fullDescription``), the whole doc as plain text and as
  markdown (``help``) and its default level. There is no ``helpUri``: the doc travels inside
  the file (GitHub shows ``help.markdown`` next to the alert) and ``plantls rules CODE``
  prints the same text; a link would need a web site that air-gapped users cannot reach.
- Levels: error -> ``error``, warning -> ``warning``, information and hint -> ``note``.
  A severity override from the settings changes the result's level, not the rule's default.
- Locations: ``artifactLocation.uri`` is the path relative to the folder plantls ran in,
  with ``uriBaseId`` ``%SRCROOT%`` (``originalUriBaseIds`` gives that folder's ``file:`` URI).
  A file outside that folder gets an absolute ``file:`` URI and no base id.
- Regions: 1-based lines and 1-based columns counted in UTF-16 code units
  (``run.columnKind`` = ``utf16CodeUnits``), the unit of LSP ranges, so a SARIF column is the
  JSON output's ``character`` + 1. ``endColumn`` is exclusive, as SARIF defines it: the column
  just after the last character; an empty range has ``startColumn == endColumn``.
- ``partialFingerprints["plantls/v1"]`` is the baseline fingerprint (``core/baseline.py``).
- ``artifacts`` lists every checked file with its language, clean ones included, so the SARIF
  file holds the same file list as the JSON output.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from plantls import __version__
from plantls.core.baseline import FINGERPRINT_KEY
from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.positions import Range
from plantls.core.rules import Rule
from plantls.report import FileResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}


def sarif_level(severity: Severity) -> str:
    """The SARIF level of a severity."""
    return LEVELS[severity]


def sarif_region(r: Range) -> dict[str, int]:
    """An LSP range (0-based, exclusive end) as a SARIF region (1-based, exclusive end)."""
    return {
        "startLine": r.start.line + 1,
        "startColumn": r.start.character + 1,
        "endLine": r.end.line + 1,
        "endColumn": r.end.character + 1,
    }


def artifact_location(path: str) -> dict[str, str]:
    """``uri`` relative to ``%SRCROOT%`` (the working folder), else an absolute file URI."""
    p = Path(path)
    if not p.is_absolute():
        posix = PurePosixPath(p.as_posix())
        if ".." not in posix.parts:
            return {"uri": quote(str(posix)), "uriBaseId": SRCROOT}
    return {"uri": p.resolve().as_uri()}


def _text(markdown: str) -> str:
    return " ".join(markdown.split())


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A rule as a SARIF ``reportingDescriptor``."""
    doc = rule.markdown()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _text(rule.doc.why)},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
        "properties": {"tags": [rule.language], "precision": "high"},
    }


def _rules() -> list[Rule]:
    from plantls.core.suppressions import all_rules

    return all_rules()


def sarif_result(
    d: Diagnostic,
    location: dict[str, Any],
    rule_index: dict[str, int],
    fingerprint: str,
) -> dict[str, Any]:
    """One finding as a SARIF ``result``."""
    result: dict[str, Any] = {"ruleId": d.code}
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    result |= {
        "level": sarif_level(d.severity),
        "message": {"text": d.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": location, "region": sarif_region(d.range)}}
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    return result


def to_sarif(results: list[FileResult], workdir: Path | None = None) -> dict[str, Any]:
    """The whole report as a SARIF log."""
    rules = _rules()
    rule_index = {rule.code: i for i, rule in enumerate(rules)}
    base = (workdir or Path(os.getcwd())).resolve().as_uri().rstrip("/") + "/"
    artifacts = []
    sarif_results = []
    for i, r in enumerate(results):
        location = artifact_location(r.path)
        artifacts.append({"location": dict(location), "sourceLanguage": r.language})
        indexed = {**location, "index": i}
        for d, fp in zip(r.diagnostics, r.fingerprint_list(), strict=True):
            sarif_results.append(sarif_result(d, indexed, rule_index, fp))
    run = {
        "tool": {
            "driver": {
                "name": "plantls",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": base}},
        "artifacts": artifacts,
        "columnKind": "utf16CodeUnits",
        "invocations": [{"executionSuccessful": True}],
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def write_sarif(results: list[FileResult], out: TextIO) -> None:
    """Write the report as a SARIF 2.1.0 log."""
    json.dump(to_sarif(results), out, indent=2)
    out.write("\n")
