"""Hover, definition, completion, signature help and outline on a small two-file project."""

from pathlib import Path

import pytest

from plantls.core.documents import Document
from plantls.core.positions import Position
from plantls.core.symbols import SymbolKind
from plantls.core.workspace import Workspace
from plantls.languages.st import ST_LANGUAGE as ST

PUMP = """FUNCTION_BLOCK FB_Pump
VAR_INPUT
    bStart : BOOL; // start request from the HMI
END_VAR
VAR_OUTPUT
    bRunning : BOOL;
END_VAR
VAR
    tDelay : TON;
    eMode : E_Mode := E_Mode.Auto;
END_VAR
tDelay(IN := bStart, PT := T#2S);
bRunning := tDelay.Q AND eMode = E_Mode.Auto;
END_FUNCTION_BLOCK
"""
TYPES = """TYPE E_Mode : (Off, Auto, Manual); END_TYPE
TYPE ST_Level : STRUCT
    fValue : REAL;
    bValid : BOOL;
END_STRUCT
END_TYPE
"""
MAIN = """PROGRAM MAIN
VAR
    fbPump : FB_Pump;
    stLevel : ST_Level;
    n : INT;
END_VAR
fbPump(bStart := TRUE);
n := LIMIT(0, n, 10);
IF stLevel.bValid THEN
    n := 1;
END_IF
END_PROGRAM
"""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    for name, text in (("FB_Pump.st", PUMP), ("types.st", TYPES), ("MAIN.st", MAIN)):
        (tmp_path / name).write_text(text)
    workspace = Workspace([tmp_path])
    workspace.index_all()
    return workspace


def doc(ws: Workspace, name: str) -> Document:
    d = ws.get((ws.roots[0] / name).as_uri())
    assert d is not None
    return d


def at(text: str, needle: str, line_hint: int = 0) -> Position:
    lines = text.splitlines()
    for i in range(line_hint, len(lines)):
        if needle in lines[i]:
            return Position(i, lines[i].index(needle))
    raise AssertionError(needle)


def test_hover_on_ton_type(ws: Workspace) -> None:
    h = ST.hover(doc(ws, "FB_Pump.st"), ws, at(PUMP, "TON"))
    assert h is not None
    for word in ("IN", "PT", "Q", "ET"):
        assert word in h.markdown


def test_hover_on_variable_shows_type_and_comment(ws: Workspace) -> None:
    h = ST.hover(doc(ws, "FB_Pump.st"), ws, at(PUMP, "bStart", 11))
    assert h is not None
    assert "bStart : BOOL" in h.markdown and "VAR_INPUT" in h.markdown
    assert "start request from the HMI" in h.markdown


def test_hover_on_instance_of_standard_fb(ws: Workspace) -> None:
    h = ST.hover(doc(ws, "FB_Pump.st"), ws, at(PUMP, "tDelay", 11))
    assert h is not None and "TON" in h.markdown and "PT" in h.markdown


def test_definition_across_files(ws: Workspace) -> None:
    main = doc(ws, "MAIN.st")
    (loc,) = ST.definition(main, ws, at(MAIN, "FB_Pump"))
    assert loc.uri.endswith("FB_Pump.st") and loc.range.start == Position(0, 15)
    (loc,) = ST.definition(main, ws, at(MAIN, "bStart"))
    assert loc.uri.endswith("FB_Pump.st") and loc.range.start.line == 2
    (loc,) = ST.definition(main, ws, at(MAIN, "bValid", 8))
    assert loc.uri.endswith("types.st") and loc.range.start.line == 3


def test_definition_of_enum_value(ws: Workspace) -> None:
    pos = at(PUMP, "Auto", 12)
    (loc,) = ST.definition(doc(ws, "FB_Pump.st"), ws, pos)
    assert loc.uri.endswith("types.st") and loc.range.start == Position(0, 20)


