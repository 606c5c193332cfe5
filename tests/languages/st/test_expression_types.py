"""Expression typing: literals, names, members, elements, calls and operators."""

from __future__ import annotations

from textwrap import dedent

import pytest

from plantls.core.documents import Document
from plantls.core.workspace import Workspace
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.language import StLanguage
from plantls.languages.st.syntax import walk
from plantls.languages.st.types import StType, duration_ms, int_value, type_of, typer

DECLS = """
TYPE E_Mode : (Idle, Run := 5, Stop); END_TYPE
TYPE T_Percent : INT(0..100); END_TYPE
TYPE T_Speed : LREAL; END_TYPE
TYPE T_Buffer : ARRAY[0..cSize] OF BYTE; END_TYPE
TYPE ST_Axis :
STRUCT
    fPos : LREAL;
    aLimits : ARRAY[1..2, 0..1] OF REAL;
    eMode : E_Mode;
END_STRUCT
END_TYPE
VAR_GLOBAL CONSTANT
    cSize : INT := 15;
END_VAR
FUNCTION F_Scale : REAL
VAR_INPUT
    nIn : INT;
END_VAR
F_Scale := nIn * 0.1;
END_FUNCTION
FUNCTION_BLOCK FB_Axis
VAR
    stAxis : ST_Axis;
END_VAR
METHOD GetPos : LREAL
GetPos := stAxis.fPos;
END_METHOD
PROPERTY Speed : T_Speed
GET
Speed := 1.0;
END_GET
END_PROPERTY
END_FUNCTION_BLOCK
"""

BODY_VARS = """
VAR
    bFlag : BOOL;
    nSint : SINT;
    nInt : INT;
    nDint : DINT;
    nLint : LINT;
    nUint : UINT;
    nUdint : UDINT;
    nUsint : USINT;
    nWord : WORD;
    nDword : DWORD;
    fReal : REAL;
    fLreal : LREAL;
    tDelay : TIME;
    tLong : LTIME;
    dtNow : DT;
    sText : STRING(20);
    wsText : WSTRING;
    eMode : E_Mode;
    nPct : T_Percent;
    fSpeed : T_Speed;
    aBuf : T_Buffer;
    aVals : ARRAY[1..10] OF DINT;
    aNested : ARRAY[0..2] OF ARRAY[0..3] OF WORD;
    pInt : POINTER TO INT;
    refReal : REFERENCE TO REAL;
    stAxis : ST_Axis;
    fbAxis : FB_Axis;
    fbDelay : TON;
    fbEdge : R_TRIG;
    fbCount : CTU;
END_VAR
VAR CONSTANT
    cZero : INT := 0;
    cTen : DINT := 2 * 5;
END_VAR
"""


def _analysis(body: str) -> tuple[StAnalysis, Workspace]:
    text = dedent(DECLS) + "PROGRAM MAIN\n" + dedent(BODY_VARS) + dedent(body) + "END_PROGRAM\n"
    ws = Workspace()
    doc = Document(uri="file:///workspace/main.st", text=text, language_id="iec-st")
    ws.open(doc)
    analysis = StLanguage().analysis(doc, ws)
    assert analysis is not None
    return analysis, ws


def types_of(body: str) -> dict[str, StType | None]:
    """The type of the right side of every ``_x := <expr>;`` in MAIN, by the expression text."""
    analysis, _ = _analysis(body)
    pou = analysis.model.pous["MAIN"]
    out: dict[str, StType | None] = {}
    for stmt in pou.body:
        for node in walk(stmt):
            if node.type == "assignment_statement":
                right = node.child_by_field_name("right")
                assert right is not None
                out[analysis.tree.text(right)] = type_of(right, pou, analysis)
    return out


def name(t: StType | None) -> str | None:
    return t.name if t is not None else None


