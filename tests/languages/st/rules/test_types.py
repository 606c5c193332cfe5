"""ST3xx type rules: code that triggers each rule, and near misses that must stay silent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plantls.core.diagnostics import Severity
from plantls.languages.st.rules import ALL_RULES
from plantls.languages.st.rules.types import RULES, incompatible, narrowing, sign_change

CheckSt = Callable[..., Any]

TYPES = """
TYPE E_Mode : (Idle, Run, Stop); END_TYPE
TYPE E_Color : (Red, Green); END_TYPE
TYPE E_Word : (A := 1, B := 2) WORD; END_TYPE
TYPE T_Percent : INT(0..100); END_TYPE
TYPE ST_Base : STRUCT a : INT; END_STRUCT; END_TYPE
TYPE ST_Derived EXTENDS ST_Base : STRUCT b : INT; END_STRUCT; END_TYPE
TYPE ST_Other : STRUCT a : INT; END_STRUCT; END_TYPE
"""

VARS = """
VAR
    bFlag : BOOL;
    nSint : SINT;
    nInt : INT;
    nDint : DINT;
    nLint : LINT;
    nUsint : USINT;
    nUint : UINT;
    nUdint : UDINT;
    nByte : BYTE;
    nWord : WORD;
    nDword : DWORD;
    fReal : REAL;
    fLreal : LREAL;
    tDelay : TIME;
    tLong : LTIME;
    sText : STRING;
    eMode : E_Mode;
    eColor : E_Color;
    nPct : T_Percent;
    stBase : ST_Base;
    stDerived : ST_Derived;
    stOther : ST_Other;
    aVals : ARRAY[0..9] OF INT;
    aGrid : ARRAY[1..3, 0..cLast] OF REAL;
    pBytes : POINTER TO ARRAY[0..0] OF BYTE;
    fbDelay : TON;
    fbLib : Lib.FB_Thing;
    xAny : UNKNOWN_TYPE;
END_VAR
VAR CONSTANT
    cZero : INT := 0;
    cOne : INT := 1;
    cLast : INT := 4;
    cBig : DINT := 100;
END_VAR
"""


def program(body: str, extra_vars: str = "") -> str:
    """A PROGRAM with the test variables around ``body``."""
    return TYPES + "PROGRAM MAIN\n" + VARS + extra_vars + body + "\nEND_PROGRAM\n"


def test_rules_have_docs_and_severities() -> None:
    codes = {r.code for r in ALL_RULES}
    for rule in RULES:
        assert rule.code in codes
        assert rule.doc.why and rule.doc.example and rule.doc.fix, rule.code
        assert rule.name and rule.summary
    severities = {r.code: r.severity for r in RULES}
    assert severities["ST301"] is Severity.WARNING
    assert severities["ST302"] is Severity.WARNING
    assert severities["ST303"] is Severity.WARNING
    assert severities["ST304"] is Severity.WARNING
    for code in ("ST305", "ST306", "ST307", "ST308", "ST309"):
        assert severities[code] is Severity.ERROR


# -- ST301 ----------------------------------------------------------------------------------


def test_st301_narrowing_assignments(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            nInt := nDint;
            nInt := nLint;
            nInt := fReal;
            nDint := fLreal;
            fReal := fLreal;
            nUint := nUdint;
            nByte := nWord;
            tDelay := tLong;
            nInt := nDint + 1;
            nInt := 2.5;
            """
        ),
        "ST301",
    )
    assert found.texts == [
        "nDint", "nLint", "fReal", "fLreal", "fLreal", "nUdint", "nWord", "tLong",
        "nDint + 1", "2.5",
    ]
    assert found.messages[0] == (
        "DINT value assigned to INT nInt: values outside -32768..32767 do not fit"
    )
    assert "REAL value assigned to INT nInt: the fraction is lost" in found.messages[2]
    assert found.messages[-1] == "REAL literal 2.5 assigned to INT nInt: the fraction is lost"


