"""TwinCAT XML as virtual ST: same lines and columns as the XML file, no crash on bad XML."""

from __future__ import annotations

import re

import pytest

from plantls.languages.st import syntax, twincat

POU = """\ufeff<?xml version="1.0" encoding="utf-8"?>
<TcPlcObject Version="1.1.0.1">
  <POU Name="FB_Pump" Id="{11111111-2222-3333-4444-555555555555}" SpecialFunc="None">
    <Declaration><![CDATA[{attribute 'reflection'}
FUNCTION_BLOCK FB_Pump EXTENDS FB_Base IMPLEMENTS I_Pump
VAR_INPUT
    bStart : BOOL;
END_VAR
VAR
    nRuns : UDINT;
    refOut : REFERENCE TO INT;
END_VAR]]></Declaration>
    <Implementation>
      <ST><![CDATA[IF bStart AND_THEN NOT bBusy THEN
    nRuns := nRuns + 1;
END_IF]]></ST>
    </Implementation>
    <Method Name="Reset" Id="{22222222-2222-3333-4444-555555555555}">
      <Declaration><![CDATA[METHOD PUBLIC Reset : BOOL
VAR_INPUT
    bForce : BOOL;
END_VAR]]></Declaration>
      <Implementation>
        <ST><![CDATA[nRuns := 0;
Reset := TRUE;]]></ST>
      </Implementation>
    </Method>
    <Property Name="Runs" Id="{33333333-2222-3333-4444-555555555555}">
      <Declaration><![CDATA[PROPERTY Runs : UDINT]]></Declaration>
      <Get Name="Get" Id="{44444444-2222-3333-4444-555555555555}">
        <Declaration><![CDATA[VAR
END_VAR]]></Declaration>
        <Implementation>
          <ST><![CDATA[Runs := nRuns;]]></ST>
        </Implementation>
      </Get>
    </Property>
    <Action Name="Clear" Id="{55555555-2222-3333-4444-555555555555}">
      <Implementation>
        <ST><![CDATA[nRuns := 0;]]></ST>
      </Implementation>
    </Action>
    <LineIds Name="FB_Pump">
      <LineId Id="3" Count="0" />
    </LineIds>
  </POU>
</TcPlcObject>
"""

ITF = """<?xml version="1.0" encoding="utf-8"?>
<TcPlcObject Version="1.1.0.1">
  <Itf Name="I_Pump" Id="{66666666-2222-3333-4444-555555555555}">
    <Declaration><![CDATA[INTERFACE I_Pump
]]></Declaration>
    <Method Name="Start" Id="{77777777-2222-3333-4444-555555555555}">
      <Declaration><![CDATA[METHOD Start : REFERENCE TO BOOL;
VAR_INPUT
    nSpeed : INT;
END_VAR
]]></Declaration>
    </Method>
  </Itf>
</TcPlcObject>
"""

GVL = """<?xml version="1.0" encoding="utf-8"?>
<TcPlcObject Version="1.1.0.1">
  <GVL Name="GVL_Plant" Id="{88888888-2222-3333-4444-555555555555}">
    <Declaration><![CDATA[{attribute 'qualified_only'}
VAR_GLOBAL
    nLevel : INT;
END_VAR]]></Declaration>
  </GVL>
</TcPlcObject>
"""

DUT = """<?xml version="1.0" encoding="utf-8"?>
<TcPlcObject Version="1.1.0.1">
  <DUT Name="ST_Tank" Id="{99999999-2222-3333-4444-555555555555}">
    <Declaration><![CDATA[TYPE ST_Tank :
STRUCT
    fLevel : LREAL;
    sName : STRING(40);
END_STRUCT
END_TYPE
]]></Declaration>
  </DUT>
</TcPlcObject>
"""

LADDER = """<?xml version="1.0" encoding="utf-8"?>
<TcPlcObject Version="1.1.0.1">
  <POU Name="P_Ladder" Id="{aaaaaaaa-2222-3333-4444-555555555555}">
    <Declaration><![CDATA[PROGRAM P_Ladder
VAR
    bLamp : BOOL;
END_VAR]]></Declaration>
    <Implementation>
      <LD><Network><Contact Name="bLamp" /></Network></LD>
    </Implementation>
  </POU>
</TcPlcObject>
"""


