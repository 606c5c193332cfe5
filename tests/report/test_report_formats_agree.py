"""`plantls check examples/` in every format: valid output holding the same findings as JSON."""

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from sarif_structure import SARIF_STRUCTURE, semantic_problems

from plantls.cli.main import main
from plantls.report.github_format import COMMANDS
from plantls.report.sarif_format import LEVELS

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SEVERITY_LEVEL = {s.label: level for s, level in LEVELS.items()}
SEVERITY_COMMAND = {s.label: c for s, c in COMMANDS.items()}

# (path, line, col, end line, end col (1-based, exclusive end), code, severity-ish, message)
Finding = tuple[str, int, int, int, int, str, str, str]


def official_schema() -> Path | None:
    """The OASIS schema, when this checkout sits next to a ``shared/`` folder holding it."""
    env = os.environ.get("PLANTLS_SARIF_SCHEMA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json")
    return next((p for p in candidates if p.is_file()), None)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The report in each format, run from the repository root as CI would."""
    out = {}
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        for fmt in ("json", "sarif", "junit", "github", "gitlab", "text"):
            target = tmp_path_factory.mktemp("report") / f"examples.{fmt}"
            code = main(["check", "--format", fmt, "-o", str(target), "examples"])
            assert code == 1  # the examples have errors
            out[fmt] = target.read_text(encoding="utf-8")
    finally:
        os.chdir(cwd)
    return out


def from_json(text: str) -> tuple[list[str], list[Finding]]:
    report = json.loads(text)
    files, found = [], []
    for f in report["files"]:
        files.append(f["path"])
        for d in f["diagnostics"]:
            s, e = d["range"]["start"], d["range"]["end"]
            found.append((f["path"], s["line"] + 1, s["character"] + 1, e["line"] + 1,
                          e["character"] + 1, d["code"], d["severity"], d["message"]))
    return files, sorted(found)


def test_examples_have_findings(outputs: dict[str, str]) -> None:
    files, found = from_json(outputs["json"])
    assert len(files) > 20 and len(found) > 20
    assert {f[6] for f in found} >= {"error", "warning"}


def test_sarif_is_valid_structurally(outputs: dict[str, str]) -> None:
    log = json.loads(outputs["sarif"])
    jsonschema.Draft7Validator.check_schema(SARIF_STRUCTURE)
    errors = [e.message for e in jsonschema.Draft7Validator(SARIF_STRUCTURE).iter_errors(log)]
    assert errors == []
    assert semantic_problems(log) == []


def test_sarif_is_valid_against_the_official_schema(outputs: dict[str, str]) -> None:
    path = official_schema()
    if path is None:
        pytest.skip("the OASIS SARIF 2.1.0 schema is not next to this checkout "
                    "(set PLANTLS_SARIF_SCHEMA to its path)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator.iter_errors(json.loads(outputs["sarif"]))]
    assert errors == []


def test_sarif_agrees_with_json(outputs: dict[str, str]) -> None:
    files, expected = from_json(outputs["json"])
    run = json.loads(outputs["sarif"])["runs"][0]
    assert [a["location"]["uri"] for a in run["artifacts"]] == files
    rules = run["tool"]["driver"]["rules"]
    found = []
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        reg = loc["region"]
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        found.append((loc["artifactLocation"]["uri"], reg["startLine"], reg["startColumn"],
                      reg["endLine"], reg["endColumn"], r["ruleId"], r["level"],
                      r["message"]["text"]))
    assert sorted(found) == sorted((*f[:6], SEVERITY_LEVEL[f[6]], f[7]) for f in expected)


def test_junit_agrees_with_json(outputs: dict[str, str]) -> None:
    files, expected = from_json(outputs["json"])
    root = ET.fromstring(outputs["junit"])
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == files
    assert root.get("tests") == str(len(files))
    found = []
    for case in cases:
        for failure in case.findall("failure"):
            where, _, rest = (failure.text or "").partition(": ")
            path, line, col = where.rsplit(":", 2)
            code, severity = (failure.get("type") or "").split()
            assert path == case.get("name")
            assert rest == f"{code} [{severity}] {failure.get('message', '')[len(code) + 1:]}"
            found.append((path, int(line), int(col), code, severity,
                          failure.get("message", "")[len(code) + 1:]))
    assert sorted(found) == sorted((f[0], f[1], f[2], f[5], f[6], f[7]) for f in expected)
    failing = {f[0] for f in expected}
    assert root.get("failures") == str(len(failing))


def _unescape(value: str) -> str:
    for code, ch in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, ch)
    return value


def test_github_agrees_with_json(outputs: dict[str, str]) -> None:
    _, expected = from_json(outputs["json"])
    pattern = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")
    found = []
    for line in outputs["github"].splitlines():
        m = pattern.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        code = props["title"]
        message = _unescape(m.group(3))
        assert message.startswith(f"{code} ")
        found.append((_unescape(props["file"]), int(props["line"]), int(props["col"]),
                      int(props["endLine"]), int(props["endColumn"]), code, m.group(1),
                      message[len(code) + 1:]))
    assert sorted(found) == sorted((*f[:6], SEVERITY_COMMAND[f[6]], f[7]) for f in expected)


def test_text_agrees_with_json(outputs: dict[str, str]) -> None:
    _, expected = from_json(outputs["json"])
    lines = outputs["text"].splitlines()
    assert lines[-1].startswith(f"Found {len(expected)} findings")
    found = []
    for line in lines[:-1]:
        path, row, col, rest = line.split(":", 3)
        code, _, message = rest.strip().partition(" ")
        found.append((path, int(row), int(col), code, message))
    assert sorted(found) == sorted((f[0], f[1], f[2], f[5], f[7]) for f in expected)


def test_gitlab_agrees_with_json(outputs: dict[str, str]) -> None:
    _, expected = from_json(outputs["json"])
    issues = json.loads(outputs["gitlab"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    found = [(i["location"]["path"], i["location"]["lines"]["begin"],
              i["location"]["lines"]["end"], i["check_name"], i["severity"], i["description"])
             for i in issues]
    levels = {"error": "major", "warning": "minor", "information": "info", "hint": "info"}
    assert sorted(found) == sorted((f[0], f[1], f[3], f[5], levels[f[6]], f"{f[5]} {f[7]}")
                                   for f in expected)