def test_st301_initial_values_and_formal_arguments(check_st: CheckSt) -> None:
    src = """
    FUNCTION F_Set : BOOL
    VAR_INPUT
        nValue : INT;
    END_VAR
    F_Set := TRUE;
    END_FUNCTION
    PROGRAM MAIN
    VAR
        nBig : DINT := 70000;
        nSmall : INT := nBig;
        tLong : LTIME;
        fbDelay : TON;
        bOk : BOOL;
    END_VAR
    bOk := F_Set(nValue := nBig);
    fbDelay(IN := bOk, PT := tLong);
    END_PROGRAM
    """
    found = check_st(src, "ST301")
    assert found.texts == ["nBig", "nBig", "tLong"]
    assert found.messages[1] == (
        "DINT value passed to INT parameter nValue of F_Set: values outside -32768..32767 "
        "do not fit"
    )
    assert found.messages[2].startswith("LTIME value passed to TIME parameter PT of fbDelay")


def test_st301_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            nInt := 5;
            nInt := -32768;
            nInt := nSint;
            nInt := nUsint;
            nDint := nInt + 1;
            nInt := nInt + 1;
            nInt := nInt * 2 + nSint;
            nSint := cBig;
            nInt := DINT_TO_INT(nDint);
            nInt := TO_INT(fReal);
            fLreal := fReal;
            fReal := nInt;
            fReal := nDint * fReal;
            fReal := 1.5;
            nInt := INT#5;
            tDelay := LTIME#5s;
            nInt := nPct;
            nInt := fbLib.nValue;
            nInt := xAny;
            nInt := MAX(nInt, 3);
            nInt := nUint;
            """
        ),
        "ST301",
    )
    assert found.texts == []


# -- ST302 ----------------------------------------------------------------------------------


def test_st302_mixed_operations_and_assignments(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            bFlag := nInt > nUint;
            nLint := nDint + nUdint;
            bFlag := nSint = nUdint;
            nDint := nUdint;
            nUint := nInt;
            nUdint := nDint;
            """
        ),
        "ST302",
    )
    assert found.texts == [
        "nInt > nUint", "nDint + nUdint", "nSint = nUdint", "nUdint", "nInt", "nDint",
    ]
    assert found.messages[0] == "INT nInt and UINT nUint mix signed and unsigned in '>'"
    assert found.messages[3] == (
        "UDINT value assigned to DINT nDint: signed and unsigned cover different ranges"
    )


def test_st302_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            bFlag := nUint > 0;
            bFlag := nInt < nUsint;
            nInt := nUsint;
            nDint := nUint;
            nUint := 5;
            nUint := cOne;
            nUdint := nUint + 1;
            bFlag := nWord = nInt;
            bFlag := nUint > -1;
            nDint := UDINT_TO_DINT(nUdint);
            """
        ),
        "ST302",
    )
    assert found.texts == []


# -- ST303 / ST304 --------------------------------------------------------------------------


def test_st303_real_equality(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            bFlag := fReal = fLreal;
            IF fReal <> 1.5 THEN bFlag := TRUE; END_IF
            bFlag := aGrid[1, 2] = nInt;
            """
        ),
        "ST303",
    )
    assert found.texts == ["fReal = fLreal", "fReal <> 1.5", "aGrid[1, 2] = nInt"]
    assert found.messages[1].startswith("'<>' compares REAL values (fReal <> 1.5)")


def test_st303_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            bFlag := fReal = 0.0;
            bFlag := 0 <> fLreal;
            bFlag := fReal = fReal;
            bFlag := fReal >= fLreal;
            bFlag := nInt = nDint;
            bFlag := 1.0 = 1.0;
            bFlag := xAny = 1.5;
            """
        ),
        "ST303",
    )
    assert found.texts == []


def test_st304_time_equality_with_fixed_duration(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            fbDelay(IN := bFlag, PT := T#5S);
            IF fbDelay.ET = T#2S THEN bFlag := TRUE; END_IF
            bFlag := T#100MS <> tDelay;
            bFlag := tLong = LTIME#1S;
            """
        ),
        "ST304",
    )
    assert found.texts == ["fbDelay.ET = T#2S", "T#100MS <> tDelay", "tLong = LTIME#1S"]
    assert "compares TIME values (fbDelay.ET = T#2S) with a fixed duration" in found.messages[0]


