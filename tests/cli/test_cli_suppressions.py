"""Suppression comments in each language's comment syntax, and PLS001 for unused ones."""

import json
from pathlib import Path

import pytest

from plantls.cli.main import main
from plantls.core.documents import Document
from plantls.core.settings import Settings, merge_settings
from plantls.core.suppressions import find_suppressions
from plantls.core.workspace import Workspace

CASE = """PROGRAM MAIN
VAR
    nStep : INT;
    bValve : BOOL;
END_VAR
CASE nStep OF{c1}
    0: bValve := FALSE;
END_CASE
CASE nStep OF
    0: bValve := TRUE;
END_CASE
bValve := TRUE;{c2}
END_PROGRAM
"""


def codes_lines(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[tuple]:
    main(["check", "--format", "json", *extra, str(path)])
    report = json.loads(capsys.readouterr().out)
    return sorted((d["code"], d["range"]["start"]["line"] + 1, d["message"])
                  for f in report["files"] for d in f["diagnostics"])


def test_st_block_comment_on_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "main.st"
    f.write_text(CASE.format(c1="", c2=""))
    assert [(c, n) for c, n, _ in codes_lines(f, capsys)] == [("ST201", 6), ("ST201", 9)]
    f.write_text(CASE.format(c1=" (* plantls: ignore[ST201] *)", c2=""))
    assert [(c, n) for c, n, _ in codes_lines(f, capsys)] == [("ST201", 9)]


def test_st_line_comment_and_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "main.st"
    f.write_text(CASE.format(c1=" // plantls: ignore[ST2]", c2=""))
    assert [(c, n) for c, n, _ in codes_lines(f, capsys)] == [("ST201", 9)]


def test_the_line_above_does_not_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "main.st"
    f.write_text(CASE.format(c1="", c2="").replace(
        "CASE nStep OF\n    0: bValve := FALSE;", "// plantls: ignore[ST201]\nCASE nStep OF\n"
        "    0: bValve := FALSE;", 1))
    found = codes_lines(f, capsys)
    assert [(c, n) for c, n, _ in found] == [("PLS001", 6), ("ST201", 7), ("ST201", 10)]
    assert "no ST201 finding starts on this line" in found[0][2]


def test_file_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "main.st"
    f.write_text("(* plantls: ignore-file[ST201] *)\n" + CASE.format(c1="", c2=""))
    assert codes_lines(f, capsys) == []
    f.write_text("(*\n   plantls: ignore-file\n*)\n" + CASE.format(c1="", c2=""))
    assert codes_lines(f, capsys) == []


def test_unused_and_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "main.st"
    f.write_text(CASE.format(c1=" (* plantls: ignore[ST201, ST303, XY9] *)",
                             c2=" (* plantls: ignore *)"))
    found = codes_lines(f, capsys)
    assert [(c, n) for c, n, _ in found] == [("PLS001", 6), ("PLS001", 6), ("PLS001", 12),
                                            ("ST201", 9)]
    messages = [m for c, _, m in found if c == "PLS001"]
    assert any("no ST303 finding" in m for m in messages)
    assert any("XY9 is not a plantls rule code" in m for m in messages)
    assert any("`plantls: ignore` matches no finding on this line" in m for m in messages)
    # PLS001 can be turned off like any rule, or kept quiet on one line
    assert [c for c, _, _ in codes_lines(f, capsys, "--ignore", "PLS001")] == ["ST201"]
    f.write_text(CASE.format(c1=" (* plantls: ignore[ST201, ST303, PLS001] *)", c2=""))
    assert [(c, n) for c, n, _ in codes_lines(f, capsys)] == [("ST201", 9)]


def test_a_suppressed_rule_that_config_turns_off_is_not_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "main.st"
    f.write_text(CASE.format(c1=" (* plantls: ignore[ST201] *)", c2=""))
    assert codes_lines(f, capsys, "--ignore", "ST201") == []


def test_markers_in_strings_do_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "main.st"
    text = CASE.format(c1="", c2="").replace(
        "bValve : BOOL;", "bValve : BOOL;\n    s : STRING := '(* plantls: ignore-file *)';")
    f.write_text(text)
    assert [c for c, _, _ in codes_lines(f, capsys)] == ["ST201", "ST201"]


DSS = """Clear
New Circuit.plant basekv=12.47
Sovle{c1}
Sovle{c2}
"""


def test_opendss(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "master.dss"
    f.write_text(DSS.format(c1="", c2=""))
    assert [(c, n) for c, n, _ in codes_lines(f, capsys)] == [("DSS101", 3), ("DSS101", 4)]
    f.write_text(DSS.format(c1=" ! plantls: ignore[DSS101]", c2=" // plantls: ignore[DSS101]"))
    assert codes_lines(f, capsys) == []
    f.write_text("/* plantls: ignore-file[DSS1] */\n" + DSS.format(c1="", c2=""))
    assert codes_lines(f, capsys) == []


def test_recipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.recipe.yaml"
    f.write_text("recipe: 3\n")
    before = codes_lines(f, capsys)
    assert before and all(c.startswith("RCP1") for c, _, _ in before)
    f.write_text("# plantls: ignore-file[RCP1]\nrecipe: 3\n")
    assert codes_lines(f, capsys) == []
    # a '#' inside a quoted value is not a comment
    f.write_text("recipe: 'a # plantls: ignore-file'\n")
    assert codes_lines(f, capsys)


def test_editor_sees_the_same(tmp_path: Path) -> None:
    """The language server calls Workspace.diagnostics too: same suppressions, same PLS001."""
    ws = Workspace([tmp_path], Settings())
    doc = Document((tmp_path / "m.st").as_uri(),
                   CASE.format(c1=" (* plantls: ignore[ST201] *)", c2=" // plantls: ignore"),
                   "iec-st")
    ws.open(doc)
    found = ws.diagnostics(doc)
    assert [(d.code, d.range.start.line) for d in found] == [("ST201", 8), ("PLS001", 11)]
    assert found[1].tags == ("unnecessary",)
    settings, _ = merge_settings(Settings(), {"rules": {"ignore": ["PLS"]}})
    ws.settings = settings
    assert [d.code for d in ws.diagnostics(doc)] == ["ST201"]


def test_find_suppressions_ranges() -> None:
    doc = Document("file:///x.st", "x := 1; // plantls: ignore[ST303,ST2]\n", "iec-st")
    (s,) = find_suppressions(doc)
    assert s.codes == ("ST303", "ST2") and not s.file_level and s.line == 0
    assert [(r.start.character, r.end.character) for r in s.code_ranges] == [(27, 32), (33, 36)]
    assert find_suppressions(Document("file:///x.st", "x := 1; // plantls: ignore[]\n",
                                      "iec-st")) == []
