"""Dialect rewrites: each construct parses, and every original identifier keeps its place."""

from __future__ import annotations

import re

import pytest

from plantls.languages.st import dialect, syntax

IDENT = re.compile(r"[A-Za-z_]\w*")
REWRITTEN_KEYWORDS = {
    "AND_THEN", "OR_ELSE", "REFERENCE", "TO", "VAR_INST", "VAR_STAT", "PERSISTENT", "ACTION",
    "END_ACTION", "UNION", "END_UNION", "CLASS", "END_CLASS", "PUBLIC", "PRIVATE", "PROTECTED",
    "INTERNAL", "ABSTRACT", "FINAL", "FUNCTION_BLOCK", "END_PROGRAM", "S", "R",
}  # fmt: skip


def assert_positions_kept(original: str, rewritten: str, replaced: set[str] = frozenset()) -> None:
    """Every identifier of ``original`` (except replaced keywords) is at the same line/column."""
    old_lines = original.split("\n")
    new_lines = rewritten.split("\n")
    assert len(old_lines) == len(new_lines)
    for i, (old, new) in enumerate(zip(old_lines, new_lines, strict=True)):
        for m in IDENT.finditer(old):
            if m.group().upper() in replaced or m.group().upper() in REWRITTEN_KEYWORDS:
                continue
            got = new[m.start() : m.end()]
            assert got in (m.group(), " " * len(m.group())), (i, m.group(), new)


def parses(text: str) -> syntax.SyntaxTree:
    """Parse and assert there is no syntax error."""
    st = syntax.parse(text)
    assert syntax.syntax_errors(st) == [], (st.source, syntax.syntax_errors(st))
    return st


def fb(body: str, decls: str = "x : INT;") -> str:
    """A function block around a body."""
    return f"FUNCTION_BLOCK F\nVAR\n    {decls}\nEND_VAR\n{body}\nEND_FUNCTION_BLOCK\n"


