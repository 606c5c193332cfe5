"""A large, realistic Structured Text file for the server benchmarks (no corpus needed).

``generate(lines)`` returns about ``lines`` lines of TwinCAT-flavoured ST: an enum and a
struct, then function blocks with inputs, outputs, locals, timers, edge triggers, CASE state
machines, FOR loops over arrays, methods and calls between blocks, and a PROGRAM that runs
them. Deterministic (no randomness), so every run measures the same text.

``.venv/bin/python bench/st_generate.py 5000 > /tmp/big.st`` writes one.
"""

from __future__ import annotations

import sys

HEADER = """TYPE E_State :
(
    eIdle := 0,
    eStarting := 10,
    eRunning := 20,
    eStopping := 30,
    eFault := 99
);
END_TYPE

TYPE ST_Axis :
STRUCT
    fPosition : LREAL;
    fVelocity : LREAL;
    bEnabled : BOOL;
    nErrorId : UDINT;
END_STRUCT
END_TYPE

"""


def block(i: int) -> str:
    """One function block with a method, about 75 lines."""
    prev = f"fbStation{i - 1}" if i else ""
    call_prev = f"    {prev}(bEnable := bEnable, fSetpoint := fSetpoint * 0.5);\n" if prev else ""
    decl_prev = f"    {prev} : FB_Station{i - 1};\n" if prev else ""
    return f"""FUNCTION_BLOCK FB_Station{i}
VAR_INPUT
    bEnable : BOOL;
    bReset : BOOL;
    fSetpoint : LREAL;
    nRecipe : INT := {i % 7};
END_VAR
VAR_OUTPUT
    bBusy : BOOL;
    bDone : BOOL;
    bError : BOOL;
    fActual : LREAL;
END_VAR
VAR
    eState : E_State := E_State.eIdle;
    tonStart : TON;
    tonTimeout : TON;
    rtReset : R_TRIG;
    aAxes : ARRAY[1..4] OF ST_Axis;
    nIndex : INT;
    fSum : LREAL;
    nCycles : UDINT;
{decl_prev}END_VAR

rtReset(CLK := bReset);
IF rtReset.Q THEN
    eState := E_State.eIdle;
    bError := FALSE;
END_IF

tonTimeout(IN := bBusy, PT := T#{5 + i % 10}S);
CASE eState OF
    E_State.eIdle:
        bBusy := FALSE;
        IF bEnable AND NOT bError THEN
            eState := E_State.eStarting;
        END_IF
    E_State.eStarting:
        bBusy := TRUE;
        tonStart(IN := TRUE, PT := T#500MS);
        IF tonStart.Q THEN
            tonStart(IN := FALSE);
            eState := E_State.eRunning;
        END_IF
    E_State.eRunning:
        fSum := 0.0;
        FOR nIndex := 1 TO 4 DO
            fSum := fSum + aAxes[nIndex].fPosition;
        END_FOR
        fActual := fSum / 4.0;
        IF ABS(fActual - fSetpoint) < 0.01 THEN
            bDone := TRUE;
            eState := E_State.eStopping;
        END_IF
    E_State.eStopping:
        bBusy := FALSE;
        eState := E_State.eIdle;
ELSE
    bError := TRUE;
    eState := E_State.eFault;
END_CASE

IF tonTimeout.Q THEN
    bError := TRUE;
END_IF
nCycles := nCycles + 1;
{call_prev}
METHOD ResetAxes : BOOL
VAR_INPUT
    fHome : LREAL;
END_VAR
FOR nIndex := 1 TO 4 DO
    aAxes[nIndex].fPosition := fHome;
    aAxes[nIndex].fVelocity := 0.0;
END_FOR
ResetAxes := TRUE;
END_METHOD
END_FUNCTION_BLOCK

"""


def program(count: int) -> str:
    """The PROGRAM that runs the last block."""
    last = count - 1
    return f"""PROGRAM MAIN
VAR
    fbLine : FB_Station{last};
    bStart : BOOL;
    bOk : BOOL;
END_VAR
fbLine(bEnable := bStart, bReset := FALSE, fSetpoint := 12.5);
IF fbLine.bDone THEN
    bOk := fbLine.ResetAxes(fHome := 0.0);
END_IF
END_PROGRAM
"""


def generate(lines: int = 5000) -> str:
    """About ``lines`` lines of ST (at least one block)."""
    per_block = block(1).count("\n")
    count = max(1, (lines - HEADER.count("\n") - 12) // per_block)
    return HEADER + "".join(block(i) for i in range(count)) + program(count)


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 5000), end="")
