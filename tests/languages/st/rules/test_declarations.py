"""ST1xx declaration rules: each with code that triggers it and near misses that must not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from plantls.core.diagnostics import Severity
from plantls.languages.st.rules import ALL_RULES

CheckSt = Callable[..., Any]


def test_rules_have_docs() -> None:
    for rule in ALL_RULES:
        if rule.code.startswith(("ST1", "ST2")):
            assert rule.doc.why and rule.doc.example and rule.doc.fix, rule.code
            assert rule.summary and rule.name, rule.code


# -- ST101 ----------------------------------------------------------------------------------
def test_st101_plain_unknown_variable_is_an_error_once_per_pou(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    VAR
        nCount : INT;
    END_VAR
    nCuont := nCount + 1;
    nCuont := 2;
    END_PROGRAM
    """
    found = check_st(src, "ST101")
    assert found.codes == ["ST101"]
    assert found[0].severity is Severity.ERROR
    assert "'nCuont' is not declared" in found[0].message
    assert "did you mean 'nCount'" in found[0].message
    assert found.texts == ["nCuont"]


def test_st101_resolves_scopes_without_findings(check_st: CheckSt) -> None:
    src = """
    TYPE E_Mode : (Off, Manual, Auto); END_TYPE
    VAR_GLOBAL
        gbReady : BOOL;
    END_VAR
    FUNCTION_BLOCK FB_Base
    VAR
        nBase : INT;
    END_VAR
    END_FUNCTION_BLOCK
    FUNCTION_BLOCK FB_Axis EXTENDS FB_Base
    VAR_EXTERNAL
        gnExt : INT;
    END_VAR
    VAR
        eMode : E_Mode;
        nPos : INT;
        i : INT;
    END_VAR
    METHOD Move : BOOL
    VAR_INPUT
        nTarget : INT;
    END_VAR
    nPos := nTarget + nBase;
    THIS^.nPos := SUPER^.nBase;
    Move := gbReady AND eMode = Auto;
    END_METHOD
    PROPERTY Position : INT
    GET
    Position := nPos;
    END_GET
    END_PROPERTY
    FOR i := 0 TO 3 DO
        nPos := nPos + i + gnExt;
    END_FOR
    eMode := Manual;
    Move(nTarget := 3);
    END_FUNCTION_BLOCK
    FUNCTION F_Twice : INT
    VAR_INPUT
        n : INT;
    END_VAR
    F_Twice := n * 2;
    END_FUNCTION
    """
    assert check_st(src, "ST101") == []