@pytest.mark.parametrize(
    ("expr", "expected", "literal", "value"),
    [
        ("5", "DINT", True, 5),
        ("-5", "DINT", True, -5),
        ("16#FF", "DINT", True, 255),
        ("2#1010_1010", "DINT", True, 170),
        ("5000000000", "LINT", True, 5_000_000_000),
        ("1.5", "LREAL", True, 1.5),
        ("1.0E3", "LREAL", True, 1000.0),
        ("TRUE", "BOOL", False, 1),
        ("INT#5", "INT", False, 5),
        ("USINT#16#FF", "USINT", False, 255),
        ("REAL#1.5", "REAL", False, 1.5),
        ("T#5s", "TIME", False, 5000),
        ("LTIME#1h30m", "LTIME", False, 5_400_000),
        ("TOD#12:00:00", "TIME_OF_DAY", False, None),
        ("D#2024-01-01", "DATE", False, None),
        ("DT#2024-01-01-12:00:00", "DATE_AND_TIME", False, None),
        ("'abc'", "STRING", True, None),
        ('"abc"', "WSTRING", True, None),
    ],
)
def test_literals(expr: str, expected: str, literal: bool, value: float | None) -> None:
    t = types_of(f"nInt := {expr};\n")[expr]
    assert t is not None
    assert (t.name, t.literal, t.value) == (expected, literal, value)


def test_names_members_elements_and_aliases() -> None:
    found = types_of(
        """
        nInt := nSint;
        nInt := nPct;
        nInt := fSpeed;
        nInt := eMode;
        nInt := E_Mode.Run;
        nInt := Run;
        nInt := stAxis.fPos;
        nInt := stAxis.eMode;
        nInt := stAxis.aLimits[1, 0];
        nInt := aVals[3];
        nInt := aNested[1][2];
        nInt := aNested[1];
        nInt := aBuf[2];
        nInt := pInt^;
        nInt := refReal;
        nInt := fbDelay.Q;
        nInt := fbDelay.ET;
        nInt := fbCount.CV;
        nInt := fbAxis.Speed;
        nInt := sText;
        """
    )
    assert {k: name(v) for k, v in found.items()} == {
        "nSint": "SINT",
        "nPct": "INT",
        "fSpeed": "LREAL",
        "eMode": "E_Mode",
        "E_Mode.Run": "E_Mode",
        "Run": "E_Mode",
        "stAxis.fPos": "LREAL",
        "stAxis.eMode": "E_Mode",
        "stAxis.aLimits[1, 0]": "REAL",
        "aVals[3]": "DINT",
        "aNested[1][2]": "WORD",
        "aNested[1]": "ARRAY",
        "aBuf[2]": "BYTE",
        "pInt^": "INT",
        "refReal": "REAL",
        "fbDelay.Q": "BOOL",
        "fbDelay.ET": "TIME",
        "fbCount.CV": "INT",
        "fbAxis.Speed": "LREAL",
        "sText": "STRING",
    }
    assert found["eMode"] is not None and found["eMode"].kind == "enum"
    assert found["aNested[1]"] is not None and found["aNested[1]"].kind == "array"


def test_constants_carry_their_values() -> None:
    found = types_of("nInt := cZero;\nnInt := cTen;\nnInt := cSize;\n")
    assert [(name(t), t.value if t else None) for t in found.values()] == [
        ("INT", 0), ("DINT", 10), ("INT", 15),
    ]


def test_operators_promote_like_iec() -> None:
    found = types_of(
        """
        bFlag := nInt + 1;
        bFlag := nInt + nDint;
        bFlag := nUsint + nInt;
        bFlag := nInt + nUint;
        bFlag := nDint * fReal;
        bFlag := fReal + fLreal;
        bFlag := nInt * 1.5;
        bFlag := nInt < nDint;
        bFlag := bFlag AND nInt > 3;
        bFlag := nWord AND 16#FF;
        bFlag := nWord OR nDword;
        bFlag := NOT nWord;
        bFlag := -nInt;
        bFlag := (2 + 3) * 4;
        bFlag := 7 / 2;
        bFlag := -7 MOD 2;
        bFlag := tDelay + T#1s;
        bFlag := tDelay * 2;
        bFlag := dtNow - dtNow;
        bFlag := dtNow + T#1h;
        bFlag := fReal ** 2;
        bFlag := sText + 1;
        bFlag := nInt MOD fReal;
        """
    )
    got = {k: (name(v), v.literal if v else None, v.value if v else None)
           for k, v in found.items()}
    assert got == {
        "nInt + 1": ("INT", False, None),
        "nInt + nDint": ("DINT", False, None),
        "nUsint + nInt": ("INT", False, None),
        "nInt + nUint": (None, None, None),
        "nDint * fReal": ("REAL", False, None),
        "fReal + fLreal": ("LREAL", False, None),
        "nInt * 1.5": ("REAL", False, None),
        "nInt < nDint": ("BOOL", False, None),
        "bFlag AND nInt > 3": ("BOOL", False, None),
        "nWord AND 16#FF": ("WORD", False, None),
        "nWord OR nDword": ("DWORD", False, None),
        "NOT nWord": ("WORD", False, None),
        "-nInt": ("INT", False, None),
        "(2 + 3) * 4": ("DINT", True, 20),
        "7 / 2": ("DINT", True, 3),
        "-7 MOD 2": ("DINT", True, -1),
        "tDelay + T#1s": ("TIME", False, None),
        "tDelay * 2": ("TIME", False, None),
        "dtNow - dtNow": ("TIME", False, None),
        "dtNow + T#1h": ("DATE_AND_TIME", False, None),
        "fReal ** 2": ("REAL", False, None),
        "sText + 1": (None, None, None),
        "nInt MOD fReal": (None, None, None),
    }


