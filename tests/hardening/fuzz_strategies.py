"""Hypothesis strategies that build plausible files: ST POUs, TwinCAT XML, OpenDSS, recipes.

The generators aim at "almost right" files, the kind an engineer has open while typing:
mostly well-formed structure with random names, expressions and statements, plus optional
noise (keywords in the wrong place, cut-off lines) so the error paths run too.
"""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

# -- shared pieces -------------------------------------------------------------------------

NAMES = ["x", "y", "b", "n", "i", "fb", "arr", "s", "t", "Main", "FB_Motor", "rVal", "bRun",
         "nCount", "stData", "eState", "E_State", "ST_Data", "GVL", "THIS", "SUPER", "_x1",
         "ä", "𝔘", "IN", "Q", "PT", "ET", "CLK", "CU", "PV"]


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


@cache
def ident() -> st.SearchStrategy[str]:
    """A plausible identifier (sometimes a keyword, or unicode)."""
    return st.one_of(
        st.sampled_from(NAMES),
        st.builds(lambda a, b: a + b, st.sampled_from("abcxyzABCXYZ_"),
                  st.text(_ALNUM, max_size=8)),
    )


def glue(parts: list[str], newline: str = "\n") -> str:
    """Join lines."""
    return newline.join(parts)


# -- Structured Text ------------------------------------------------------------------------

ST_TYPES = ["BOOL", "INT", "DINT", "UINT", "REAL", "LREAL", "TIME", "STRING", "STRING(20)",
            "WSTRING", "BYTE", "WORD", "DWORD", "LWORD", "TON", "TOF", "TP", "R_TRIG",
            "F_TRIG", "CTU", "CTD", "SR", "RS", "ARRAY[0..9] OF INT",
            "ARRAY[1..2, 1..3] OF REAL", "POINTER TO INT", "REFERENCE TO BOOL", "FB_Motor",
            "ST_Data", "E_State", "DATE_AND_TIME", "LTIME", "ANY", "Undeclared_T"]
ST_LITERALS = ["0", "1", "-5", "16#FF", "2#1010", "1.5", "1.0E3", "TRUE", "FALSE",
               "T#5S", "T#1h2m3s4ms", "TIME#100MS", "LT#1US", "D#2024-01-01", "'text'",
               "\"wide\"", "INT#7", "E_State.Idle", "E_State#Run", "'$N$T$''", "32767",
               "2147483648", "1E400"]
ST_BINOPS = ["+", "-", "*", "/", "MOD", "**", "AND", "OR", "XOR", "AND_THEN", "OR_ELSE",
             "=", "<>", "<", ">", "<=", ">=", "&"]
ST_CALLS = ["ABS", "SQRT", "MAX", "MIN", "LIMIT", "SEL", "MUX", "INT_TO_REAL", "REAL_TO_INT",
            "TO_STRING", "LEN", "CONCAT", "LEFT", "SHL", "ADR", "SIZEOF", "F_Scale", "TRUNC"]


@cache
def st_expr() -> st.SearchStrategy[str]:
    """A random ST expression."""
    leaf = st.one_of(st.sampled_from(ST_LITERALS), ident())

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(ST_BINOPS), inner),
            st.builds(lambda a: f"({a})", inner),
            st.builds(lambda a: f"NOT {a}", inner),
            st.builds(lambda a: f"-{a}", inner),
            st.builds(lambda f, args: f"{f}({', '.join(args)})", st.sampled_from(ST_CALLS),
                      st.lists(inner, max_size=3)),
            st.builds(lambda a, m: f"{a}.{m}", ident(), ident()),
            st.builds(lambda a, i: f"{a}[{i}]", ident(), inner),
            st.builds(lambda a: f"{a}^", ident()),
        )

    return st.recursive(leaf, extend, max_leaves=4)


