"""Structured Text with ``\\r\\n``, lone ``\\r`` and mixed line endings: LSP counts each of
``\\n``, ``\\r\\n`` and ``\\r`` as one line break, so the same program gives the same findings,
hovers and definitions at the same (line, character) whatever its line endings are."""

from __future__ import annotations

import itertools

import pytest

from plantls.core.documents import Document
from plantls.core.positions import Position
from plantls.core.workspace import Workspace
from plantls.languages.st import ST_LANGUAGE as ST
from plantls.languages.st import syntax

# A struct without ';' after END_STRUCT and a method after the block's body: dialect handling
# writes text past the end of lines (positions are clamped to the user's lines). Non-ASCII
# comments make byte offsets differ from string offsets.
PROGRAM = """TYPE ST_Data :
STRUCT
    a : INT; // erstes Feld: Zähler
END_STRUCT
END_TYPE
FUNCTION_BLOCK FB_Pump
VAR_INPUT
    bStart : BOOL; // start request from the HMI
END_VAR
VAR
    nCount : INT; // counts cycles
    bUnused : BOOL;
    tDelay : TON;
    s : STRING := 'abc';
END_VAR
// nCount := 5; a line comment
nCount := nCount + 1; (* a block
comment over two lines, ä *) tDelay(IN := bStart, PT := T#2S);
CASE nCount OF
1: nCount := 2;
END_CASE
METHOD Reset : BOOL
VAR
    nLocal : INT;
END_VAR
nCount := 0;
Reset := TRUE;
END_METHOD
END_FUNCTION_BLOCK
"""

BROKEN = """PROGRAM Main
VAR
    x : INT // the ';' is missing
    y : INT;
END_VAR
// IF x THEN in a comment
IF x > 1
    y := 2;
END_IF
WHILE y < 3
    y := y + 1;
IF y = 4 THEN
    x := 1;
END_PROGRAM
"""

ENDINGS = ["\r\n", "\r"]


def with_endings(text: str, eol: str) -> str:
    return text.replace("\n", eol)


def lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def mixed(text: str) -> str:
    """Each line break replaced by the next of ``\\n``, ``\\r\\n``, ``\\r`` in turn."""
    lines = text.split("\n")
    breaks = itertools.cycle(["\r", "\r\n", "\n"])
    return "".join(line + next(breaks) for line in lines[:-1]) + lines[-1]


def findings(text: str, name: str = "main.st") -> list[tuple[str, int, int, int, int, str]]:
    ws = Workspace()
    doc = Document(uri=f"file:///workspace/{name}", text=text, language_id="iec-st")
    ws.open(doc)
    return [
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in ws.diagnostics(doc)
    ]


def test_the_program_has_findings_on_several_lines() -> None:
    found = findings(PROGRAM)
    assert {f[0] for f in found} >= {"ST103", "ST201"}
    assert len({f[1] for f in found}) >= 3
    assert not any(f[0] == "ST001" for f in found)


@pytest.mark.parametrize("eol", ENDINGS)
def test_same_findings_at_same_positions(eol: str) -> None:
    assert findings(with_endings(PROGRAM, eol)) == findings(PROGRAM)


def test_mixed_line_endings() -> None:
    assert findings(mixed(PROGRAM)) == findings(PROGRAM)


@pytest.mark.parametrize("eol", [*ENDINGS, "mixed"])
def test_syntax_errors_and_their_line_numbers(eol: str) -> None:
    text = mixed(BROKEN) if eol == "mixed" else with_endings(BROKEN, eol)
    expected = findings(BROKEN)
    assert [f for f in expected if f[0] == "ST001"], expected
    assert any("on line" in f[5] for f in expected), expected
    assert findings(text) == expected


@pytest.mark.parametrize("eol", [*ENDINGS, "mixed"])
def test_every_node_has_the_same_range(eol: str) -> None:
    text = mixed(PROGRAM) if eol == "mixed" else with_endings(PROGRAM, eol)
    plain, other = syntax.parse(PROGRAM), syntax.parse(text)
    assert not other.root.has_error
    a = [(n.type, plain.range(n)) for n in syntax.walk(plain.root)]
    b = [(n.type, other.range(n)) for n in syntax.walk(other.root)]
    assert a == b
    for node in syntax.walk(other.root):
        if node.type == "identifier":
            start = other.range(node).start
            assert other.position(node) == start
            assert other.end_position(node) == other.range(node).end
            found, expected = other.node_at(start), plain.node_at(start)
            assert found is not None and expected is not None
            assert found.type == expected.type
            assert lf(other.text(found)) == plain.text(expected)


