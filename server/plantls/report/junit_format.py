"""JUnit XML: one test case per checked file, one ``<failure>`` per finding.

CI systems that read JUnit reports (GitLab's test report, Jenkins, Azure Pipelines) show
each file as a test that passes when the file is clean. Every finding is a failure,
whatever its severity (the severity is in the ``type``); the exit code of ``plantls check``
still follows ``--fail-on``. ``failures`` counts failing files (test cases), as JUnit counts
failing tests; the ``findings`` property gives the number of findings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from plantls.core.diagnostics import Diagnostic
from plantls.report import FileResult

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """Text with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def _failure(case: ET.Element, path: str, d: Diagnostic) -> None:
    start = d.range.start
    where = f"{path}:{start.line + 1}:{start.character + 1}"
    failure = ET.SubElement(
        case,
        "failure",
        {
            "message": xml_text(f"{d.code} {d.message}"),
            "type": f"{d.code} {d.severity.label}",
        },
    )
    failure.text = xml_text(f"{where}: {d.code} [{d.severity.label}] {d.message}")


def to_junit(results: list[FileResult]) -> ET.Element:
    """The report as a ``<testsuites>`` element."""
    findings = sum(len(r.diagnostics) for r in results)
    failing = sum(1 for r in results if r.diagnostics)
    counts = {"tests": str(len(results)), "failures": str(failing), "errors": "0"}
    root = ET.Element("testsuites", {"name": "plantls", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "plantls check", **counts, "skipped": "0"})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "findings", "value": str(findings)})
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            {"name": xml_text(r.path), "classname": f"plantls.{r.language}",
             "file": xml_text(r.path)},
        )
        for d in r.diagnostics:
            _failure(case, r.path, d)
    return root


def write_junit(results: list[FileResult], out: TextIO) -> None:
    """Write the report as JUnit XML."""
    root = to_junit(results)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
