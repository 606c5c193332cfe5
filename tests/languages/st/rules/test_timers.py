"""ST4xx timer, counter, edge and output rules: triggers and near misses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plantls.core.diagnostics import Severity
from plantls.languages.st.rules.timers import RULES

CheckSt = Callable[..., Any]

VARS = """
VAR
    bStart, bStop, bAuto, bFlag : BOOL;
    nStep : INT;
    fbDelay : TON;
    fbOff : TOF;
    fbPulse : TP;
    fbLong : LTON;
    fbEdge : R_TRIG;
    fbFall : F_TRIG;
    fbCount : CTU;
    fbLatch : RS;
    aTimers : ARRAY[0..3] OF TON;
    i : INT;
END_VAR
"""


def block(body: str, extra: str = "", kind: str = "FUNCTION_BLOCK") -> str:
    """A POU named FB_Test with the test variables around ``body``."""
    return f"{kind} FB_Test\n{VARS}{extra}{body}\nEND_{kind}\n"


def test_rules_have_docs_and_severities() -> None:
    assert [r.code for r in RULES] == ["ST401", "ST402", "ST403", "ST404"]
    for rule in RULES:
        assert rule.doc.why and rule.doc.example and rule.doc.fix
        assert rule.severity is Severity.WARNING


# -- ST401 ----------------------------------------------------------------------------------


def test_st401_calls_only_in_branches(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            IF bAuto THEN
                fbDelay(IN := bStart, PT := T#2S);
            END_IF
            CASE nStep OF
                10: fbEdge(CLK := bStart);
                20: fbEdge(CLK := bStop);
            END_CASE
            IF bAuto THEN
                fbCount(CU := bStart);
            ELSIF bStop THEN
                fbCount(CU := bStop);
            END_IF
            IF bAuto THEN
                IF bStop THEN fbLong(IN := TRUE); ELSE fbLong(IN := FALSE); END_IF
            END_IF
            """
        ),
        "ST401",
    )
    assert found.texts == ["fbDelay", "fbEdge", "fbCount", "fbLong"]
    assert found.messages[0].startswith(
        "fbDelay (TON) is called only inside IF/CASE branches of FB_Test: while the branch "
        "is skipped it does not see IN, so it neither runs nor resets"
    )
    assert "fbEdge (R_TRIG)" in found.messages[1] and "misses edges" in found.messages[1]