def test_member_completion(ws: Workspace) -> None:
    pump = doc(ws, "FB_Pump.st")
    line = PUMP.splitlines()[12]
    pos = Position(12, line.index("tDelay.") + len("tDelay."))
    labels = {i.label for i in ST.completion(pump, ws, pos)}
    assert {"Q", "ET", "IN", "PT"} <= labels
    main = doc(ws, "MAIN.st")
    line = MAIN.splitlines()[8]
    labels = {i.label for i in ST.completion(main, ws, Position(8, line.index(".") + 1))}
    assert labels == {"fValue", "bValid"}


def test_fb_instance_members_hide_private_vars(ws: Workspace) -> None:
    main = doc(ws, "MAIN.st")
    text = MAIN.replace("fbPump(bStart := TRUE);", "fbPump.")
    main = Document(main.uri, text, "iec-st", version=2)
    ws.open(main)
    labels = {i.label for i in ST.completion(main, ws, Position(6, len("fbPump.")))}
    assert labels == {"bStart", "bRunning"}


def test_scope_completion_has_locals_globals_and_snippets(ws: Workspace) -> None:
    main = doc(ws, "MAIN.st")
    items = ST.completion(main, ws, Position(7, 0))
    labels = {i.label for i in items}
    assert {"fbPump", "stLevel", "n", "FB_Pump", "TON", "LIMIT", "IF"} <= labels
    snippet = next(i for i in items if i.label == "fbPump(…)")
    assert snippet.snippet and "bStart := ${1" in (snippet.insert_text or "")


def test_signature_help_inside_formal_call(ws: Workspace) -> None:
    pump = doc(ws, "FB_Pump.st")
    text = PUMP.replace("tDelay(IN := bStart, PT := T#2S);", "tDelay(IN := bStart, PT := ")
    pump = Document(pump.uri, text, "iec-st", version=3)
    ws.open(pump)
    line = text.splitlines()[11]
    sig = ST.signature_help(pump, ws, Position(11, len(line)))
    assert sig is not None
    assert sig.label.startswith("tDelay(IN")
    assert [p.label.split()[0] for p in sig.parameters] == ["IN", "PT"]
    assert sig.active_parameter == 1


def test_signature_help_for_function(ws: Workspace) -> None:
    main = doc(ws, "MAIN.st")
    line = MAIN.splitlines()[7]
    sig = ST.signature_help(main, ws, Position(7, line.index("n, 10") + 1))
    assert sig is not None and sig.label.startswith("LIMIT(")
    assert sig.active_parameter == 1


def test_outline(ws: Workspace) -> None:
    (fb,) = ST.symbols(doc(ws, "FB_Pump.st"), ws)
    assert fb.name == "FB_Pump" and fb.kind is SymbolKind.CLASS
    sections = [c.name for c in fb.children]
    assert sections == ["VAR_INPUT", "VAR_OUTPUT", "VAR"]
    assert [v.name for v in fb.children[2].children] == ["tDelay", "eMode"]
    types = ST.symbols(doc(ws, "types.st"), ws)
    assert [t.name for t in types] == ["E_Mode", "ST_Level"]
    assert [v.name for v in types[0].children] == ["Off", "Auto", "Manual"]


def test_bnr_body_resolves_through_fun_file(tmp_path: Path) -> None:
    (tmp_path / "lib.fun").write_text(
        "FUNCTION CLAMP_REAL : REAL\nVAR_INPUT\n    x : REAL;\n    hi : REAL;\nEND_VAR\n"
        "END_FUNCTION\n"
    )
    (tmp_path / "CLAMP_REAL.st").write_text(
        "FUNCTION CLAMP_REAL\n    CLAMP_REAL := MIN(x, hi);\nEND_FUNCTION\n"
    )
    ws = Workspace([tmp_path])
    ws.index_all()
    body = ws.get((tmp_path / "CLAMP_REAL.st").as_uri())
    assert body is not None
    (loc,) = ST.definition(body, ws, Position(1, 22))
    assert loc.uri.endswith("lib.fun") and loc.range.start.line == 2
    h = ST.hover(body, ws, Position(1, 26))
    assert h is not None and "hi : REAL" in h.markdown
