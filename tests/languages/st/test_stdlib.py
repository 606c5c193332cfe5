"""The IEC 61131-3 standard library data: types, widening, literals, FBs, functions, hovers."""

from __future__ import annotations

import re

import pytest

from plantls.languages.st import stdlib, syntax

# --- elementary types ----------------------------------------------------------------------


def test_all_elementary_types_present() -> None:
    names = {
        "BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "INT", "DINT", "LINT", "USINT",
        "UINT", "UDINT", "ULINT", "REAL", "LREAL", "TIME", "LTIME", "DATE", "TIME_OF_DAY",
        "TOD", "DATE_AND_TIME", "DT", "LDATE", "LTOD", "LDT", "STRING", "WSTRING", "CHAR",
        "WCHAR",
    }
    assert names <= set(stdlib.ELEMENTARY_TYPES)
    assert all(k == k.upper() for k in stdlib.ELEMENTARY_TYPES)


def test_aliases_resolve_to_the_same_type() -> None:
    assert stdlib.ELEMENTARY_TYPES["TOD"] is stdlib.ELEMENTARY_TYPES["TIME_OF_DAY"]
    assert stdlib.ELEMENTARY_TYPES["DT"] is stdlib.ELEMENTARY_TYPES["DATE_AND_TIME"]
    assert stdlib.canonical_type("tod") == "TIME_OF_DAY"
    assert stdlib.canonical_type("STRING(20)") == "STRING"
    assert stdlib.canonical_type("wstring[40]") == "WSTRING"
    assert stdlib.type_info("string(255)") is stdlib.ELEMENTARY_TYPES["STRING"]
    assert stdlib.type_info("ST_Recipe") is None


@pytest.mark.parametrize(
    ("name", "bits", "lo", "hi"),
    [
        ("SINT", 8, -128, 127),
        ("INT", 16, -32768, 32767),
        ("DINT", 32, -(2**31), 2**31 - 1),
        ("LINT", 64, -(2**63), 2**63 - 1),
        ("USINT", 8, 0, 255),
        ("UINT", 16, 0, 65535),
        ("UDINT", 32, 0, 2**32 - 1),
        ("ULINT", 64, 0, 2**64 - 1),
        ("BYTE", 8, 0, 255),
        ("WORD", 16, 0, 65535),
        ("DWORD", 32, 0, 2**32 - 1),
        ("LWORD", 64, 0, 2**64 - 1),
    ],
)
def test_integer_ranges(name: str, bits: int, lo: int, hi: int) -> None:
    t = stdlib.ELEMENTARY_TYPES[name]
    assert (t.bits, t.min, t.max) == (bits, lo, hi)
    assert t.signed == (lo < 0)


def test_predicates() -> None:
    assert stdlib.is_integer("dint") and stdlib.is_integer("UDINT")
    assert not stdlib.is_integer("WORD") and not stdlib.is_integer("REAL")
    assert stdlib.is_real("LREAL") and not stdlib.is_real("DINT")
    assert stdlib.is_numeric("REAL") and stdlib.is_numeric("USINT")
    assert not stdlib.is_numeric("BOOL") and not stdlib.is_numeric("TIME")
    assert stdlib.is_bit_string("BYTE") and stdlib.is_bit_string("LWORD")
    assert not stdlib.is_bit_string("BOOL") and not stdlib.is_bit_string("USINT")
    assert stdlib.is_signed("INT") and not stdlib.is_signed("UINT")
    assert stdlib.is_unsigned("UINT") and not stdlib.is_unsigned("WORD")
    assert stdlib.is_duration("LTIME") and stdlib.is_date("TOD") and stdlib.is_date("LDT")
    assert stdlib.is_string("STRING(10)") and stdlib.is_char("WCHAR")
    assert stdlib.is_bool("BOOL")
    assert not stdlib.is_integer("E_LineState")


def test_categories() -> None:
    cats = {t.category for t in stdlib.ELEMENTARY_TYPES.values()}
    assert cats == {"bool", "bit", "signed", "unsigned", "real", "time", "date", "string",
                    "char"}


# --- implicit conversions ------------------------------------------------------------------