def test_st101_library_names_are_information_once_per_file(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    VAR
        sVersion : STRING;
    END_VAR
    sVersion := F_GetVersion();
    sVersion := F_GetVersion();
    Tc2_System.F_Reboot();
    GVL_Lib.nValue := 1;
    END_PROGRAM
    """
    found = check_st(src, "ST101")
    assert found.codes == ["ST101"] * 3
    assert {d.severity for d in found} == {Severity.INFORMATION}
    assert "library" in found[0].message and "st.library_paths" in found[0].message
    assert "st.known_libraries" in found[1].message


def test_st101_known_library_namespace_is_silent(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    Tc2_System.F_Reboot();
    END_PROGRAM
    """
    assert check_st(src, "ST101", known_libraries=["tc2_system"]) == []


def test_st101_upper_case_unknown_read_is_information(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    VAR
        nMask : DWORD;
    END_VAR
    nMask := ADSLOG_MSGTYPE_ERROR;
    END_PROGRAM
    """
    found = check_st(src, "ST101")
    assert [d.severity for d in found] == [Severity.INFORMATION]


def test_st101_inherited_from_missing_base_is_information(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Mine EXTENDS FB_LibraryBase
    bBusy := TRUE;
    END_FUNCTION_BLOCK
    """
    found = check_st(src, "ST101")
    assert [d.severity for d in found] == [Severity.INFORMATION]
    assert "FB_LibraryBase" in found[0].message


def test_st101_bnr_body_resolves_through_fun_file_in_same_folder(check_st: CheckSt) -> None:
    files = {
        "Lib/Lib.fun": """
        FUNCTION F_Add : INT
        VAR_INPUT
            a : INT;
            b : INT;
        END_VAR
        END_FUNCTION
        """,
        "Lib/F_Add.st": """
        FUNCTION F_Add
        F_Add := a + b;
        END_FUNCTION
        """,
    }
    assert check_st(files, "ST101") == []


# -- ST102 ----------------------------------------------------------------------------------
def test_st102_duplicate_variable_names_first_line(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Pump
    VAR
        bRun : BOOL;
        BRUN : BOOL;
    END_VAR
    END_FUNCTION_BLOCK
    """
    found = check_st(src, "ST102")
    assert found.codes == ["ST102"]
    assert "first declared on line 4" in found[0].message
    assert found.lines == [5]


def test_st102_enum_value_and_pou_twice_in_file(check_st: CheckSt) -> None:
    src = """
    TYPE E_A : (One, Two, One); END_TYPE
    FUNCTION F : INT
    F := 1;
    END_FUNCTION
    FUNCTION F : INT
    F := 2;
    END_FUNCTION
    """
    found = check_st(src, "ST102")
    assert len(found) == 2
    assert "enum value 'One'" in found[0].message


def test_st102_same_pou_in_two_files_of_one_project(check_st: CheckSt, tmp_path: Path) -> None:
    (tmp_path / "Plc.plcproj").write_text("<Project/>")
    files = {
        "a.st": "FUNCTION_BLOCK FB_X\nEND_FUNCTION_BLOCK\n",
        "b.st": "FUNCTION_BLOCK FB_X\nEND_FUNCTION_BLOCK\n",
    }
    found = check_st(files, "ST102", folder=tmp_path)
    assert len(found) == 1 and found.files == ["b.st"]
    assert "a.st" in found[0].message


def test_st102_same_name_in_two_projects_is_fine(check_st: CheckSt, tmp_path: Path) -> None:
    for name in ("One", "Two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.plcproj").write_text("<Project/>")
    files = {
        "One/MAIN.st": "PROGRAM MAIN\nEND_PROGRAM\n",
        "Two/MAIN.st": "PROGRAM MAIN\nEND_PROGRAM\n",
    }
    assert check_st(files, "ST102", folder=tmp_path) == []


# -- ST103 ----------------------------------------------------------------------------------
def test_st103_unused_local_of_function(check_st: CheckSt) -> None:
    src = """
    FUNCTION F_Scale : REAL
    VAR_INPUT
        nRaw : INT;
        nUnusedInput : INT;
    END_VAR
    VAR
        fOffset : REAL;
        _fReserved : REAL;
        {attribute 'hide'}
        nHidden : INT;
        aBuf : ARRAY[0..cLast] OF INT;
    END_VAR
    VAR CONSTANT
        cLast : INT := 3;
    END_VAR
    F_Scale := INT_TO_REAL(nRaw) * 0.1 + aBuf[0];
    END_FUNCTION
    """
    found = check_st(src, "ST103")
    assert found.texts == ["fOffset"]
    assert found[0].tags == ("unnecessary",)


def test_st103_fb_var_used_in_method_or_action_is_used(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Counter
    VAR
        nCount : INT;
        nNever : INT;
    END_VAR
    METHOD Increment
    nCount := nCount + 1;
    END_METHOD
    END_FUNCTION_BLOCK
    """
    found = check_st(src, "ST103")
    assert len(found) == 1 and "'nNever'" in found[0].message


def test_st103_skips_program_vars_addresses_and_extended_blocks(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    VAR
        nHmiValue : INT;
        bInput AT %IX0.0 : BOOL;
    END_VAR
    END_PROGRAM
    FUNCTION_BLOCK FB_Base
    VAR
        nForChildren : INT;
    END_VAR
    ;
    END_FUNCTION_BLOCK
    FUNCTION_BLOCK FB_Child EXTENDS FB_Base
    nForChildren := 1;
    END_FUNCTION_BLOCK
    """
    assert check_st(src, "ST103") == []


# -- ST104 ----------------------------------------------------------------------------------
def test_st104_local_hides_global(check_st: CheckSt) -> None:
    files = {
        "GVL.st": "VAR_GLOBAL\n    bEmergencyStop : BOOL;\nEND_VAR\n",
        "FB.st": """
        FUNCTION_BLOCK FB_Conveyor
        VAR_EXTERNAL
            bEmergencyStop : BOOL;
        END_VAR
        VAR
            BEMERGENCYSTOP2 : BOOL;
        END_VAR
        END_FUNCTION_BLOCK
        FUNCTION F : BOOL
        VAR_INPUT
            bEmergencyStop : BOOL;
        END_VAR
        F := bEmergencyStop;
        END_FUNCTION
        """,
    }
    found = check_st(files, "ST104")
    assert len(found) == 1 and found.lines == [12]
    assert "GVL" in found[0].message and "line 2" in found[0].message


def test_st104_qualified_only_list_is_not_shadowed(check_st: CheckSt) -> None:
    files = {
        "GVL.st": "{attribute 'qualified_only'}\nVAR_GLOBAL\n    nSpeed : INT;\nEND_VAR\n",
        "F.st": (
            "FUNCTION F : INT\nVAR_INPUT\n    nSpeed : INT;\nEND_VAR\nF := nSpeed;\nEND_FUNCTION\n"
        ),
    }
    assert check_st(files, "ST104") == []


# -- ST105 ----------------------------------------------------------------------------------
def test_st105_input_written_inside_and_constant_anywhere(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Valve
    VAR_INPUT
        bOpen : BOOL;
        refTarget : REFERENCE TO INT;
        pData : POINTER TO INT;
    END_VAR
    VAR CONSTANT
        cMax : INT := 10;
    END_VAR
    bOpen := FALSE;
    refTarget := 5;
    pData^ := 3;
    cMax := 11;
    END_FUNCTION_BLOCK
    PROGRAM MAIN
    VAR
        fbValve : FB_Valve;
    END_VAR
    fbValve.bOpen := TRUE;
    END_PROGRAM
    """
    found = check_st(src, "ST105")
    assert [(d.severity, d.range.start.line + 1) for d in found] == [
        (Severity.WARNING, 11),
        (Severity.ERROR, 14),
    ]
    assert "cMax" in found[1].message


# -- ST106 ----------------------------------------------------------------------------------
def test_st106_output_written_from_outside(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_Motor
    VAR_OUTPUT
        bRunning : BOOL;
    END_VAR
    bRunning := TRUE;
    THIS^.bRunning := TRUE;
    END_FUNCTION_BLOCK
    PROGRAM MAIN
    VAR
        fbDelay : TON;
        fbMotor : FB_Motor;
        bDone : BOOL;
    END_VAR
    fbDelay(IN := TRUE, PT := T#2S, Q => bDone);
    fbDelay.Q := FALSE;
    fbMotor.bRunning := FALSE;
    fbDelay.IN := FALSE;
    END_PROGRAM
    """
    found = check_st(src, "ST106")
    assert found.lines == [16, 17]
    assert "TON" in found[0].message and "FB_Motor" in found[1].message


# -- ST107 ----------------------------------------------------------------------------------
def test_st107_unknown_type_once_per_name(check_st: CheckSt) -> None:
    src = """
    PROGRAM MAIN
    VAR
        stAxis : ST_AxisStatus;
        aAxes : ARRAY[1..2] OF ST_AxisStatus;
        sIp : Tc2_TcpIp.T_IPv4Addr;
        nOk : INT;
        fbT : TON;
        pX : POINTER TO __XWORD;
    END_VAR
    END_PROGRAM
    """
    found = check_st(src, "ST107")
    assert [d.severity for d in found] == [Severity.INFORMATION] * 2
    assert "ST_AxisStatus" in found[0].message
    assert check_st(src, "ST107", known_libraries=["Tc2_TcpIp"]).codes == ["ST107"]


# -- ST108 ----------------------------------------------------------------------------------
def test_st108_read_before_write_in_function(check_st: CheckSt) -> None:
    src = """
    FUNCTION F_Count : INT
    VAR
        nCount : INT;
        nInit : INT := 3;
        nLater : INT;
        stData : ST_Data;
        nArg : INT;
    END_VAR
    nCount := nCount + 1;
    stData.a := nInit;
    F_Fill(nArg);
    IF nInit > 2 THEN
        nLater := 1;
    END_IF
    F_Count := nLater + nArg + stData.a;
    END_FUNCTION
    """
    found = check_st(src, "ST108")
    assert found.lines == [10]
    assert "'nCount'" in found[0].message


def test_st108_fb_vars_persist_but_var_temp_does_not(check_st: CheckSt) -> None:
    src = """
    FUNCTION_BLOCK FB_X
    VAR
        nKept : INT;
    END_VAR
    VAR_TEMP
        nTemp : INT;
    END_VAR
    nKept := nKept + 1;
    nKept := nTemp;
    END_FUNCTION_BLOCK
    """
    found = check_st(src, "ST108")
    assert found.lines == [10] and "nTemp" in found[0].message


def test_st101_standalone_method_names_are_information(check_st: CheckSt) -> None:
    src = """
    METHOD Split : BOOL
    Split := bMemberOfTheBlock;
    END_METHOD
    """
    found = check_st(src, "ST101")
    assert [d.severity for d in found] == [Severity.INFORMATION]