def test_st304_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            bFlag := tDelay = T#0S;
            bFlag := tDelay = fbDelay.PT;
            bFlag := tDelay >= T#5S;
            bFlag := T#1S = T#1S;
            """
        ),
        "ST304",
    )
    assert found.texts == []


# -- ST305 ----------------------------------------------------------------------------------


def test_st305_division_by_constant_zero(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            nInt := nInt / 0;
            nInt := nInt MOD cZero;
            fReal := fReal / 0.0;
            fReal := fReal / (0);
            nInt := DIV(nInt, 0);
            """
        ),
        "ST305",
    )
    assert found.texts == ["0", "cZero", "0.0", "(0)", "0"]
    assert found.messages[:2] == [
        "division by zero: the divisor is 0",
        "MOD by zero: the divisor cZero is a constant 0",
    ]
    assert all(d.severity is Severity.ERROR for d in found)


def test_st305_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            nInt := nInt / cOne;
            nInt := 0 / nInt;
            nInt := nInt / nDint;
            nInt := nInt / (cOne - 1 + 1);
            nInt := nInt * 0;
            """,
            "VAR\n    nNotConst : INT := 0;\nEND_VAR\n",
        )
        + "PROGRAM P2\nVAR\n    n : INT := 0;\nEND_VAR\nn := 5 / n;\nEND_PROGRAM\n",
        "ST305",
    )
    assert found.texts == []


# -- ST306 ----------------------------------------------------------------------------------


def test_st306_literals_out_of_range(check_st: CheckSt) -> None:
    found = check_st(
        """
        VAR_GLOBAL
            gnSmall : SINT := 300;
        END_VAR
        PROGRAM MAIN
        VAR
            nSint : SINT;
            nUsint : USINT := -1;
            nInt : INT;
            nByte : BYTE;
            fReal : REAL := 1.0E39;
            aSmall : ARRAY[0..2] OF SINT := [1, 200, 3];
        END_VAR
        nSint := 300;
        nInt := INT#70000;
        nByte := 256;
        nInt := UINT#-1 + nInt;
        END_PROGRAM
        """,
        "ST306",
    )
    assert found.texts == ["300", "-1", "1.0E39", "200", "300", "INT#70000", "256", "UINT#-1"]
    assert found.messages[0] == "300 is out of range for SINT gnSmall (-128..127)"
    assert found.messages[5] == "INT#70000 is out of range for INT (-32768..32767)"


def test_st306_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        """
        PROGRAM MAIN
        VAR
            nSint : SINT := -128;
            nInt : INT := 16#FFFF;
            nWord : WORD := 16#FFFF;
            nUsint : USINT := 255;
            fReal : REAL := 1.0E38;
            nDint : DINT := -2147483648;
            tDelay : TIME := 5000;
            bFlag : BOOL := 1;
        END_VAR
        nInt := INT#16#FFFF;
        nInt := 100 + 200;
        nUsint := USINT#255;
        END_PROGRAM
        """,
        "ST306",
    )
    assert found.texts == []


# -- ST307 ----------------------------------------------------------------------------------


def test_st307_constant_index_out_of_bounds(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            aVals[10] := 1;
            nInt := aVals[-1];
            aGrid[1, 5] := 1.0;
            aGrid[0, 0] := 1.0;
            aVals[cLast + 6] := 2;
            """
        ),
        "ST307",
    )
    assert found.texts == ["10", "-1", "5", "0", "cLast + 6"]
    assert found.messages[0] == (
        "index 10 is outside the bounds 0..9 of aVals (ARRAY[0..9] OF INT)"
    )
    assert found.messages[2] == (
        "index 5 in dimension 2 is outside the bounds 0..4 of aGrid (ARRAY[1..3, 0..cLast] OF REAL)"
    )