WIDENS = [
    ("SINT", "INT"), ("SINT", "DINT"), ("SINT", "LINT"), ("INT", "DINT"), ("DINT", "LINT"),
    ("USINT", "UINT"), ("UINT", "UDINT"), ("UDINT", "ULINT"),
    ("USINT", "INT"), ("UINT", "DINT"), ("UDINT", "LINT"),
    ("SINT", "REAL"), ("INT", "REAL"), ("UINT", "REAL"), ("INT", "LREAL"),
    ("DINT", "LREAL"), ("UDINT", "LREAL"), ("REAL", "LREAL"),
    ("BOOL", "BYTE"), ("BYTE", "WORD"), ("WORD", "DWORD"), ("DWORD", "LWORD"),
    ("BYTE", "LWORD"),
    ("TIME", "LTIME"), ("DATE", "LDATE"), ("TOD", "LTOD"), ("DT", "LDT"),
    ("INT", "INT"), ("int", "Int"), ("STRING(20)", "STRING"), ("ST_Recipe", "st_recipe"),
]
NARROWS = [
    ("INT", "SINT"), ("DINT", "INT"), ("LINT", "DINT"), ("UDINT", "UINT"),
    ("REAL", "INT"), ("REAL", "DINT"), ("LREAL", "REAL"), ("LREAL", "LINT"),
    ("DINT", "REAL"), ("LINT", "LREAL"), ("ULINT", "LREAL"), ("UDINT", "REAL"),
    ("INT", "UINT"), ("UINT", "INT"), ("SINT", "USINT"), ("DINT", "UDINT"),
    ("WORD", "BYTE"), ("WORD", "INT"), ("INT", "WORD"), ("BYTE", "USINT"),
    ("BYTE", "BOOL"), ("INT", "BOOL"), ("BOOL", "INT"),
    ("LTIME", "TIME"), ("TIME", "DINT"), ("DINT", "TIME"), ("DT", "DATE"),
    ("STRING", "INT"), ("INT", "STRING"), ("WSTRING", "STRING"),
    ("E_LineState", "INT"), ("ST_Recipe", "ST_BottleCount"),
]


@pytest.mark.parametrize(("src", "dst"), WIDENS)
def test_can_widen(src: str, dst: str) -> None:
    assert stdlib.can_widen(src, dst)


@pytest.mark.parametrize(("src", "dst"), NARROWS)
def test_cannot_widen(src: str, dst: str) -> None:
    assert not stdlib.can_widen(src, dst)


def test_widening_is_lossless_for_integers() -> None:
    # Every allowed integer widening keeps the whole source range.
    for src, s in stdlib.ELEMENTARY_TYPES.items():
        for dst, d in stdlib.ELEMENTARY_TYPES.items():
            ints = ("signed", "unsigned")
            if s.category in ints and d.category in ints and stdlib.can_widen(src, dst):
                assert d.min is not None and d.max is not None
                assert s.min is not None and s.max is not None
                assert d.min <= s.min and s.max <= d.max, (src, dst)


@pytest.mark.parametrize(
    ("a", "b", "common"),
    [("INT", "DINT", "DINT"), ("INT", "UINT", "DINT"), ("SINT", "USINT", "INT"),
     ("INT", "REAL", "REAL"), ("DINT", "REAL", "LREAL"), ("TOD", "tod", "TIME_OF_DAY"),
     ("DINT", "UDINT", "LINT"), ("INT", "WORD", None), ("LINT", "LREAL", None),
     ("ULINT", "LINT", None)],
)
def test_common_type(a: str, b: str, common: str | None) -> None:
    assert stdlib.common_type(a, b) == common


# --- literals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typ", "value", "fits"),
    [
        ("SINT", 127, True), ("SINT", 128, False), ("SINT", -128, True), ("SINT", -129, False),
        ("INT", 32767, True), ("INT", 32768, False), ("INT", -32768, True),
        ("UINT", 65535, True), ("UINT", -1, False), ("USINT", 256, False),
        ("DINT", 2**31 - 1, True), ("DINT", 2**31, False),
        ("UDINT", 2**32 - 1, True), ("ULINT", 2**64, False), ("LINT", -(2**63), True),
        ("BYTE", 255, True), ("BYTE", 256, False), ("WORD", 0xFFFF, True),
        ("BOOL", 1, True), ("BOOL", 2, False),
        ("REAL", 10**30, True), ("REAL", 10**39, False), ("LREAL", 10**300, True),
        ("TIME", 5, False), ("STRING", 0, False), ("E_LineState", 1, False),
        ("tod", 1, False), ("int", 100, True),
    ],
)
def test_literal_fits(typ: str, value: int, fits: bool) -> None:
    assert stdlib.literal_fits(typ, value) is fits


# --- generics ------------------------------------------------------------------------------