CASES = {
    "pragmas": (
        "{attribute 'qualified_only'}\nFUNCTION_BLOCK F\n{attribute 'hide'}\nVAR\n"
        "    {attribute 'pytmc' := 'pv: X'}\n    x : INT {attribute 'y'};\n"
        "END_VAR\nEND_FUNCTION_BLOCK\n",
        set(),
    ),
    "and_then_or_else": (fb("IF x > 1 AND_THEN x < 5 OR_ELSE x = 9 THEN x := 0; END_IF"), set()),
    "reference_to": (fb("", "r : REFERENCE TO INT;\n    p : POINTER TO POINTER TO INT;"), set()),
    "var_inst_stat": (
        "FUNCTION_BLOCK F\nMETHOD M\nVAR_INST\n    n : INT;\nEND_VAR\nn := n + 1;\n"
        "END_METHOD\nEND_FUNCTION_BLOCK\nFUNCTION G : INT\nVAR_STAT\n    k : INT;\nEND_VAR\n"
        "G := k;\nEND_FUNCTION\n",
        {"VAR_INST", "VAR_STAT"},
    ),
    "var_qualifiers": (
        "PROGRAM P\nVAR CONSTANT\n    c : INT := 1;\nEND_VAR\nVAR PERSISTENT\n    p : INT;\n"
        "END_VAR\nVAR RETAIN\n    r : INT;\nEND_VAR\nEND_PROGRAM\n",
        {"PERSISTENT"},
    ),
    "set_reset": (fb("x S= TRUE;\nx R= FALSE;", "x : BOOL;"), set()),
    "typed_literals": (
        fb(
            "x := INT#16#FF;\nt := T#5S;\nt := TIME#1h2m;\nl := LTIME#1h2m3s;",
            "x : INT; t : TIME; l : LTIME;",
        ),
        set(),
    ),
    "namespaces": (fb("GVL.x := E_Mode.Auto;\nTc2_System.ADSLOGSTR(1, 'm', '');"), set()),
    "new_delete": (
        fb("p := __NEW(INT);\nIF __ISVALIDREF(r) THEN __DELETE(p); END_IF", "p : POINTER TO INT;"),
        set(),
    ),
    "deref_this_super": (fb("p^ := 1;\nTHIS^.x := 2;\nSUPER^.M();\nr REF= x;"), set()),
    "sized_strings": (
        fb("", "s : STRING(80);\n    w : WSTRING[20];\n    b : STRING[10] := 'x';"),
        set(),
    ),
    "array_initialisers": (
        fb(
            "",
            "a : ARRAY[0..2] OF INT := [1, 2, 3];\n"
            "    b : ARRAY[0..1] OF S := [(a := 1), (a := 2)];",
        ),
        set(),
    ),
    "extends_implements": (
        "FUNCTION_BLOCK PUBLIC F EXTENDS G IMPLEMENTS I, J\nEND_FUNCTION_BLOCK\n"
        "FUNCTION_BLOCK ABSTRACT H\nEND_FUNCTION_BLOCK\n",
        {"PUBLIC", "ABSTRACT", "FUNCTION_BLOCK"},
    ),
    "method_modifiers": (
        "FUNCTION_BLOCK F\nMETHOD PUBLIC ABSTRACT M : BOOL\nEND_METHOD\n"
        "METHOD PROTECTED FINAL N\nEND_METHOD\nMETHOD INTERNAL O\nEND_METHOD\n"
        "PROPERTY PRIVATE P : INT\nGET\nP := 1;\nEND_GET\nEND_PROPERTY\nEND_FUNCTION_BLOCK\n",
        {"PUBLIC", "ABSTRACT", "PROTECTED", "FINAL", "PRIVATE"},
    ),
    "members_after_body": (
        "FUNCTION_BLOCK F\nVAR\n    x : INT;\nEND_VAR\nx := x + 1;\n"
        "METHOD M : INT\nM := x;\nEND_METHOD\nEND_FUNCTION_BLOCK\n",
        set(),
    ),
    "program_actions": (
        "PROGRAM MAIN\nVAR\n    n : INT;\nEND_VAR\nReset();\nACTION Reset:\nn := 0;\nEND_ACTION\n"
        "END_PROGRAM\n",
        {"ACTION", "END_ACTION", "END_PROGRAM"},
    ),
    "interface": (
        "INTERFACE I EXTENDS J\nPROPERTY P : INT\nGET\nEND_GET\nEND_PROPERTY\n"
        "METHOD M : BOOL;\nVAR_INPUT\n    a : INT;\nEND_VAR\nEND_METHOD\nEND_INTERFACE\n",
        set(),
    ),
    "union": (
        "TYPE U :\nUNION\n    a : INT;\n    b : REAL;\nEND_UNION\nEND_TYPE\n",
        {"UNION", "END_UNION"},
    ),
    "struct_without_semicolon": (
        "TYPE S EXTENDS Base :\nSTRUCT\n    a : INT;\n    v : ARRAY[0..1] OF INT := [1, 2];\n"
        "END_STRUCT\nEND_TYPE\nTYPE E : (A := 1, B) DINT;\nEND_TYPE\nTYPE Z :\nSTRUCT\nEND_STRUCT\n"
        "END_TYPE\n",
        {"EXTENDS", "BASE", "DINT"},
    ),
    "fb_init": (
        fb("", "t : FB_Timer(5, TRUE);\n    q : ARRAY[1..2] OF FB_Q[(n := 1), (n := 2)];"),
        set(),
    ),
    "open_arrays_and_addresses": (
        "FUNCTION_BLOCK F\nVAR_IN_OUT\n    a : ARRAY[*] OF INT;\nEND_VAR\n"
        "VAR\n    i AT %I* : BOOL;\n"
        "    AT %IX1.1 : BOOL;\n    e : BOOL R_EDGE;\nEND_VAR\n%MW10 := 1;\nEND_FUNCTION_BLOCK\n",
        {"ARRAY", "OF", "AT", "I", "R_EDGE", "MW10"},
    ),
    "bit_access": (fb("x.0 := TRUE;\nb := x.3;\nb := x.%X2;", "x : BYTE; b : BOOL;"), set()),
    "nested_comments": (fb("(* outer (* inner *) still outer *)\nx := 1;"), set()),
    "call_arguments": (fb("f(a := 1, Err=> , b => x,\n);"), {"ERR"}),
    "class": (
        "\nCLASS C\nVAR\n    x : INT;\nEND_VAR\nMETHOD M\nx := 1;\nEND_METHOD\nEND_CLASS\n",
        {"CLASS", "END_CLASS"},
    ),
    "configuration_without_resource": (
        "CONFIGURATION C\nVAR_GLOBAL\n    g : INT;\nEND_VAR\n"
        "TASK T(INTERVAL := T#10ms, PRIORITY := 1);\n"
        "PROGRAM Main WITH T : P;\nEND_CONFIGURATION\n",
        set(),
    ),
    "string_return": (
        "FUNCTION F : STRING(255)\nVAR_INPUT\n    a : INT;\nEND_VAR\nF := '';\nEND_FUNCTION\n",
        set(),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_construct_parses_and_keeps_positions(name: str) -> None:
    text, replaced = CASES[name]
    st = parses(text)
    assert_positions_kept(text, st.source, replaced)


def test_rewrites_are_named_and_documented() -> None:
    for step in dialect.REWRITES:
        assert step.__doc__ and len(step.__doc__) > 20, step.__name__


def test_comments_and_strings_are_not_rewritten() -> None:
    text = fb(
        "s := 'AND_THEN REFERENCE TO x.0 S= {p}'; // AND_THEN UNION\n(* VAR_INST *)", "s : STRING;"
    )
    st = parses(text)
    assert "'AND_THEN REFERENCE TO x.0 S= {p}'" in st.source
    assert "// AND_THEN UNION" in st.source
    assert "(* VAR_INST *)" in st.source


def test_synthetic_text_is_marked() -> None:
    st = parses("FUNCTION F\nF := 1;\nEND_FUNCTION\n")
    ret = st.root.child(0).child_by_field_name("return_type")
    assert ret is not None and st.text(ret) == "ANY"
    assert st.is_synthetic(ret)
    name = st.root.child(0).child_by_field_name("name")
    assert name is not None and not st.is_synthetic(name)


def test_members_after_body_keep_one_name() -> None:
    st = parses(
        "FUNCTION_BLOCK Motor\nVAR\n    on : BOOL;\nEND_VAR\non := TRUE;\n"
        "METHOD Stop\non := FALSE;\nEND_METHOD\nEND_FUNCTION_BLOCK\n"
    )
    blocks = [n for n in st.root.children if n.type == "function_block_declaration"]
    assert len(blocks) == 2
    names = [b.child_by_field_name("name") for b in blocks]
    assert [st.text(n) for n in names if n is not None] == ["Motor", "Motor"]
    assert names[1] is not None and st.is_synthetic(names[1])


def test_unicode_keeps_utf16_columns() -> None:
    text = fb("(* ü😀 *) {attribute '😀'} x := 1; // 😀", "x : INT;")
    st = parses(text)
    assert_positions_kept(text, st.source)
    x = [n for n in syntax.walk(st.root) if n.type == "identifier" and st.text(n) == "x"][-1]
    line = text.split("\n")[4]
    expected = len(line[: line.index("x :=")].encode("utf-16-le")) // 2
    assert st.position(x).character == expected


def test_genuine_errors_survive_rewrites() -> None:
    st = syntax.parse(fb("IF x THEN\n x := 1;\n"))
    assert syntax.syntax_errors(st)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02\xff binary \x00",
        "(* unterminated",
        "x := 'unterminated",
        "{ unterminated pragma",
        "END_IF END_VAR END_FUNCTION_BLOCK ))) ]]] :=:=",
        "PROGRAM P\n" + "IF TRUE THEN\n" * 500 + "END_IF\n" * 500 + "END_PROGRAM\n",
        "PROGRAM P\nx := " + "(" * 500 + "1" + ")" * 500 + ";\nEND_PROGRAM\n",
        "METHOD\nACTION\nEND_METHOD END_ACTION UNION END_UNION STRUCT",
        "\r\n\r\n\t\t  \n",
        "FUNCTION_BLOCK F\r\nVAR\r\n x : INT;\r\nEND_VAR\r\nx.0 := TRUE;\r\nEND_FUNCTION_BLOCK\r\n",
    ],
)
def test_bad_input_never_raises(text: str) -> None:
    st = syntax.parse(text)
    syntax.syntax_errors(st)
    assert st.source.count("\n") == text.count("\n")


def test_enum_values_with_numbers_survive() -> None:
    """``:=`` inside an enumeration's value list gives values, not initialisers to drop."""
    text = "TYPE E_Mode :\n(\n    eOff := 0,\n    eAuto := 10\n);\nEND_TYPE\n"
    assert dialect.to_standard(text) == text