def test_a_line_comment_ends_at_a_lone_cr() -> None:
    st = syntax.parse("PROGRAM P\rVAR x : INT; END_VAR\r// note\rx := 1;\rEND_PROGRAM\r")
    assert syntax.syntax_errors(st) == []
    assignment = next(n for n in syntax.walk(st.root) if n.type == "assignment_statement")
    assert st.range(assignment).start == Position(3, 0)


def test_incremental_reparse_of_a_lone_cr_text() -> None:
    text = with_endings(PROGRAM, "\r")
    edited = text.replace("nCount := 0;", "nCount := 0;\rnCount := 1;")
    again = syntax.parse(edited, previous=syntax.parse(text))
    fresh = syntax.parse(edited)
    assert str(again.root) == str(fresh.root)
    assert [again.range(n) for n in syntax.walk(again.root)] == [
        fresh.range(n) for n in syntax.walk(fresh.root)
    ]


def at(text: str, needle: str, line: int) -> Position:
    """Position of ``needle`` on 0-based ``line`` (lines as LSP counts them)."""
    column = text.split("\n")[line].index(needle)
    return Position(line, column)


@pytest.mark.parametrize("eol", ENDINGS)
def test_hover_and_definition_after_a_lone_cr(eol: str) -> None:
    ws = Workspace()
    doc = Document(
        uri="file:///workspace/pump.st", text=with_endings(PROGRAM, eol), language_id="iec-st"
    )
    ws.open(doc)
    use = at(PROGRAM, "bStart", 17)  # in the call after the block comment
    hover = ST.hover(doc, ws, use)
    assert hover is not None
    assert "bStart : BOOL" in hover.markdown
    assert "start request from the HMI" in hover.markdown  # the comment on its own line
    assert hover.range is not None and hover.range.start == use
    (loc,) = ST.definition(doc, ws, use)
    assert loc.range.start == at(PROGRAM, "bStart", 7)
    count = ST.hover(doc, ws, at(PROGRAM, "nCount", 25))  # inside the method
    assert count is not None and "counts cycles" in count.markdown
    (loc,) = ST.definition(doc, ws, at(PROGRAM, "nCount", 25))
    assert loc.range.start == at(PROGRAM, "nCount", 10)


TCPOU = """<?xml version="1.0" encoding="utf-8"?>
<TcPlcObject Version="1.1.0.1">
  <POU Name="FB_Tc" Id="{11111111-2222-3333-4444-555555555555}" SpecialFunc="None">
    <Declaration><![CDATA[FUNCTION_BLOCK FB_Tc
VAR
    nUnused : INT;
    n : INT; // Zähler
END_VAR]]></Declaration>
    <Implementation>
      <ST><![CDATA[// a comment
n := n + 1;
CASE n OF
1: n := 2;
END_CASE]]></ST>
    </Implementation>
    <Method Name="Reset" Id="{22222222-2222-3333-4444-555555555555}">
      <Declaration><![CDATA[METHOD Reset : BOOL
VAR
    nLocal : INT;
END_VAR]]></Declaration>
      <Implementation>
        <ST><![CDATA[n := 0;]]></ST>
      </Implementation>
    </Method>
  </POU>
</TcPlcObject>
"""


@pytest.mark.parametrize("eol", [*ENDINGS, "mixed"])
def test_twincat_xml_keeps_positions(eol: str) -> None:
    expected = findings(TCPOU, "FB_Tc.TcPOU")
    assert {f[0] for f in expected} >= {"ST103", "ST201"}
    assert not any(f[0] == "ST001" for f in expected)
    text = mixed(TCPOU) if eol == "mixed" else with_endings(TCPOU, eol)
    assert findings(text, "FB_Tc.TcPOU") == expected