def test_generic_membership() -> None:
    assert stdlib.matches_generic("DINT", "ANY_INT")
    assert stdlib.matches_generic("REAL", "ANY_NUM")
    assert not stdlib.matches_generic("REAL", "ANY_INT")
    assert stdlib.matches_generic("BOOL", "ANY_BIT")
    assert stdlib.matches_generic("TIME", "ANY_MAGNITUDE")
    assert stdlib.matches_generic("STRING(30)", "ANY_STRING")
    assert stdlib.matches_generic("ST_Recipe", "ANY")
    assert stdlib.matches_generic("ST_Recipe", "ANY_DERIVED")
    assert not stdlib.matches_generic("INT", "ANY_DERIVED")
    assert not stdlib.matches_generic("ST_Recipe", "ANY_ELEMENTARY")
    assert stdlib.matches_generic("ANY_INT", "ANY_NUM")
    assert not stdlib.matches_generic("ANY_NUM", "ANY_INT")
    assert stdlib.matches_generic("INT", "int")


# --- function blocks -----------------------------------------------------------------------

FB_CATEGORIES = {
    "TON": "timer", "TOF": "timer", "TP": "timer", "LTON": "timer", "LTOF": "timer",
    "LTP": "timer", "CTU": "counter", "CTD": "counter", "CTUD": "counter",
    "CTU_DINT": "counter", "R_TRIG": "edge", "F_TRIG": "edge", "RS": "bistable",
    "SR": "bistable",
}


@pytest.mark.parametrize(("name", "category"), FB_CATEGORIES.items())
def test_function_block_categories(name: str, category: str) -> None:
    fb = stdlib.function_block(name.lower())
    assert fb is not None and fb.name == name
    assert fb.category == category


def test_function_block_interfaces() -> None:
    def sig(name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        fb = stdlib.function_block(name)
        assert fb is not None
        return ([(p.name, p.type) for p in fb.inputs], [(p.name, p.type) for p in fb.outputs])

    assert sig("TON") == ([("IN", "BOOL"), ("PT", "TIME")], [("Q", "BOOL"), ("ET", "TIME")])
    assert sig("LTOF") == ([("IN", "BOOL"), ("PT", "LTIME")], [("Q", "BOOL"), ("ET", "LTIME")])
    assert sig("CTU") == ([("CU", "BOOL"), ("R", "BOOL"), ("PV", "INT")],
                          [("Q", "BOOL"), ("CV", "INT")])
    assert sig("CTD") == ([("CD", "BOOL"), ("LD", "BOOL"), ("PV", "INT")],
                          [("Q", "BOOL"), ("CV", "INT")])
    assert sig("CTUD")[1] == [("QU", "BOOL"), ("QD", "BOOL"), ("CV", "INT")]
    assert sig("CTU_DINT")[1] == [("Q", "BOOL"), ("CV", "DINT")]
    assert sig("R_TRIG") == ([("CLK", "BOOL")], [("Q", "BOOL")])
    assert sig("RS") == ([("S", "BOOL"), ("R1", "BOOL")], [("Q1", "BOOL")])
    assert sig("SR") == ([("S1", "BOOL"), ("R", "BOOL")], [("Q1", "BOOL")])
    ton = stdlib.function_block("TON")
    assert ton is not None and ton.param("et") is not None and ton.param("xx") is None
    assert stdlib.function_block("FB_Filler") is None


def test_ton_hover() -> None:
    md = stdlib.hover_markdown("ton")
    assert md is not None
    for word in ("IN", "PT", "Q", "ET", "FUNCTION_BLOCK TON", "every scan"):
        assert word in md
    assert md.count("```") % 2 == 0


def test_fb_examples_parse() -> None:
    for fb in stdlib.FUNCTION_BLOCKS.values():
        _assert_parses_as_body(fb.example, {"fb": fb.name})


# --- functions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "param_type", "ret"),
    [("DINT_TO_INT", "DINT", "INT"), ("INT_TO_REAL", "INT", "REAL"),
     ("REAL_TO_DINT", "REAL", "DINT"), ("TIME_TO_DINT", "TIME", "DINT"),
     ("DT_TO_TOD", "DATE_AND_TIME", "TIME_OF_DAY"),
     ("DATE_AND_TIME_TO_DATE", "DATE_AND_TIME", "DATE"), ("WORD_TO_BYTE", "WORD", "BYTE"),
     ("BOOL_TO_INT", "BOOL", "INT"), ("LREAL_TO_STRING", "LREAL", "STRING"),
     ("STRING_TO_REAL", "STRING", "REAL"), ("tod_to_string", "TIME_OF_DAY", "STRING")],
)
def test_conversions_exist(name: str, param_type: str, ret: str) -> None:
    f = stdlib.function(name)
    assert f is not None and f.category == "conversion"
    assert [p.type for p in f.params] == [param_type]
    assert f.return_type == ret
    assert stdlib.is_conversion(name)


