"""Syntax errors read like a compiler's, sit at the right place and do not flood."""

from __future__ import annotations

from plantls.languages.st import syntax


def errors(text: str, path: str = "") -> list[tuple[int, int, str]]:
    """(line, column, message) of each syntax error, 0-based."""
    st = syntax.parse(text, path)
    return [(r.start.line, r.start.character, m) for r, m in syntax.syntax_errors(st)]


def test_missing_end_if_names_the_if_line() -> None:
    text = (
        "PROGRAM P\nVAR\n    x : INT;\nEND_VAR\nIF x > 1 THEN\n    x := 1;\nx := 2;\nEND_PROGRAM\n"
    )
    assert errors(text) == [(4, 0, "missing END_IF for IF on line 5")]


def test_missing_end_if_at_end_of_file() -> None:
    assert errors("PROGRAM P\nIF x > 1 THEN\n    x := 1;\n") == [
        (1, 0, "missing END_IF for IF on line 2")
    ]


def test_missing_end_for_and_end_program() -> None:
    assert errors("PROGRAM P\nFOR i := 1 TO 3 DO\n  x := i;\nEND_PROGRAM\n") == [
        (1, 0, "missing END_FOR for FOR on line 2")
    ]
    assert errors("PROGRAM P\nx := 1;\n") == [(0, 0, "missing END_PROGRAM for PROGRAM on line 1")]


def test_missing_semicolon_after_statement_and_declaration() -> None:
    assert errors("PROGRAM P\nx := 1\ny := 2;\nEND_PROGRAM\n") == [
        (1, 6, "expected ';' after the statement")
    ]
    assert errors("PROGRAM P\nVAR\n    x : INT\n    y : INT;\nEND_VAR\nEND_PROGRAM\n") == [
        (2, 11, "expected ';' after the declaration")
    ]


def test_missing_then() -> None:
    assert errors("PROGRAM P\nIF x > 1\n    x := 1;\nEND_IF\nEND_PROGRAM\n") == [
        (1, 0, "expected THEN after the condition of IF on line 2")
    ]


def test_garbage_and_stray_keywords() -> None:
    assert errors("PROGRAM P\nx := 1;\n@@ ## !!\ny := 2;\nEND_PROGRAM\n") == [
        (2, 0, "unexpected character '@'")
    ]
    assert errors("PROGRAM P\nx := 1;\nEND_VAR\nEND_PROGRAM\n") == [(2, 0, "unexpected 'END_VAR'")]


def test_declaration_without_type() -> None:
    assert errors("PROGRAM P\nVAR\n    a;\nEND_VAR\nEND_PROGRAM\n") == [
        (2, 4, "expected ':' and a type in the declaration of 'a'")
    ]


def test_unterminated_comment_and_string() -> None:
    assert errors("PROGRAM P\n(* never closed\nx := 1;\nEND_PROGRAM\n")[0] == (
        1,
        0,
        "unterminated comment: '(*' has no matching '*)'",
    )
    assert errors("PROGRAM P\nx := 'open;\ny := 1;\nEND_PROGRAM\n")[0] == (
        1,
        5,
        "unterminated string: the closing quote is missing on this line",
    )


def test_messages_are_not_node_dumps() -> None:
    text = "PROGRAM P\nx := (1 + ;\nIF THEN\nEND_PROGRAM\n"
    for _line, _col, message in errors(text):
        assert "ERROR" not in message and "MISSING" not in message and "(" not in message[:1]


def test_one_error_per_region_and_capped() -> None:
    body = "".join(f"x{i} := ;\n" for i in range(200))
    found = errors(f"PROGRAM P\n{body}END_PROGRAM\n")
    assert 0 < len(found) <= 50
    lines = [line for line, _col, _msg in found]
    assert len(lines) == len(set(lines))
    st = syntax.parse(f"PROGRAM P\n{body}END_PROGRAM\n")
    assert len(syntax.syntax_errors(st, limit=5)) == 5


def test_one_broken_line_gives_one_error() -> None:
    assert len(errors("PROGRAM P\nx := 1 + * 2 ) ] ;\nEND_PROGRAM\n")) == 1


def test_valid_code_has_no_errors() -> None:
    text = (
        "FUNCTION_BLOCK FB_Tank\nVAR_INPUT\n    fLevel : REAL;\nEND_VAR\nVAR_OUTPUT\n"
        "    bHigh : BOOL;\nEND_VAR\nCASE TRUE OF\n    fLevel > 90.0: bHigh := TRUE;\n"
        "ELSE\n    bHigh := FALSE;\nEND_CASE\nEND_FUNCTION_BLOCK\n"
    )
    assert errors(text) == []


def test_bnr_body_declaration_and_constant_files() -> None:
    body = "FUNCTION SQUARE\n    (* body only *)\n    SQUARE := X * X;\nEND_FUNCTION\n"
    assert errors(body, "lib/SQUARE.st") == []
    fb = (
        "FUNCTION_BLOCK LIMITER\n    p ACCESS ADR(IN);\n    OUT := MIN(IN, MAX);\n"
        "END_FUNCTION_BLOCK\n"
    )
    assert errors(fb, "lib/LIMITER.st") == []
    fun = (
        "FUNCTION SQUARE : REAL (* Maths *)\n\tVAR_INPUT\n\t\tX : REAL;\n\tEND_VAR\nEND_FUNCTION\n"
        "FUNCTION_BLOCK LIMITER\n\tVAR_INPUT\n\t\tIN : REAL;\n\tEND_VAR\n"
        "\tVAR\n\t\tp : REFERENCE TO REAL;"
        "\n\tEND_VAR\nEND_FUNCTION_BLOCK\n"
    )
    assert errors(fun, "lib/lib.fun") == []
    typ = (
        "TYPE\n    PAIR : STRUCT\n        A : REAL;\n"
        "        NAMES : ARRAY[1..2] OF STRING[10] := ['a', 'b'];\n"
        "    END_STRUCT;\nEND_TYPE\n"
    )
    assert errors(typ, "lib/lib.typ") == []
    var = (
        "VAR CONSTANT\n\tLIMIT : INT := 5;\n"
        "\tP : PAIR := (A := 1.0, NAMES := ['x', 'y']);\nEND_VAR\n"
    )
    assert errors(var, "lib/lib.var") == []


def test_bnr_function_with_vars_and_no_return_type_still_parses() -> None:
    # TwinCAT also allows a function without a return type
    text = (
        "FUNCTION LOG_IT\nVAR_INPUT\n    s : STRING;\nEND_VAR\nADSLOGSTR(1, s, '');\nEND_FUNCTION\n"
    )
    assert errors(text) == []


def test_error_nodes_are_what_a_walk_finds() -> None:
    text = (
        "FUNCTION_BLOCK FB EXTENDS\nVAR x : ; y INT; END_VAR\nIF x > THEN x := ; END_IF\n"
        "x := (1 + ;\nFOR i := 1 TO DO END_FOR\nx := (1 + 2;\nx := 1\nIF x THEN y := 1;\n"
    )
    st = syntax.parse(text)
    walked = sorted(
        (n.start_byte, n.end_byte, n.type)
        for n in syntax.walk(st.root)
        if n.is_error or n.is_missing
    )
    found = sorted((n.start_byte, n.end_byte, n.type) for n in syntax.error_nodes(st.root))
    assert walked and found == walked
    assert any(n.is_missing for n in syntax.error_nodes(st.root))
