"""ST2xx control-flow rules: each with code that triggers it and near misses that must not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plantls.core.diagnostics import Severity

CheckSt = Callable[..., Any]

ENUM = "TYPE E_Door : (Closed, Opening, Open, Closing); END_TYPE\n"


def program(body: str, decls: str = "") -> str:
    """A PROGRAM with a few variables around a body."""
    return (
        ENUM
        + "PROGRAM MAIN\nVAR\n    nStep : INT;\n    eDoor : E_Door;\n    i : INT;\n"
        + "    bA : BOOL;\n    bB : BOOL;\n"
        + decls
        + "END_VAR\nVAR CONSTANT\n    cDebug : BOOL := FALSE;\n    cTen : INT := 10;\nEND_VAR\n"
        + body
        + "\nEND_PROGRAM\n"
    )


# -- ST201 ----------------------------------------------------------------------------------
def test_st201_case_without_else(check_st: CheckSt) -> None:
    found = check_st(program("CASE nStep OF\n0: bA := TRUE;\nEND_CASE"), "ST201")
    assert found.codes == ["ST201"] and found.texts[0].startswith("CASE")
    assert "nStep" in found[0].message


def test_st201_not_for_else_or_enum_case(check_st: CheckSt) -> None:
    src = program(
        "CASE nStep OF\n0: bA := TRUE;\nELSE\nbA := FALSE;\nEND_CASE\n"
        "CASE eDoor OF\nE_Door.Closed, E_Door.Opening, E_Door.Open, E_Door.Closing: ;\nEND_CASE"
    )
    assert check_st(src, "ST201") == []


# -- ST202 ----------------------------------------------------------------------------------
def test_st202_missing_enum_values_listed(check_st: CheckSt) -> None:
    src = program("CASE eDoor OF\nE_Door.Closed: bA := TRUE;\nOpen: bB := TRUE;\nEND_CASE")
    found = check_st(src, "ST202")
    assert found.codes == ["ST202"]
    assert "Opening, Closing" in found[0].message and "E_Door" in found[0].message


def test_st202_else_or_full_coverage_is_fine(check_st: CheckSt) -> None:
    src = program(
        "CASE eDoor OF\nE_Door.Closed: ;\nELSE\n;\nEND_CASE\n"
        "CASE eDoor OF\nClosed, Opening: ;\nOpen, Closing: ;\nEND_CASE\n"
        "CASE nStep OF\n1: ;\nEND_CASE"
    )
    assert check_st(src, "ST202") == []


# -- ST203 ----------------------------------------------------------------------------------
def test_st203_statement_after_return_exit_continue(check_st: CheckSt) -> None:
    src = program(
        "IF bA THEN\n    RETURN;\n    bB := FALSE;\nEND_IF\n"
        "FOR i := 1 TO 3 DO\n    EXIT;\n    ;\n    nStep := i;\nEND_FOR\n"
        "WHILE bA DO\n    CONTINUE;\nEND_WHILE"
    )
    found = check_st(src, "ST203")
    assert found.texts == ["bB := FALSE;", "nStep := i;"]
    assert found[0].tags == ("unnecessary",) and "RETURN" in found[0].message


def test_st203_jump_at_end_of_branch_is_fine(check_st: CheckSt) -> None:
    src = program("IF bA THEN\n    bB := TRUE;\n    RETURN;\nEND_IF\nbB := FALSE;")
    assert check_st(src, "ST203") == []


# -- ST204 ----------------------------------------------------------------------------------
def test_st204_counter_assigned_in_body(check_st: CheckSt) -> None:
    src = program(
        "FOR i := 1 TO 10 DO\n    IF bA THEN\n        i := i + 1;\n    END_IF\n"
        "    FOR i := 0 TO 2 DO\n    END_FOR\nEND_FOR"
    )
    found = check_st(src, "ST204")
    assert found.texts == ["i", "i"] and found.lines == [16, 18]
    assert "FOR loop on line 14" in found[0].message


def test_st204_reading_counter_or_other_loop_is_fine(check_st: CheckSt) -> None:
    src = program(
        "FOR i := 1 TO 10 DO\n    nStep := i * 2;\nEND_FOR\n"
        "FOR nStep := 0 TO 3 DO\n    i := 1;\nEND_FOR"
    )
    assert check_st(src, "ST204") == []


# -- ST205 ----------------------------------------------------------------------------------
def test_st205_empty_branches(check_st: CheckSt) -> None:
    src = program("IF bA THEN\n    ;\nELSIF bB THEN\nELSE\n    nStep := 0;\nEND_IF")
    found = check_st(src, "ST205")
    assert [d.severity for d in found] == [Severity.INFORMATION] * 2
    assert found.texts == ["IF", "ELSIF"]


def test_st205_branch_with_comment_is_deliberate(check_st: CheckSt) -> None:
    src = program(
        "IF bA THEN\n    (* nothing to do in manual mode *)\nELSE\n    nStep := 0;\nEND_IF"
    )
    assert check_st(src, "ST205") == []


# -- ST206 ----------------------------------------------------------------------------------
def test_st206_duplicate_and_overlapping_labels(check_st: CheckSt) -> None:
    src = program(
        "CASE nStep OF\n10: ;\n20..30: ;\n25: ;\n16#0A: ;\n28..40: ;\ncTen + 1: ;\n11: ;\n"
        "ELSE ;\nEND_CASE\n"
        "CASE eDoor OF\nE_Door.Open: ;\nOpen: ;\nELSE ;\nEND_CASE"
    )
    found = check_st(src, "ST206")
    assert [d.severity for d in found] == [Severity.ERROR] * 5
    messages = found.messages
    assert "25 overlaps label 20..30" in messages[0]
    assert "16#0A has the same value (10) as label 10" in messages[1]
    assert "28..40 overlaps label 20..30" in messages[2]
    assert "11 has the same value (11) as label cTen + 1" in messages[3]
    assert "Open has the same value (2) as label E_Door.Open" in messages[4]


def test_st206_distinct_labels_are_fine(check_st: CheckSt) -> None:
    src = program("CASE nStep OF\n1, 2: ;\n3..5: ;\n6..6: ;\n-1: ;\nELSE ;\nEND_CASE")
    assert check_st(src, "ST206") == []


# -- ST207 ----------------------------------------------------------------------------------
def test_st207_literal_conditions(check_st: CheckSt) -> None:
    src = program(
        "IF TRUE THEN\n    nStep := 1;\nEND_IF\n"
        "IF 1 = 1 THEN\n    nStep := 2;\nEND_IF\n"
        "WHILE FALSE DO\n    nStep := 3;\nEND_WHILE\n"
        "WHILE TRUE DO\n    nStep := 4;\nEND_WHILE"
    )
    found = check_st(src, "ST207")
    assert [d.severity for d in found] == [Severity.WARNING] * 4
    assert "always TRUE" in found[0].message and "'1 = 1'" in found[1].message
    assert "never ends" in found[3].message


def test_st207_loop_with_exit_and_named_constants(check_st: CheckSt) -> None:
    src = program(
        "WHILE TRUE DO\n    IF bA THEN\n        EXIT;\n    END_IF\nEND_WHILE\n"
        "REPEAT\n    nStep := nStep + 1;\n    IF nStep > 3 THEN RETURN; END_IF\nUNTIL FALSE\n"
        "END_REPEAT\n"
        "IF cDebug THEN\n    nStep := 0;\nEND_IF\n"
        "IF bA AND TRUE THEN\n    nStep := 0;\nEND_IF"
    )
    found = check_st(src, "ST207")
    assert [d.severity for d in found] == [Severity.INFORMATION]
    assert "cDebug" in found[0].message


def test_st207_exit_of_inner_loop_does_not_end_outer(check_st: CheckSt) -> None:
    src = program("WHILE TRUE DO\n    FOR i := 0 TO 2 DO\n        EXIT;\n    END_FOR\nEND_WHILE")
    assert len(check_st(src, "ST207")) == 1


# -- ST208 ----------------------------------------------------------------------------------
def test_st208_recursive_function_and_method(check_st: CheckSt) -> None:
    src = """
    FUNCTION F_Factorial : DINT
    VAR_INPUT
        n : DINT;
    END_VAR
    IF n <= 1 THEN
        F_Factorial := 1;
    ELSE
        F_Factorial := n * F_Factorial(n - 1);
    END_IF
    END_FUNCTION
    FUNCTION_BLOCK FB_Tree
    METHOD Walk : INT
    Walk := THIS^.Walk() + 1;
    END_METHOD
    END_FUNCTION_BLOCK
    """
    found = check_st(src, "ST208")
    assert found.texts == ["F_Factorial", "Walk"]
    assert "F_Factorial calls itself" in found[0].message


def test_st208_return_variable_and_base_call_are_not_recursion(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Base
    METHOD Run : INT
    Run := 1;
    END_METHOD
    END_FUNCTION_BLOCK
    FUNCTION_BLOCK FB_Child EXTENDS FB_Base
    METHOD Run : INT
    Run := SUPER^.Run() + Run;
    END_METHOD
    END_FUNCTION_BLOCK
    """
    assert check_st(src, "ST208") == []