def test_conversion_coverage() -> None:
    numeric = ["BOOL", "BYTE", "WORD", "DWORD", "LWORD", "SINT", "INT", "DINT", "LINT",
               "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL"]
    for a in numeric:
        for b in numeric:
            if a != b:
                assert stdlib.function(f"{a}_TO_{b}") is not None, (a, b)
    assert stdlib.function("INT_TO_INT") is None
    assert stdlib.function("TO_DINT") is not None
    assert stdlib.function("TRUNC") is not None


def test_conversion_texts_say_what_matters() -> None:
    def details(name: str) -> str:
        f = stdlib.function(name)
        assert f is not None
        return f.details

    assert "Lossless" in details("INT_TO_DINT")
    assert "wraps" in details("DINT_TO_INT")
    assert "large positive" in details("INT_TO_UINT")
    assert "Rounds" in details("REAL_TO_INT")
    assert "precision" in details("DINT_TO_REAL")
    assert "milliseconds" in details("TIME_TO_DINT")
    assert "TRUE" in details("BOOL_TO_INT")


STANDARD_FUNCTIONS = {
    "arithmetic": "ABS SQRT LN LOG EXP SIN COS TAN ASIN ACOS ATAN ATAN2 ADD SUB MUL DIV MOD "
    "EXPT MOVE",
    "selection": "SEL MAX MIN LIMIT MUX",
    "comparison": "GT GE EQ LE LT NE",
    "bit-shift": "SHL SHR ROL ROR",
    "bitwise": "AND OR XOR NOT",
    "string": "LEN LEFT RIGHT MID CONCAT INSERT DELETE REPLACE FIND",
    "vendor": "SIZEOF ADR",
}


@pytest.mark.parametrize(("category", "names"), STANDARD_FUNCTIONS.items())
def test_standard_functions(category: str, names: str) -> None:
    for name in names.split():
        f = stdlib.function(name)
        assert f is not None, name
        assert f.category == category, name
        assert f.summary, name


def test_function_signatures() -> None:
    limit = stdlib.function("LIMIT")
    assert limit is not None and [p.name for p in limit.params] == ["MN", "IN", "MX"]
    mid = stdlib.function("mid")
    assert mid is not None and [p.name for p in mid.params] == ["IN", "L", "P"]
    sel = stdlib.function("SEL")
    assert sel is not None and sel.params[0].type == "BOOL"
    fns = stdlib.FUNCTIONS
    assert fns["GT"].return_type == "BOOL" and fns["GT"].variadic
    assert fns["ADD"].variadic and not fns["NE"].variadic
    assert fns["LEN"].return_type == "INT"


@pytest.mark.parametrize(
    ("name", "args", "result"),
    [("MAX", ["INT", "DINT"], "DINT"), ("MAX", ["INT", "INT", "SINT"], "INT"),
     ("LIMIT", ["REAL", "REAL", "REAL"], "REAL"), ("ABS", ["LREAL"], "LREAL"),
     ("SEL", ["BOOL", "TIME", "TIME"], "TIME"), ("MUX", ["INT", "REAL", "REAL", "REAL"], "REAL"),
     ("ADD", ["TIME", "TIME"], "TIME"), ("LEN", ["STRING"], "INT"),
     ("DINT_TO_INT", ["DINT"], "INT"), ("MAX", ["DINT", "REAL"], "LREAL"),
     ("MAX", ["INT", None], None), ("MAX", ["INT", "WORD"], None), ("ADR", ["INT"], None),
     ("NO_SUCH", [], None)],
)
def test_result_type(name: str, args: list[str | None], result: str | None) -> None:
    assert stdlib.result_type(name, args) == result


def test_function_hover() -> None:
    md = stdlib.hover_markdown("limit")
    assert md is not None and "MN" in md and "MX" in md and "LIMIT(" in md
    md = stdlib.hover_markdown("DINT_TO_INT")
    assert md is not None and "INT" in md and "wraps" in md
    md = stdlib.hover_markdown("SIZEOF")
    assert md is not None and "not IEC 61131-3" in md
    md = stdlib.hover_markdown("EQ")
    assert md is not None and "tolerance" in md