@cache
def st_statement() -> st.SearchStrategy[str]:
    """A random ST statement (control flow nested a few levels)."""
    simple = st.one_of(
        st.builds(lambda a, e: f"{a} := {e};", ident(), st_expr()),
        st.builds(lambda a, m, e: f"{a}.{m} := {e};", ident(), ident(), st_expr()),
        st.builds(
            lambda fb, args: f"{fb}({', '.join(f'{k} := {v}' for k, v in args)});",
            ident(), st.lists(st.tuples(ident(), st_expr()), max_size=3),
        ),
        st.builds(lambda fb, k, v: f"{fb}({k} => {v});", ident(), ident(), ident()),
        st.sampled_from(["RETURN;", "EXIT;", "CONTINUE;", ";", "// comment", "(* block *)",
                         "(* nested (* comment *) *)", "x := x + 1; // trailing",
                         "JMP lbl;", "lbl: x := 0;", "{attribute 'x'}", "__NEW(p);"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        body = st.lists(inner, min_size=0, max_size=2).map(lambda xs: "\n".join(xs))
        return st.one_of(
            st.builds(lambda c, a, b: f"IF {c} THEN\n{a}\nELSE\n{b}\nEND_IF;", st_expr(), body,
                      body),
            st.builds(lambda c, a, d, b: f"IF {c} THEN\n{a}\nELSIF {d} THEN\n{b}\nEND_IF;",
                      st_expr(), body, st_expr(), body),
            st.builds(lambda v, a, b: f"CASE {v} OF\n1, 2: {a}\n3..5: {b}\nELSE\n;\nEND_CASE;",
                      ident(), body, body),
            st.builds(lambda i, a, b, s: f"FOR {i} := {a} TO {b} BY 1 DO\n{s}\nEND_FOR;",
                      ident(), st_expr(), st_expr(), body),
            st.builds(lambda c, s: f"WHILE {c} DO\n{s}\nEND_WHILE;", st_expr(), body),
            st.builds(lambda c, s: f"REPEAT\n{s}\nUNTIL {c}\nEND_REPEAT;", st_expr(), body),
        )

    return st.recursive(simple, extend, max_leaves=5)


@cache
def st_var_block() -> st.SearchStrategy[str]:
    """A VAR ... END_VAR section."""
    decl = st.builds(
        lambda n, t, init: f"    {n} : {t}{init};",
        ident(), st.sampled_from(ST_TYPES),
        st.one_of(st.just(""), st_expr().map(lambda e: f" := {e}"),
                  st.just(" := (IN := TRUE, PT := T#1S)"), st.just(" := [1, 2, 3]")),
    )
    kind = st.sampled_from(["VAR", "VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT", "VAR_TEMP",
                            "VAR CONSTANT", "VAR RETAIN", "VAR_STAT", "VAR_INST", "VAR_EXTERNAL"])
    return st.builds(
        lambda k, ds: f"{k}\n" + "\n".join(ds) + "\nEND_VAR", kind, st.lists(decl, max_size=4)
    )


@cache
def st_pou() -> st.SearchStrategy[tuple[str, str]]:
    """A POU as (declaration part, implementation part)."""
    head = st.one_of(
        st.builds(lambda n: f"PROGRAM {n}", ident()),
        st.builds(lambda n: f"FUNCTION_BLOCK {n}", ident()),
        st.builds(lambda n: f"FUNCTION_BLOCK PUBLIC {n} EXTENDS FB_Base IMPLEMENTS I_X", ident()),
        st.builds(lambda n, t: f"FUNCTION {n} : {t}", ident(), st.sampled_from(ST_TYPES)),
        st.builds(lambda n: f"INTERFACE {n}", ident()),
    )
    decl = st.builds(lambda h, vs: h + "\n" + "\n".join(vs), head,
                     st.lists(st_var_block(), max_size=2))
    body = st.lists(st_statement(), max_size=4).map(lambda xs: "\n".join(xs))
    return st.tuples(decl, body)


def _end_of(decl: str) -> str:
    word = decl.split(None, 1)[0] if decl.strip() else "PROGRAM"
    return {"PROGRAM": "END_PROGRAM", "FUNCTION_BLOCK": "END_FUNCTION_BLOCK",
            "FUNCTION": "END_FUNCTION", "INTERFACE": "END_INTERFACE"}.get(word, "END_PROGRAM")


@cache
def st_type_decl() -> st.SearchStrategy[str]:
    """A TYPE ... END_TYPE declaration (struct, enum, alias, subrange)."""
    struct = st.builds(
        lambda n, fields: f"TYPE {n} :\nSTRUCT\n"
        + "\n".join(f"    {f} : {t};" for f, t in fields) + "\nEND_STRUCT\nEND_TYPE",
        ident(), st.lists(st.tuples(ident(), st.sampled_from(ST_TYPES)), max_size=4),
    )
    enum = st.builds(
        lambda n, vals: f"TYPE {n} :\n(\n" + ",\n".join(
            f"    {v} := {i}" if i % 2 else f"    {v}" for i, v in enumerate(vals)
        ) + "\n) INT;\nEND_TYPE",
        ident(), st.lists(ident(), min_size=0, max_size=4),
    )
    alias = st.builds(lambda n, t: f"TYPE {n} : {t}; END_TYPE", ident(), st.sampled_from(ST_TYPES))
    sub = st.builds(lambda n: f"TYPE {n} : INT (0..100); END_TYPE", ident())
    return st.one_of(struct, enum, alias, sub)


ST_NOISE = ["END_IF", "END_VAR", "VAR", "THEN", ":=", ";", "(*", "*)", "'", "\"", "END_PROGRAM",
            "METHOD M : BOOL", "END_METHOD", "PROPERTY P : INT", "ACTION A:", "END_ACTION",
            "{", "}", "(", ")", "[", "]", "..", "#", "$", "\t", "\r\n", "\u00a0", "😀"]


def with_noise(
    text: st.SearchStrategy[str], noise: list[str]
) -> st.SearchStrategy[str]:
    """Insert a few noise tokens at random places (or none)."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        out = draw(text)
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(out)))
            out = out[:at] + draw(st.sampled_from(noise)) + out[at:]
        return out

    return build()


@st.composite
def st_file(draw: st.DrawFn) -> str:
    """A plain .st file: POUs, types, a GVL, with optional noise."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            parts.append(draw(st_type_decl()))
        elif choice == 1:
            parts.append("VAR_GLOBAL\n" + "\n".join(
                f"    {n} : {t};" for n, t in draw(
                    st.lists(st.tuples(ident(), st.sampled_from(ST_TYPES)), max_size=4))
            ) + "\nEND_VAR")
        else:
            decl, body = draw(st_pou())
            method = ""
            if draw(st.booleans()) and decl.startswith("FUNCTION_BLOCK"):
                mdecl, mbody = draw(st_pou())
                method = f"\nMETHOD M : BOOL\n{mbody}\nEND_METHOD"
                del mdecl
            parts.append(f"{decl}\n{body}{method}\n{_end_of(decl)}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = "\n\n".join(parts).replace("\n", newline)
    if draw(st.booleans()):
        text = draw(with_noise(st.just(text), ST_NOISE))
    return text


@st.composite
def twincat_file(draw: st.DrawFn) -> tuple[str, str]:
    """A TwinCAT XML file (name, text): a POU with members, a GVL or a DUT."""
    kind = draw(st.sampled_from(["TcPOU", "TcGVL", "TcDUT"]))
    guid = "{b610f05a-a3e1-4a35-87e5-96b4566351aa}"
    name = draw(ident()).replace('"', "")
    if kind == "TcPOU":
        decl, body = draw(st_pou())
        members = []
        for _ in range(draw(st.integers(0, 2))):
            m = draw(st.sampled_from(["Method", "Property", "Action"]))
            mname = draw(ident())
            mbody = draw(st_statement())
            if m == "Method":
                members.append(
                    f'<Method Name="{mname}" Id="{guid}">\n<Declaration><![CDATA[METHOD {mname} '
                    f": BOOL\nVAR_INPUT\n  a : INT;\nEND_VAR]]></Declaration>\n<Implementation>"
                    f"<ST><![CDATA[{mbody}]]></ST></Implementation>\n</Method>"
                )
            elif m == "Property":
                members.append(
                    f'<Property Name="{mname}" Id="{guid}">\n<Declaration><![CDATA[PROPERTY '
                    f"{mname} : INT]]></Declaration>\n<Get Name=\"Get\" Id=\"{guid}\">"
                    "<Declaration><![CDATA[VAR\nEND_VAR]]></Declaration><Implementation><ST>"
                    f"<![CDATA[{mname} := 1;]]></ST></Implementation></Get>\n</Property>"
                )
            else:
                members.append(
                    f'<Action Name="{mname}" Id="{guid}">\n<Implementation><ST><![CDATA[{mbody}'
                    "]]></ST></Implementation>\n</Action>"
                )
        inner = (
            f'<POU Name="{name}" Id="{guid}" SpecialFunc="None">\n<Declaration><![CDATA[{decl}'
            f"]]></Declaration>\n<Implementation>\n<ST><![CDATA[{body}]]></ST>\n"
            "</Implementation>\n" + "\n".join(members) + "\n</POU>"
        )
    elif kind == "TcGVL":
        decl = draw(st_var_block()).replace("VAR", "VAR_GLOBAL", 1)
        inner = (f'<GVL Name="{name}" Id="{guid}">\n<Declaration><![CDATA[{decl}]]>'
                 "</Declaration>\n</GVL>")
    else:
        decl = draw(st_type_decl())
        inner = (f'<DUT Name="{name}" Id="{guid}">\n<Declaration><![CDATA[{decl}]]>'
                 "</Declaration>\n</DUT>")
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<TcPlcObject Version="1.1.0.1" ProductVersion="3.1.4024.12">\n'
        f"{inner}\n</TcPlcObject>\n"
    )
    if draw(st.booleans()):
        text = draw(with_noise(st.just(text), [*ST_NOISE, "<", ">", "]]>", "<![CDATA[", "</POU>",
                                               "<ST>", "&amp;", "&bogus;", "<!--", "-->"]))
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n"])))
    return f"F.{kind}", text


# -- OpenDSS --------------------------------------------------------------------------------

DSS_VALUES = ["1", "0.4", "11", "-3", "1e9", "nan", "inf", "[1 2 3]", "(1, 2)", "{1 2}",
              "\"quoted value\"", "'q'", "[11 0.4]", "[delta wye]", "wye", "delta", "km", "m",
              "ft", "none", "yes", "no", "true", "src", "b1.1.2.3", "b2.0", "lc", "x.dss",
              "(file=mult.csv)", "[", "(", "@x", "%r", "=", "", "1.2.3"]
DSS_VERBS = ["Clear", "Solve", "CalcVoltageBases", "Redirect", "Compile", "Edit", "More", "~",
             "Set", "Show", "Export", "Save", "Plot", "BusCoords", "Batchedit", "Set mode=snap",
             "Var", "Get", "Reset", "Sample", "Open", "Close", "Disable", "Enable", "Help",
             "Interpolate", "Sample", "Formedit", "Doscmd", "Cd", "Select", "Like", "Totals"]


@st.composite
def dss_command(draw: st.DrawFn) -> str:
    """One OpenDSS command line, usually built from the engine's own schema."""
    from plantls.languages.dss.schema import schema

    sch = schema()
    classes = sorted(sch.classes)
    choice = draw(st.integers(0, 9))
    if choice <= 5:
        cls = sch.classes[draw(st.sampled_from(classes))]
        verb = draw(st.sampled_from(["New", "Edit", "new", "NEW", "Like"]))
        params = []
        for _ in range(draw(st.integers(0, 6))):
            if cls.properties and draw(st.integers(0, 4)):
                prop = draw(st.sampled_from(cls.properties))
                value = draw(st.sampled_from(DSS_VALUES))
                if prop.values and draw(st.booleans()):
                    value = draw(st.sampled_from(list(prop.values)))
                params.append(f"{prop.name}={value}")
            else:
                params.append(draw(st.sampled_from(DSS_VALUES)))
        sep = draw(st.sampled_from([" ", ", ", "  ", "\t"]))
        return f"{verb} {cls.name}.{draw(ident())} " + sep.join(params)
    if choice == 6:
        opt = draw(st.sampled_from(sch.options)) if sch.options else None
        value = draw(st.sampled_from(DSS_VALUES))
        return f"Set {opt.name if opt else 'x'}={value}"
    if choice == 7:
        verb = draw(st.sampled_from(["Redirect", "Compile"]))
        target = draw(st.sampled_from(["lib.dss", "sub/feeder.dss", "missing.dss", "../up.dss",
                                       "/etc/passwd", "(lib.dss)", "\"with space.dss\"", "",
                                       "C:\\x.dss", "self.dss", "F.dss"]))
        return f"{verb} {target}"
    if choice == 8:
        return draw(st.sampled_from(["// comment", "! comment", "/* block", "*/", "/* a */",
                                     "", "   ", "~ r1=1", "more x1=2"]))
    verb = draw(st.sampled_from(DSS_VERBS))
    args = draw(st.lists(st.sampled_from(DSS_VALUES), max_size=3))
    return f"{verb} " + " ".join(args)


@st.composite
def dss_file(draw: st.DrawFn) -> str:
    """An OpenDSS script: usually a circuit first, then commands, and often a solve."""
    lines = []
    if draw(st.booleans()):
        lines += ["Clear", f"New Circuit.{draw(ident())} basekv=11 bus1=src phases=3"]
    lines += draw(st.lists(dss_command(), max_size=15))
    if draw(st.booleans()):
        lines += ["Set voltagebases=[11 0.4]", "CalcVoltageBases", "Solve"]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines)


# -- fab recipes and tool files ---------------------------------------------------------------

RCP_QUANTITIES = ["30 s", "2 Torr", "10 mTorr", "350 degC", "400 W", "4500 sccm", "5 slm",
                  "1 min", "2 h", "-5 s", "0", "1e9 sccm", "abc", "", "${silane_flow}",
                  "${nope}", "5 furlong", "20 %", "10 degC/min", "300 K", "null", "[1, 2]",
                  "{a: 1}", "~", "'quoted'", "0x10", ".inf", "nan"]
RCP_TYPES = ["pump", "stabilize", "deposit", "vent", "purge", "ramp", "pulse", "cycle", "etch",
             "clean", "bogus"]
GASES = ["SiH4", "N2O", "NH3", "N2", "Ar", "NF3", "O2", "TMA", "H2O", "Xe"]
YAML_NOISE = ["\t", ": ", "- ", "{", "}", "[", "]", "&a ", "*a", "!!str ", "!tag ", "? ", "|",
              ">", "'", "\"", "#", "---", "...", "%YAML 1.2", "\ufeff", "<<: *a"]


@st.composite
def recipe_step(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """A step as YAML lines, indented for a list under ``steps:``."""
    pad = "  " * (depth * 2 + 1)
    kind = draw(st.sampled_from(RCP_TYPES))
    out = [f"{pad}- name: {draw(ident())}", f"{pad}  type: {kind}"]
    keys = ["duration", "pressure", "temperature", "preasure", "ramp_rate", "wait", "endpoint"]
    for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
        out.append(f"{pad}  {key}: {draw(st.sampled_from(RCP_QUANTITIES))}")
    if draw(st.booleans()):
        out.append(f"{pad}  gases:")
        for gas in draw(st.lists(st.sampled_from(GASES), max_size=3, unique=True)):
            out.append(f"{pad}    {gas}: {draw(st.sampled_from(RCP_QUANTITIES))}")
    if draw(st.booleans()):
        out.append(f"{pad}  rf:")
        out.append(f"{pad}    {draw(st.sampled_from(['HF', 'LF', 'XX']))}: "
                   f"{draw(st.sampled_from(RCP_QUANTITIES))}")
    if kind == "cycle" and depth < 2:
        out.append(f"{pad}  cycles: {draw(st.sampled_from(['200', '0', '-1', 'many', '1e12']))}")
        out.append(f"{pad}  steps:")
        for _ in range(draw(st.integers(0, 2))):
            out.extend(draw(recipe_step(depth + 1)))
    return out


@st.composite
def recipe_file(draw: st.DrawFn) -> str:
    """A recipe naming the example tool (or another), with parameters and steps."""
    lines = ["recipe:", f"  id: {draw(ident())}", "  version: 1",
             f"  tool: {draw(st.sampled_from(['cvd-cluster-01', 'other-tool', '']))}",
             f"  chamber: {draw(st.sampled_from(['PM1', 'PM2', 'PM9']))}"]
    if draw(st.booleans()):
        target = draw(st.sampled_from(["../cvd.tool.yaml", "/etc/passwd", "x"]))
        lines.append(f"  tool_file: {target}")
    if draw(st.booleans()):
        lines += ["parameters:", "  silane_flow:", "    unit: sccm",
                  f"    min: {draw(st.sampled_from(['100', '-1', 'x']))}",
                  f"    max: {draw(st.sampled_from(['600', '0', '']))}",
                  f"    default: {draw(st.sampled_from(['250', '9999', '${silane_flow}']))}"]
    lines.append("steps:")
    for _ in range(draw(st.integers(0, 4))):
        lines.extend(draw(recipe_step()))
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = draw(with_noise(st.just(text), YAML_NOISE))
    return text


@st.composite
def tool_file(draw: st.DrawFn) -> str:
    """A tool capability file."""
    lines = ["tool:", f"  id: {draw(ident())}", "  type: cvd", "chambers:"]
    for ch in draw(st.lists(st.sampled_from(["PM1", "PM2", "LL"]), max_size=2, unique=True)):
        lines += [f"  {ch}:",
                  f"    pressure: {{min: {draw(st.sampled_from(RCP_QUANTITIES))}, "
                  f"max: {draw(st.sampled_from(RCP_QUANTITIES))}}}",
                  "    temperature: {min: 100 degC, max: "
                  f"{draw(st.sampled_from(RCP_QUANTITIES))}}}",
                  "    rf:",
                  f"      HF: {{frequency: 13.56 MHz, min_power: 20 W, max_power: "
                  f"{draw(st.sampled_from(RCP_QUANTITIES))}}}",
                  "    gas_lines:"]
        for i, gas in enumerate(draw(st.lists(st.sampled_from(GASES), max_size=3))):
            lines.append(f"      - {{line: {i}, gas: {gas}, full_scale: "
                         f"{draw(st.sampled_from(RCP_QUANTITIES))}, low_end: 2 %, kind: process}}")
    if draw(st.booleans()):
        lines += ["incompatible:", "  - gases: [SiH4, O2]", "    reason: fire"]
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = draw(with_noise(st.just(text), YAML_NOISE))
    return text


@st.composite
def positions(draw: st.DrawFn, text: str) -> list[tuple[int, int]]:
    """A few (line, column) pairs, mostly inside ``text``."""
    lines = text.split("\n")
    out = []
    for _ in range(draw(st.integers(1, 4))):
        ln = draw(st.integers(0, len(lines) + 1))
        width = len(lines[ln]) if ln < len(lines) else 5
        out.append((ln, draw(st.integers(0, width + 2))))
    return out