def test_st401_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            fbDelay(IN := bStart, PT := T#2S);
            IF bAuto THEN fbOff(IN := TRUE, PT := T#1S); ELSE fbOff(IN := FALSE); END_IF
            CASE nStep OF
                10: fbEdge(CLK := bStart);
                20: fbEdge(CLK := bStop);
            ELSE
                fbEdge(CLK := FALSE);
            END_CASE
            IF bAuto THEN
                IF bStop THEN fbPulse(IN := TRUE); ELSE fbPulse(IN := FALSE); END_IF
            ELSE
                fbPulse(IN := FALSE);
            END_IF
            IF bAuto THEN fbLatch(S := TRUE, R1 := FALSE); END_IF
            FOR i := 0 TO 3 DO
                IF bAuto THEN aTimers[i](IN := TRUE, PT := T#1S); END_IF
            END_FOR
            WHILE bFlag DO
                IF bStop THEN fbCount(CU := bStart); END_IF
                bFlag := FALSE;
            END_WHILE
            """
        ),
        "ST401",
    )
    assert found.texts == []


def test_st401_instances_called_from_another_member_are_not_judged(check_st: CheckSt) -> None:
    found = check_st(
        """
        FUNCTION_BLOCK FB_Test
        VAR
            fbDelay : TON;
            bAuto : BOOL;
        END_VAR
        IF bAuto THEN fbDelay(IN := TRUE, PT := T#1S); END_IF
        END_FUNCTION_BLOCK
        """
        .replace("END_FUNCTION_BLOCK", "METHOD Reset\nfbDelay(IN := FALSE);\nEND_METHOD\n"
                 "END_FUNCTION_BLOCK"),
        "ST401",
    )
    assert found.texts == []


# -- ST402 ----------------------------------------------------------------------------------


def test_st402_called_twice_per_scan(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            fbDelay(IN := bStart, PT := T#5S);
            bFlag := fbDelay.Q;
            fbDelay(IN := bStop, PT := T#1S);
            fbFall(CLK := bStart);
            fbFall();
            IF bAuto THEN
                fbEdge(CLK := bStart);
            END_IF
            fbEdge(CLK := bStop);
            """
        ),
        "ST402",
    )
    assert found.texts == ["fbDelay", "fbFall", "fbEdge"]
    first = found.lines[0] - 2
    assert found.lines == [first + 2, first + 4, first + 8]
    assert found.messages[0] == (
        f"fbDelay (TON) is called again here after the call on line {first} in the same scan"
    )


def test_st402_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            IF bAuto THEN
                fbDelay(IN := bStart, PT := T#5S);
            ELSIF bStop THEN
                fbDelay(IN := FALSE, PT := T#5S);
            ELSE
                fbDelay(IN := TRUE, PT := T#1S);
            END_IF
            CASE nStep OF
                1: fbEdge(CLK := bStart);
                2: fbEdge(CLK := bStop);
            END_CASE
            fbPulse(IN := FALSE);
            fbPulse(IN := TRUE, PT := T#1S);
            fbCount(CU := bStart);
            IF bStop THEN fbCount(R := TRUE); END_IF
            fbLatch(S := bStart, R1 := bStop);
            fbLatch(S := bAuto, R1 := bStop);
            FOR i := 0 TO 3 DO
                aTimers[i](IN := bStart, PT := T#1S);
            END_FOR
            fbOff(IN := bStart, PT := T#1S);
            fbOff.Q;
            """,
        ),
        "ST402",
    )
    assert found.texts == []


def test_st402_user_blocks_and_methods_are_not_reported(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Log
    VAR_INPUT
        sMsg : STRING;
    END_VAR
    METHOD Flush
    END_METHOD
    END_FUNCTION_BLOCK
    PROGRAM MAIN
    VAR
        fbLog : FB_Log;
    END_VAR
    fbLog(sMsg := 'a');
    fbLog(sMsg := 'b');
    fbLog.Flush();
    fbLog.Flush();
    END_PROGRAM
    """
    assert check_st(src, "ST402").texts == []


# -- ST403 ----------------------------------------------------------------------------------


def test_st403_output_read_but_never_called(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            fbDelay.IN := bStart;
            fbDelay.PT := T#5S;
            bFlag := fbDelay.Q;
            IF fbEdge.Q THEN nStep := 1; END_IF
            IF fbPulse.ET > T#1S THEN nStep := 2; END_IF
            """
        ),
        "ST403",
    )
    assert found.texts == ["fbDelay.Q", "fbEdge.Q", "fbPulse.ET"]
    assert found.messages[0] == (
        "fbDelay.Q is read, but the TON instance fbDelay is never called in FB_Test: its "
        "outputs never change"
    )


def test_st403_near_misses(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Helper
    VAR_IN_OUT
        fbT : TON;
    END_VAR
    fbT(IN := TRUE, PT := T#1S);
    END_FUNCTION_BLOCK
    VAR_GLOBAL
        gfbDelay : TON;
    END_VAR
    FUNCTION_BLOCK FB_Test
    VAR
        fbDelay, fbPassed, fbInMethod, fbByThis : TON;
        fbEdge : R_TRIG;
        fbCount : CTU;
        fbHelper : FB_Helper;
        bFlag : BOOL;
        p : POINTER TO R_TRIG;
    END_VAR
    IF bFlag THEN fbDelay(IN := TRUE, PT := T#1S); END_IF
    bFlag := fbDelay.Q OR fbPassed.Q OR fbInMethod.Q OR gfbDelay.Q OR fbCount.Q;
    bFlag := fbByThis.Q;
    fbHelper(fbT := fbPassed);
    p := ADR(fbEdge);
    bFlag := fbEdge.Q;
    THIS^.fbByThis(IN := TRUE, PT := T#1S);
    METHOD Run
    fbInMethod(IN := TRUE);
    END_METHOD
    END_FUNCTION_BLOCK
    """
    assert check_st(src, "ST403").texts == []
    # The same block without the calls reports every timer that is only read.
    bare = src.replace("fbHelper(fbT := fbPassed);", "").replace("p := ADR(fbEdge);", "")
    bare = bare.replace("THIS^.fbByThis(IN := TRUE, PT := T#1S);", "")
    bare = bare.replace("fbInMethod(IN := TRUE);", "")
    assert check_st(bare, "ST403").texts == [
        "fbPassed.Q", "fbInMethod.Q", "fbByThis.Q", "fbEdge.Q",
    ]


def test_st403_instances_of_extended_blocks_are_not_judged(check_st: CheckSt) -> None:
    src = {
        "base.st": """
        FUNCTION_BLOCK FB_Base
        VAR
            fbDelay : TON;
            bDone : BOOL;
        END_VAR
        bDone := fbDelay.Q;
        END_FUNCTION_BLOCK
        """,
        "derived.st": """
        FUNCTION_BLOCK FB_Derived EXTENDS FB_Base
        fbDelay(IN := TRUE, PT := T#1S);
        END_FUNCTION_BLOCK
        """,
    }
    assert check_st(src, "ST403").texts == []


# -- ST404 ----------------------------------------------------------------------------------

OUTPUTS = """
VAR_OUTPUT
    bMotor : BOOL;
    nSpeed : INT;
END_VAR
VAR
    bLamp AT %QX0.1 : BOOL;
    bTmp : BOOL;
    nTmp : INT;
END_VAR
"""


def test_st404_overwritten_outputs(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            bMotor := bAuto AND bStart;
            bMotor := bStart;
            IF bAuto THEN
                bLamp := TRUE;
            ELSE
                bLamp := bStop;
            END_IF
            bLamp := FALSE;
            IF bFlag THEN
                nSpeed := 1;
                nSpeed := 2;
            END_IF
            """,
            OUTPUTS,
        ),
        "ST404",
    )
    assert found.texts == ["bMotor", "bLamp", "bLamp", "nSpeed"]
    first = found.lines[0]
    assert found.messages[0] == (
        f"output bMotor is overwritten on line {first + 1} before anything reads it: this "
        "write never takes effect"
    )
    assert found.lines == [first, first + 3, first + 5, first + 9]
    assert f"on line {first + 7}" in found.messages[1]


def test_st404_near_misses(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            bMotor := bAuto;
            bTmp := bMotor;
            bMotor := bStart;
            bTmp := bMotor OR bTmp;
            IF bAuto THEN bLamp := TRUE; ELSE bLamp := FALSE; END_IF
            nSpeed := 0;
            IF bFlag THEN nSpeed := 100; END_IF
            nSpeed := nSpeed + 1;
            bMotor := FALSE;
            IF bStop THEN RETURN; END_IF
            bMotor := TRUE;
            bLamp := bStart;
            Helper();
            bLamp := bStop;
            bTmp := FALSE;
            bTmp := TRUE;
            nTmp := 1;
            nTmp := 2;
            FOR i := 0 TO 3 DO
                nSpeed := i;
            END_FOR
            nSpeed := 5;
            """,
            OUTPUTS + "METHOD Helper\nEND_METHOD\n",
        ),
        "ST404",
    )
    assert found.texts == []


def test_st404_address_taken_outputs_are_not_judged(check_st: CheckSt) -> None:
    found = check_st(
        block(
            """
            pOut := ADR(bMotor);
            bMotor := TRUE;
            pOut^ := FALSE;
            bMotor := bStart;
            """,
            OUTPUTS + "VAR\n    pOut : POINTER TO BOOL;\nEND_VAR\n",
        ),
        "ST404",
    )
    assert found.texts == []


def test_st404_pou_with_unparsed_jumps_is_not_judged(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    VAR_OUTPUT
        bOut : BOOL;
    END_VAR
    bOut := TRUE;
    JMP lblEnd;
    bOut := FALSE;
    lblEnd: ;
    END_PROGRAM
    """
    assert check_st(src, "ST404").texts == []