def test_type_hover() -> None:
    md = stdlib.hover_markdown("int")
    assert md is not None and "-32768" in md and "32767" in md
    md = stdlib.hover_markdown("TOD")
    assert md is not None and "TIME_OF_DAY" in md
    md = stdlib.hover_markdown("ANY_NUM")
    assert md is not None and "`LREAL`" in md
    assert stdlib.hover_markdown("fbFiller") is None


def test_function_examples_parse() -> None:
    for f in stdlib.FUNCTIONS.values():
        if f.example:
            _assert_parses_as_body(f.example, {})


# --- snippets ------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{(\d+):((?:[^}\\]|\\.)*)\}")


def _unsnippet(snippet: str) -> tuple[str, list[int]]:
    """Replace placeholders by their text; return the plain text and the tab stop order."""
    stops: list[int] = []

    def repl(m: re.Match[str]) -> str:
        stops.append(int(m.group(1)))
        return re.sub(r"\\(.)", r"\1", m.group(2))

    text = _PLACEHOLDER.sub(repl, snippet)
    assert "${" not in text
    return text, stops


def _assert_parses_as_body(body: str, instances: dict[str, str]) -> None:
    idents = set(re.findall(r"\b[a-z][A-Za-z0-9_]*\b", body))
    decls = []
    for ident in sorted(idents):
        typ = "BOOL"
        for prefix, t in (("fb", next(iter(instances.values()), "TON")), ("f", "REAL"),
                          ("n", "INT"), ("s", "STRING"), ("t", "TIME")):
            if ident.startswith(prefix):
                typ = t
                break
        decls.append(f"    {ident} : {typ};")
    src = "PROGRAM P\nVAR\n" + "\n".join(decls) + "\nEND_VAR\n" + body + "\nEND_PROGRAM\n"
    tree = syntax.parse(src)
    assert syntax.syntax_errors(tree) == [], src


@pytest.mark.parametrize("name", sorted(stdlib.FUNCTION_BLOCKS))
def test_fb_snippet_is_valid(name: str) -> None:
    snippet = stdlib.formal_call_snippet(name, instance="fbInst")
    text, stops = _unsnippet(snippet)
    fb = stdlib.function_block(name)
    assert fb is not None
    assert stops == list(range(1, len(fb.call_params()) + 1))
    assert text.startswith("fbInst(")
    for p in fb.call_params():
        assert f"{p.name} := " in text
    _assert_parses_as_body(text + ";", {"fb": name})
    assert stdlib.argument_snippet(name) in snippet


def test_ton_snippet() -> None:
    assert stdlib.formal_call_snippet("TON") == "TON(IN := ${1:bStart}, PT := ${2:T#2S})"
    assert stdlib.argument_snippet("ton") == "IN := ${1:bStart}, PT := ${2:T#2S}"


@pytest.mark.parametrize(
    "name", ["ABS", "LIMIT", "SEL", "MAX", "MID", "CONCAT", "DINT_TO_INT", "SHL", "TO_INT",
             "REPLACE", "ATAN2", "TIME_TO_DINT"],
)
def test_function_snippet_is_valid(name: str) -> None:
    snippet = stdlib.formal_call_snippet(name)
    text, stops = _unsnippet(snippet)
    f = stdlib.function(name)
    assert f is not None
    assert stops == list(range(1, len(f.params) + 1))
    assert text.startswith(f.name + "(")
    _assert_parses_as_body(f"nResult := {text};", {})


def test_unknown_names() -> None:
    assert stdlib.formal_call_snippet("FB_Filler") == ""
    assert stdlib.argument_snippet("FB_Filler") == ""
    assert stdlib.signature_label("FB_Filler") is None
    assert stdlib.function("FB_Filler") is None


def test_signature_label() -> None:
    assert stdlib.signature_label("TON", "fbDelay") == "fbDelay(IN : BOOL, PT : TIME)"
    assert stdlib.signature_label("LEFT") == "LEFT(IN : ANY_STRING, L : ANY_INT) : ANY_STRING"
    assert stdlib.signature_label("MAX", None) is not None


# --- keywords ------------------------------------------------------------------------------


def test_keywords() -> None:
    for kw in ("IF", "END_IF", "CASE", "FUNCTION_BLOCK", "VAR_INPUT", "END_VAR", "ELSIF",
               "REPEAT", "UNTIL", "RETURN", "EXIT", "CONTINUE", "AT", "CONSTANT", "METHOD"):
        assert kw in stdlib.KEYWORDS
    assert "TON" not in stdlib.KEYWORDS
    for label, snippet in stdlib.KEYWORD_SNIPPETS.items():
        assert label.split()[0] in stdlib.KEYWORDS
        assert snippet.count("${") == snippet.count("}")