def test_st307_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            aVals[0] := 1;
            aVals[9] := 1;
            aVals[nInt] := 1;
            aGrid[3, cLast] := 1.0;
            pBytes^[100] := 1;
            nInt := nWord.3;
            """
        )
        + """
        FUNCTION F_Sum : INT
        VAR_IN_OUT
            aIn : ARRAY[*] OF INT;
        END_VAR
        F_Sum := aIn[100];
        END_FUNCTION
        """,
        "ST307",
    )
    assert found.texts == []


# -- ST308 ----------------------------------------------------------------------------------


def test_st308_non_bool_conditions(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            IF nInt THEN bFlag := TRUE; ELSIF nWord AND 16#1 THEN bFlag := FALSE; END_IF
            WHILE fReal DO fReal := fReal - 1.0; END_WHILE
            REPEAT nInt := nInt + 1; UNTIL eMode END_REPEAT
            """
        ),
        "ST308",
    )
    assert found.texts == ["nInt", "nWord AND 16#1", "fReal", "eMode"]
    assert found.messages[0] == "IF condition nInt is INT, not BOOL"
    assert found.messages[3] == "UNTIL condition eMode is E_Mode, not BOOL"


def test_st308_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            IF bFlag AND nInt > 0 THEN bFlag := FALSE; END_IF
            IF nWord.3 THEN bFlag := TRUE; END_IF
            IF fbDelay.Q THEN bFlag := TRUE; END_IF
            IF xAny THEN bFlag := TRUE; END_IF
            IF fbLib.bDone THEN bFlag := TRUE; END_IF
            WHILE NOT bFlag DO bFlag := TRUE; END_WHILE
            """
        ),
        "ST308",
    )
    assert found.texts == []


# -- ST309 ----------------------------------------------------------------------------------


def test_st309_incompatible_assignments(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            sText := nInt;
            bFlag := fReal;
            tDelay := nDint;
            nDint := tDelay;
            stBase := stOther;
            eMode := eColor;
            eMode := nInt;
            nInt := sText;
            fbDelay(IN := bFlag, PT := nDint);
            stBase := nInt;
            """
        ),
        "ST309",
    )
    assert found.texts == [
        "nInt", "fReal", "nDint", "tDelay", "stOther", "eColor", "nInt", "sText", "nDint",
        "nInt",
    ]
    assert found.messages[:7] == [
        "INT value assigned to STRING sText",
        "REAL value assigned to BOOL bFlag",
        "DINT value assigned to TIME tDelay",
        "TIME value assigned to DINT nDint",
        "structure ST_Other value assigned to structure ST_Base stBase",
        "enumeration E_Color value assigned to enumeration E_Mode eMode",
        "INT value assigned to enumeration E_Mode eMode",
    ]
    assert found.messages[8] == "DINT value passed to TIME parameter PT of fbDelay"


def test_st309_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        program(
            """
            nInt := eMode;
            eMode := E_Mode.Run;
            eMode := Stop;
            stBase := stDerived;
            sText := 'text';
            sText := INT_TO_STRING(nInt);
            tDelay := DINT_TO_TIME(nDint);
            tDelay := T#1S;
            nWord := nInt;
            nInt := nWord;
            bFlag := nWord.3;
            bFlag := nByte;
            nInt := bFlag;
            xAny := nInt;
            nInt := fbLib.nValue;
            eMode := 1;
            nInt := nDint;
            """
        ),
        "ST309",
    )
    assert found.texts == []


# -- relations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        ("DINT", "INT", True), ("LREAL", "REAL", True), ("REAL", "DINT", True),
        ("UDINT", "UINT", True), ("DWORD", "WORD", True), ("LTIME", "TIME", True),
        ("INT", "DINT", False), ("UDINT", "DINT", False), ("DINT", "REAL", False),
        ("INT", "INT", False), ("STRING", "INT", False),
    ],
)
def test_narrowing(src: str, dst: str, expected: bool) -> None:
    assert narrowing(src, dst) is expected


def test_sign_change() -> None:
    assert sign_change("UDINT", "DINT")
    assert sign_change("INT", "UINT")
    assert not sign_change("USINT", "INT")
    assert not sign_change("INT", "WORD")


def test_incompatible_is_silent_on_unknown_kinds() -> None:
    from plantls.languages.st.index import StIndex
    from plantls.languages.st.types import StType

    index = StIndex()
    assert not incompatible(StType("POINTER", "pointer"), StType("INT"), index)
    assert not incompatible(StType("FB_X", "fb"), StType("INT"), index)
    assert incompatible(StType("STRING"), StType("INT"), index)