def test_calls() -> None:
    found = types_of(
        """
        bFlag := F_Scale(nIn := 3);
        bFlag := fbAxis.GetPos();
        bFlag := INT_TO_REAL(nInt);
        bFlag := TO_DINT(fReal);
        bFlag := MAX(nSint, 3);
        bFlag := MIN(nInt, nDint);
        bFlag := LIMIT(0.0, fLreal, 10.0);
        bFlag := LIMIT(MN := 0, IN := nInt, MX := 100);
        bFlag := SEL(bFlag, nInt, nDint);
        bFlag := MUX(nInt, fReal, fReal);
        bFlag := SHL(nWord, 2);
        bFlag := ABS(fReal);
        bFlag := SQRT(nInt);
        bFlag := LEN(sText);
        bFlag := TRUNC(fReal);
        bFlag := MAX(nInt, nUint);
        bFlag := ADR(nInt);
        bFlag := Unknown(1);
        """
    )
    assert {k: name(v) for k, v in found.items()} == {
        "F_Scale(nIn := 3)": "REAL",
        "fbAxis.GetPos()": "LREAL",
        "INT_TO_REAL(nInt)": "REAL",
        "TO_DINT(fReal)": "DINT",
        "MAX(nSint, 3)": "SINT",
        "MIN(nInt, nDint)": "DINT",
        "LIMIT(0.0, fLreal, 10.0)": "LREAL",
        "LIMIT(MN := 0, IN := nInt, MX := 100)": "INT",
        "SEL(bFlag, nInt, nDint)": "DINT",
        "MUX(nInt, fReal, fReal)": "REAL",
        "SHL(nWord, 2)": "WORD",
        "ABS(fReal)": "REAL",
        "SQRT(nInt)": None,
        "LEN(sText)": "INT",
        "TRUNC(fReal)": "DINT",
        "MAX(nInt, nUint)": None,
        "ADR(nInt)": None,
        "Unknown(1)": None,
    }


def test_unknown_and_library_names_are_untyped() -> None:
    found = types_of("nInt := nMissing + 1;\nnInt := Lib.Thing.Value;\nnInt := nInt.3;\n")
    assert found["nMissing + 1"] is None
    assert found["Lib.Thing.Value"] is None


def test_bit_access_is_bool() -> None:
    found = types_of("bFlag := nWord.3;\nbFlag := nDint.%X2 AND TRUE;\nbFlag := nInt.15;\n")
    assert [name(t) for t in found.values()] == ["BOOL", "BOOL", "BOOL"]


def test_array_bounds_resolve_constants() -> None:
    analysis, _ = _analysis("nInt := aBuf[0];\n")
    t = typer(analysis)
    pou = analysis.model.pous["MAIN"]
    decl = analysis.index.interface_of(pou).vars["ABUF"]
    arr = t.of_decl(decl, pou)
    assert arr is not None and arr.kind == "array"
    assert t.array_bounds(arr) == [(0, 15)]


def test_types_are_cached_per_node() -> None:
    analysis, _ = _analysis("nInt := nDint + 1;\n")
    pou = analysis.model.pous["MAIN"]
    right = pou.body[0].child_by_field_name("right")
    assert right is not None
    assert type_of(right, pou, analysis) is type_of(right, pou, analysis)


def test_literal_parsers() -> None:
    assert int_value("16#FF_FF") == 0xFFFF
    assert int_value("-8#17") == -15
    assert int_value("abc") is None
    assert duration_ms("T#1d2h3m4s5ms") == 93_784_005
    assert duration_ms("LTIME#1us") == 0.001
    assert duration_ms("T#-250ms") == -250
    assert duration_ms("T#5x") is None
