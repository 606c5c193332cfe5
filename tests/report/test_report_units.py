"""SARIF, JUnit and GitHub output details: columns, levels, escaping, odd characters."""

import json
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import jsonschema
from sarif_structure import SARIF_STRUCTURE, semantic_problems

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.positions import Range
from plantls.core.suppressions import all_rules
from plantls.report import FileResult, formatters
from plantls.report.github_format import annotation, escape_data, escape_property
from plantls.report.junit_format import to_junit
from plantls.report.sarif_format import artifact_location, sarif_region, to_sarif

AFTER_EMOJI = Range.of(1, 27, 1, 28)
TEXT = "PROGRAM P\nVAR s : STRING := '😀'; x : INT; END_VAR\nEND_PROGRAM\n"


def result(*diags: Diagnostic, path: str = "plc/p.st") -> FileResult:
    return FileResult(path=path, language="iec-st", diagnostics=list(diags), text=TEXT)


def diag(code: str = "ST201", severity: Severity = Severity.WARNING,
         rng: Range = AFTER_EMOJI, message: str = "something") -> Diagnostic:
    return Diagnostic(code, message, rng, severity)


def test_region_is_one_based_with_exclusive_end() -> None:
    # LSP (1, 27)-(1, 28), after a non-BMP character counted as two UTF-16 units
    assert sarif_region(Range.of(1, 27, 1, 28)) == {
        "startLine": 2, "startColumn": 28, "endLine": 2, "endColumn": 29}
    assert sarif_region(Range.of(0, 0, 0, 0)) == {
        "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_levels_and_rules(tmp_path: Path) -> None:
    log = to_sarif([result(diag(severity=Severity.ERROR), diag("ST002", Severity.HINT),
                           diag("ST303", Severity.INFORMATION))], workdir=tmp_path)
    run = log["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    assert [r["level"] for r in run["results"]] == ["error", "note", "note"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {r.code for r in all_rules()}
    st201 = rules["ST201"]
    # a severity override (error here) does not change the rule's default level
    assert st201["defaultConfiguration"]["level"] == "warning"
    assert st201["help"]["markdown"].startswith("# ST201 ")
    assert "## Why" in st201["help"]["markdown"] and "## Fix" in st201["help"]["markdown"]
    assert rules["PLS001"]["name"] == "unused-suppression"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert semantic_problems(log) == []
    assert list(jsonschema.Draft7Validator(SARIF_STRUCTURE).iter_errors(log)) == []


def test_uris(tmp_path: Path) -> None:
    assert artifact_location("plc/my file.st") == {
        "uri": "plc/my%20file.st", "uriBaseId": "%SRCROOT%"}
    outside = artifact_location("../elsewhere/p.st")
    assert outside["uri"].startswith("file:///") and "uriBaseId" not in outside
    absolute = artifact_location(str(tmp_path / "p.st"))
    assert absolute == {"uri": (tmp_path / "p.st").resolve().as_uri()}


def test_fingerprints_are_stable_across_line_moves() -> None:
    moved = FileResult("p.st", "iec-st", [diag(rng=Range.of(2, 27, 2, 28))], "\n" + TEXT)
    a = to_sarif([result(diag())])["runs"][0]["results"][0]["partialFingerprints"]
    b = to_sarif([moved])["runs"][0]["results"][0]["partialFingerprints"]
    assert a == b and a["plantls/v1"].endswith(":0")


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    line = annotation("plc/a,b:c.st", diag(message="50% of x,\ny: z"))
    assert line == ("::warning file=plc/a%2Cb%3Ac.st,line=2,col=28,endLine=2,endColumn=29,"
                    "title=ST201::ST201 50%25 of x,%0Ay: z")
    assert annotation("p.st", diag(severity=Severity.ERROR)).startswith("::error ")
    assert annotation("p.st", diag(severity=Severity.INFORMATION)).startswith("::notice ")
    assert annotation("p.st", diag(severity=Severity.HINT)).startswith("::notice ")


def test_junit_clean_files_pass_and_odd_characters_survive() -> None:
    bad = diag(message="bell \x07 and <tag> & 'quote' 😀")
    assert to_junit([result(bad)]).get("tests") == "1"
    out = StringIO()
    formatters()["junit"]([result(bad), result(path="plc/clean.st")], out)
    parsed = ET.fromstring(out.getvalue().split("\n", 1)[1])
    (failing, clean) = parsed.findall("./testsuite/testcase")
    assert clean.findall("failure") == [] and clean.get("name") == "plc/clean.st"
    (failure,) = failing.findall("failure")
    assert failure.get("message") == "ST201 bell \ufffd and <tag> & 'quote' 😀"
    assert failure.get("type") == "ST201 warning"
    assert parsed.get("tests") == "2" and parsed.get("failures") == "1"


def test_empty_reports_are_valid() -> None:
    for fmt, write in formatters().items():
        out = StringIO()
        write([], out)
        if fmt == "sarif":
            log = json.loads(out.getvalue())
            assert log["runs"][0]["results"] == [] and semantic_problems(log) == []
        elif fmt == "junit":
            assert ET.fromstring(out.getvalue().split("\n", 1)[1]).get("tests") == "0"
        elif fmt == "github":
            assert out.getvalue() == ""