def identifiers_in_cdata(xml: str) -> list[tuple[int, int, str]]:
    """(line, column, name) of every identifier inside the CDATA sections."""
    out = []
    for m in re.finditer(r"<!\[CDATA\[(.*?)\]\]>", xml, re.DOTALL):
        for ident in re.finditer(r"[A-Za-z_]\w*", m.group(1)):
            off = m.start(1) + ident.start()
            line = xml.count("\n", 0, off)
            col = off - (xml.rfind("\n", 0, off) + 1)
            out.append((line, col, ident.group()))
    return out


@pytest.mark.parametrize("xml", [POU, ITF, GVL, DUT, LADDER])
def test_twincat_files_parse_without_errors(xml: str) -> None:
    st = syntax.parse(xml, "file:///plant/POUs/X.TcPOU")
    assert syntax.syntax_errors(st) == [], st.source


@pytest.mark.parametrize("xml", [POU, ITF, GVL, DUT])
def test_virtual_text_has_the_xml_structure(xml: str) -> None:
    virtual = twincat.extract(xml).text
    assert virtual.count("\n") == xml.count("\n")
    lines = virtual.split("\n")
    for line, col, name in identifiers_in_cdata(xml):
        if name.upper() in {"AND_THEN", "REFERENCE", "PUBLIC"}:
            continue
        assert lines[line][col : col + len(name)] == name, (line, col, name)


def test_members_become_st_blocks() -> None:
    st = syntax.parse(POU, "FB_Pump.TcPOU")
    kinds = [n.type for n in syntax.walk(st.root)]
    assert "method_declaration" in kinds
    assert "property_declaration" in kinds
    methods = [
        st.text(n.child_by_field_name("name"))  # type: ignore[arg-type]
        for n in syntax.walk(st.root)
        if n.type == "method_declaration"
    ]
    assert methods == ["Reset", "Clear"]


def test_added_keywords_are_synthetic_and_outside_cdata() -> None:
    st = syntax.parse(POU, "FB_Pump.TcPOU")
    ends = [n for n in syntax.walk(st.root) if n.type == "END_METHOD"]
    assert ends and all(st.is_synthetic(n) for n in ends)
    name = next(
        n for n in syntax.walk(st.root) if n.type == "identifier" and st.text(n) == "bStart"
    )
    assert not st.is_synthetic(name)


def test_diagnostic_lands_on_xml_line_and_column() -> None:
    broken = POU.replace("nRuns := 0;\nReset := TRUE;", "nRuns := 0\nReset := TRUE;")
    st = syntax.parse(broken, "FB_Pump.TcPOU")
    errors = syntax.syntax_errors(st)
    assert len(errors) == 1
    rng, message = errors[0]
    assert message == "expected ';' after the statement"
    lines = broken.split("\n")
    line = next(i for i, text in enumerate(lines) if "<ST><![CDATA[nRuns := 0" in text)
    col = lines[line].index("nRuns := 0") + len("nRuns := 0")
    assert (rng.start.line, rng.start.character) == (line, col)


def test_crlf_and_bom() -> None:
    xml = POU.replace("\n", "\r\n")
    st = syntax.parse(xml, "FB_Pump.TcPOU")
    assert syntax.syntax_errors(st) == []
    assert st.source.count("\n") == xml.count("\n")


def test_detected_without_path() -> None:
    st = syntax.parse(GVL)
    assert syntax.syntax_errors(st) == []
    assert any(n.type == "var_global" for n in syntax.walk(st.root))


@pytest.mark.parametrize(
    "xml",
    [
        "<TcPlcObject><POU Name='X'><Declaration><![CDATA[PROGRAM X",
        "<TcPlcObject><POU></TcPlcObject>",
        "not xml at all",
        "",
        "\x00\x01<TcPlcObject>",
    ],
)
def test_malformed_xml_is_a_finding_not_a_crash(xml: str) -> None:
    problem = twincat.xml_problem(xml)
    assert problem is not None and "TwinCAT XML" in problem.message
    st = syntax.parse(xml, "broken.TcPOU")
    errors = syntax.syntax_errors(st)
    assert errors and "TwinCAT XML" in errors[0][1]


def test_malformed_xml_position() -> None:
    xml = "<TcPlcObject>\n  <POU>\n  </Wrong>\n</TcPlcObject>\n"
    problem = twincat.xml_problem(xml)
    assert problem is not None and problem.line == 2


def test_genuine_error_in_method_is_reported_once() -> None:
    broken = POU.replace("Runs := nRuns;", "Runs := nRuns +;")
    errors = syntax.syntax_errors(syntax.parse(broken, "FB_Pump.TcPOU"))
    assert len(errors) == 1
