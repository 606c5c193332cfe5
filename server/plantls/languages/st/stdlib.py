"""The IEC 61131-3 standard library as typed data: elementary types, standard function blocks
and standard functions.

Used for hover, completion, signature help and type checking. Everything here is plain data
plus small pure helpers; nothing depends on the parser or on LSP types.

Conventions:

* Names are matched case-insensitively; dictionary keys are upper case.
* Where the standard leaves a detail to the implementation (the width of ``TIME``, the default
  ``STRING`` length, what a failed conversion gives), the texts say what CODESYS-based runtimes
  (CODESYS, TwinCAT 3) do, and say so explicitly.
* Generic types (``ANY_NUM`` and friends) appear only in function signatures. A generic return
  type means "the type of the arguments declared with the same generic type"; see
  :func:`result_type`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

# Language of fenced code blocks in hover markdown (the project's language id).
CODE_FENCE = "iec-st"

# ---------------------------------------------------------------------------------------------
# Elementary types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElementaryType:
    """One elementary data type.

    ``category`` is one of ``bool``, ``bit``, ``signed``, ``unsigned``, ``real``, ``time``,
    ``date`` (dates, times of day, date-and-times), ``string``, ``char``. ``bits`` is the
    storage size (per character for strings). ``min``/``max`` are the value range for
    numeric, bit and BOOL types and ``None`` for the others, whose range the ``doc``
    describes.
    """

    name: str
    category: str
    bits: int
    signed: bool
    min: int | float | None
    max: int | float | None
    doc: str
    literal: str = ""
    """Example literals, as ST text."""
    default: str = ""
    """The value a variable of this type starts with when declared without one."""
    aliases: tuple[str, ...] = ()


_REAL_MAX = 3.4028234663852886e38
_LREAL_MAX = 1.7976931348623157e308


def _int_type(name: str, bits: int, signed: bool, doc: str, literal: str) -> ElementaryType:
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    return ElementaryType(
        name, "signed" if signed else "unsigned", bits, signed, lo, hi, doc, literal, "0"
    )


def _bit_type(name: str, bits: int, doc: str, literal: str) -> ElementaryType:
    return ElementaryType(name, "bit", bits, False, 0, 2**bits - 1, doc, literal, "0")


_TYPES: tuple[ElementaryType, ...] = (
    ElementaryType(
        "BOOL", "bool", 1, False, 0, 1,
        "Boolean: `TRUE` or `FALSE`. Occupies one byte in memory on CODESYS and TwinCAT "
        "(a `BIT` in a structure is the packed form).",
        "`TRUE`, `FALSE`, `BOOL#1`", "FALSE",
    ),
    _bit_type(
        "BYTE", 8,
        "8-bit bit string. Meant for flags and raw I/O images; use `USINT` when the value "
        "is a number you calculate with.",
        "`16#A5`, `2#1010_0101`",
    ),
    _bit_type(
        "WORD", 16,
        "16-bit bit string, e.g. a status or control word of a drive. Use `UINT`/`INT` for "
        "numbers.",
        "`16#8001`",
    ),
    _bit_type("DWORD", 32, "32-bit bit string.", "`16#0000_FFFF`"),
    _bit_type("LWORD", 64, "64-bit bit string.", "`16#FFFF_0000_FFFF_0000`"),
    _int_type("SINT", 8, True, "8-bit signed integer.", "`SINT#-5`"),
    _int_type("INT", 16, True, "16-bit signed integer.", "`-1200`, `INT#42`"),
    _int_type(
        "DINT", 32, True,
        "32-bit signed integer; the usual choice for counts and indices.", "`100000`",
    ),
    _int_type("LINT", 64, True, "64-bit signed integer.", "`LINT#9_000_000_000`"),
    _int_type("USINT", 8, False, "8-bit unsigned integer.", "`USINT#200`"),
    _int_type("UINT", 16, False, "16-bit unsigned integer.", "`UINT#50000`"),
    _int_type("UDINT", 32, False, "32-bit unsigned integer.", "`UDINT#4_000_000_000`"),
    _int_type("ULINT", 64, False, "64-bit unsigned integer.", "`ULINT#16#FFFF_FFFF_FFFF`"),
    ElementaryType(
        "REAL", "real", 32, True, -_REAL_MAX, _REAL_MAX,
        "32-bit IEEE 754 floating point, about 7 significant decimal digits. Integers are "
        "exact only up to 16 777 216 (2^24). Compare against a tolerance, not with `=`.",
        "`1.5`, `-2.0E-3`, `REAL#10`", "0.0",
    ),
    ElementaryType(
        "LREAL", "real", 64, True, -_LREAL_MAX, _LREAL_MAX,
        "64-bit IEEE 754 floating point, about 15 significant decimal digits. Integers are "
        "exact up to 2^53. Compare against a tolerance, not with `=`.",
        "`3.141592653589793`, `LREAL#1E-9`", "0.0",
    ),
    ElementaryType(
        "TIME", "time", 32, False, None, None,
        "Duration. CODESYS and TwinCAT store it as an unsigned 32-bit count of milliseconds: "
        "`T#0MS` to `T#49D17H2M47S295MS`; subtracting a larger TIME wraps around.",
        "`T#1S`, `T#250MS`, `TIME#1H30M`", "T#0S",
    ),
    ElementaryType(
        "LTIME", "time", 64, False, None, None,
        "Long duration with nanosecond resolution (a 64-bit count of nanoseconds on CODESYS "
        "and TwinCAT).",
        "`LTIME#5MS`, `LTIME#1US500NS`", "LTIME#0S",
    ),
    ElementaryType(
        "DATE", "date", 32, False, None, None,
        "Calendar date. CODESYS and TwinCAT store the seconds since 1970-01-01 at midnight "
        "in 32 bits (up to 2106-02-07).",
        "`D#2024-03-15`, `DATE#2024-03-15`", "D#1970-01-01",
    ),
    ElementaryType(
        "TIME_OF_DAY", "date", 32, False, None, None,
        "Time of day. CODESYS and TwinCAT store the milliseconds since midnight in 32 bits.",
        "`TOD#14:30:00`, `TOD#06:00:00.500`", "TOD#00:00:00", ("TOD",),
    ),
    ElementaryType(
        "DATE_AND_TIME", "date", 32, False, None, None,
        "Date and time of day, to the second. CODESYS and TwinCAT store the seconds since "
        "1970-01-01 00:00:00 in 32 bits (up to 2106-02-07-06:28:15).",
        "`DT#2024-03-15-14:30:00`", "DT#1970-01-01-00:00:00", ("DT",),
    ),
    ElementaryType(
        "LDATE", "date", 64, False, None, None,
        "Long date: a 64-bit count of nanoseconds since 1970-01-01 (IEC 61131-3 ed. 3).",
        "`LDATE#2024-03-15`", "LDATE#1970-01-01",
    ),
    ElementaryType(
        "LTIME_OF_DAY", "date", 64, False, None, None,
        "Long time of day: a 64-bit count of nanoseconds since midnight (ed. 3).",
        "`LTOD#14:30:00.000_001`", "LTOD#00:00:00", ("LTOD",),
    ),
    ElementaryType(
        "LDATE_AND_TIME", "date", 64, False, None, None,
        "Long date and time: a 64-bit count of nanoseconds since 1970-01-01 00:00 (ed. 3).",
        "`LDT#2024-03-15-14:30:00`", "LDT#1970-01-01-00:00:00", ("LDT",),
    ),
    ElementaryType(
        "STRING", "string", 8, False, None, None,
        "Single-byte character string. `STRING` holds 80 characters on CODESYS and TwinCAT "
        "unless declared as `STRING(n)`; a longer value is cut off silently when assigned. "
        "Literals use single quotes; `$` escapes: `$N` newline, `$T` tab, `$'` quote, "
        "`$$` dollar, `$0D` a byte in hex.",
        "`'Line 1 running'`", "''",
    ),
    ElementaryType(
        "WSTRING", "string", 16, False, None, None,
        "Wide (UCS-2) character string, two bytes per character; `WSTRING(n)` sets the "
        "length. Literals use double quotes.",
        '`"Fülle Flasche"`', '""',
    ),
    ElementaryType(
        "CHAR", "char", 8, False, None, None,
        "One single-byte character (IEC 61131-3 ed. 3).", "`CHAR#'A'`", "CHAR#'$00'",
    ),
    ElementaryType(
        "WCHAR", "char", 16, False, None, None,
        "One wide (two-byte) character (IEC 61131-3 ed. 3).", '`WCHAR#"A"`', 'WCHAR#"$0000"',
    ),
)

ELEMENTARY_TYPES: dict[str, ElementaryType] = {}
"""Elementary types by upper-case name, aliases (``TOD``, ``DT``, ``LTOD``, ``LDT``) included."""
for _t in _TYPES:
    ELEMENTARY_TYPES[_t.name] = _t
    for _alias in _t.aliases:
        ELEMENTARY_TYPES[_alias] = _t

_ALIAS_TO_NAME = {a: t.name for t in _TYPES for a in t.aliases}
_SHORT_NAME = {t.name: t.aliases[0] for t in _TYPES if t.aliases}

_STRING_LEN = re.compile(r"^(W?STRING)\s*(?:\(\s*[^)]*\)|\[\s*[^\]]*\])$")


def canonical_type(name: str) -> str:
    """The standard spelling of a type name: upper case, aliases resolved (``TOD`` →
    ``TIME_OF_DAY``), a length dropped (``STRING(20)`` → ``STRING``). Other names come back
    upper-cased."""
    key = " ".join(name.strip().upper().split())
    m = _STRING_LEN.match(key)
    if m:
        return m.group(1)
    return _ALIAS_TO_NAME.get(key, key)


def type_info(name: str) -> ElementaryType | None:
    """The elementary type of that name (aliases and ``STRING(n)`` accepted), or ``None``."""
    return ELEMENTARY_TYPES.get(canonical_type(name))


def _category(name: str) -> str | None:
    t = type_info(name)
    return t.category if t else None


def is_elementary(name: str) -> bool:
    """True for an elementary type name."""
    return type_info(name) is not None


def is_bool(name: str) -> bool:
    """True for BOOL."""
    return _category(name) == "bool"


def is_signed(name: str) -> bool:
    """True for SINT, INT, DINT, LINT."""
    return _category(name) == "signed"


def is_unsigned(name: str) -> bool:
    """True for USINT, UINT, UDINT, ULINT (not for bit strings)."""
    return _category(name) == "unsigned"


def is_integer(name: str) -> bool:
    """True for the signed and unsigned integer types (ANY_INT)."""
    return _category(name) in ("signed", "unsigned")


def is_real(name: str) -> bool:
    """True for REAL and LREAL (ANY_REAL)."""
    return _category(name) == "real"


def is_numeric(name: str) -> bool:
    """True for integers and reals (ANY_NUM)."""
    return _category(name) in ("signed", "unsigned", "real")


def is_bit_string(name: str) -> bool:
    """True for BYTE, WORD, DWORD, LWORD. (BOOL is in ANY_BIT but is not a bit string of
    several bits; use ``matches_generic(name, "ANY_BIT")`` to include it.)"""
    return _category(name) == "bit"


def is_duration(name: str) -> bool:
    """True for TIME and LTIME (ANY_DURATION)."""
    return _category(name) == "time"


def is_date(name: str) -> bool:
    """True for DATE, TIME_OF_DAY, DATE_AND_TIME and their long forms (ANY_DATE)."""
    return _category(name) == "date"


def is_string(name: str) -> bool:
    """True for STRING and WSTRING, with or without a length (ANY_STRING)."""
    return _category(name) == "string"


def is_char(name: str) -> bool:
    """True for CHAR and WCHAR (ANY_CHAR)."""
    return _category(name) == "char"


# ---------------------------------------------------------------------------------------------
# Generic types
# ---------------------------------------------------------------------------------------------

_SIGNED = ("SINT", "INT", "DINT", "LINT")
_UNSIGNED = ("USINT", "UINT", "UDINT", "ULINT")
_BITS = ("BOOL", "BYTE", "WORD", "DWORD", "LWORD")
_REALS = ("REAL", "LREAL")
_DURATIONS = ("TIME", "LTIME")
_DATES = ("DATE", "TIME_OF_DAY", "DATE_AND_TIME", "LDATE", "LTIME_OF_DAY", "LDATE_AND_TIME")
_STRINGS = ("STRING", "WSTRING")
_CHARS = ("CHAR", "WCHAR")

GENERIC_TYPES: dict[str, frozenset[str]] = {
    "ANY_SIGNED": frozenset(_SIGNED),
    "ANY_UNSIGNED": frozenset(_UNSIGNED),
    "ANY_INT": frozenset(_SIGNED + _UNSIGNED),
    "ANY_REAL": frozenset(_REALS),
    "ANY_NUM": frozenset(_SIGNED + _UNSIGNED + _REALS),
    "ANY_DURATION": frozenset(_DURATIONS),
    "ANY_MAGNITUDE": frozenset(_SIGNED + _UNSIGNED + _REALS + _DURATIONS),
    "ANY_BIT": frozenset(_BITS),
    "ANY_DATE": frozenset(_DATES),
    "ANY_STRING": frozenset(_STRINGS),
    "ANY_CHAR": frozenset(_CHARS),
    "ANY_CHARS": frozenset(_STRINGS + _CHARS),
    "ANY_ELEMENTARY": frozenset(t.name for t in _TYPES),
    "ANY": frozenset(t.name for t in _TYPES),
    "ANY_DERIVED": frozenset(),
}
"""Generic type name → the elementary types it stands for. ``ANY`` and ``ANY_DERIVED`` also
stand for every user-defined type (see :func:`matches_generic`)."""

_GENERIC_DOCS = {
    "ANY": "any data type, elementary or user-defined",
    "ANY_DERIVED": "any user-defined type (structure, enumeration, array, alias, FB type)",
    "ANY_ELEMENTARY": "any elementary type",
    "ANY_MAGNITUDE": "numbers and durations",
    "ANY_NUM": "integers and floating-point numbers",
    "ANY_REAL": "floating-point numbers",
    "ANY_INT": "signed and unsigned integers",
    "ANY_SIGNED": "signed integers",
    "ANY_UNSIGNED": "unsigned integers",
    "ANY_DURATION": "durations",
    "ANY_BIT": "BOOL and the bit strings",
    "ANY_DATE": "dates, times of day and date-and-times",
    "ANY_STRING": "character strings",
    "ANY_CHAR": "single characters",
    "ANY_CHARS": "strings and single characters",
}


def is_generic(name: str) -> bool:
    """True for a generic type name such as ``ANY_NUM``."""
    return name.strip().upper() in GENERIC_TYPES


def matches_generic(type_name: str, generic: str) -> bool:
    """Whether a concrete (or narrower generic) type belongs to a generic type.

    ``ANY`` accepts everything; ``ANY_DERIVED`` accepts every non-elementary name; a generic
    ``type_name`` matches when it is a subset (``ANY_INT`` matches ``ANY_NUM``).
    """
    g = generic.strip().upper()
    if g not in GENERIC_TYPES:
        return canonical_type(type_name) == canonical_type(generic)
    t = type_name.strip().upper()
    if t in GENERIC_TYPES:
        if g == "ANY" or t == g:
            return True
        return t != "ANY_DERIVED" and t != "ANY" and GENERIC_TYPES[t] <= GENERIC_TYPES[g]
    if g == "ANY":
        return True
    if g == "ANY_DERIVED":
        return not is_elementary(t)
    return canonical_type(t) in GENERIC_TYPES[g]


# ---------------------------------------------------------------------------------------------
# Implicit conversions
# ---------------------------------------------------------------------------------------------

# Direct implicit conversions of IEC 61131-3 ed. 3: each one keeps every value of the source.
# can_widen() takes the transitive closure. Notably absent: DINT → REAL and LINT → LREAL
# (mantissa too short), and anything signed ↔ unsigned of the same width.
_WIDENINGS: dict[str, tuple[str, ...]] = {
    "SINT": ("INT",),
    "INT": ("DINT", "REAL"),
    "DINT": ("LINT", "LREAL"),
    "USINT": ("UINT", "INT"),
    "UINT": ("UDINT", "DINT", "REAL"),
    "UDINT": ("ULINT", "LINT", "LREAL"),
    "REAL": ("LREAL",),
    "BOOL": ("BYTE",),
    "BYTE": ("WORD",),
    "WORD": ("DWORD",),
    "DWORD": ("LWORD",),
    "TIME": ("LTIME",),
    "DATE": ("LDATE",),
    "TIME_OF_DAY": ("LTIME_OF_DAY",),
    "DATE_AND_TIME": ("LDATE_AND_TIME",),
    "CHAR": ("STRING", "BYTE"),
    "WCHAR": ("WSTRING", "WORD"),
}


@cache
def _widen_targets(src: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = [src]
    while todo:
        cur = todo.pop()
        for nxt in _WIDENINGS.get(cur, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


def can_widen(src: str, dst: str) -> bool:
    """Whether a value of type ``src`` may be assigned to ``dst`` without an explicit
    conversion, because every ``src`` value is representable in ``dst``.

    Same type → True. SINT→INT→DINT→LINT, USINT→UINT→UDINT→ULINT, an unsigned type into the
    next larger signed one, INT/UINT→REAL, DINT/UDINT→LREAL, REAL→LREAL, BOOL→BYTE→WORD→
    DWORD→LWORD, TIME→LTIME and the date types into their long forms. Narrowing (DINT→INT,
    REAL→INT, LREAL→REAL), signed↔unsigned, integer↔bit string: False. String lengths are not
    compared. Unknown (user-defined) types widen only to themselves.
    """
    s, d = canonical_type(src), canonical_type(dst)
    if s == d:
        return True
    return d in _widen_targets(s)


# Order used to pick the smallest common type.
_WIDTH_ORDER = (
    "BOOL", "USINT", "SINT", "BYTE", "UINT", "INT", "WORD", "UDINT", "DINT", "DWORD", "REAL",
    "ULINT", "LINT", "LWORD", "LREAL",
    "TIME", "LTIME", "DATE", "LDATE", "TIME_OF_DAY", "LTIME_OF_DAY", "DATE_AND_TIME",
    "LDATE_AND_TIME", "CHAR", "WCHAR", "STRING", "WSTRING",
)


def common_type(a: str, b: str) -> str | None:
    """The smallest type both ``a`` and ``b`` widen to (``INT`` and ``UINT`` → ``DINT``), or
    ``None`` when there is none (``DINT`` and ``REAL``; ``INT`` and ``WORD``)."""
    ca, cb = canonical_type(a), canonical_type(b)
    if can_widen(ca, cb):
        return cb
    if can_widen(cb, ca):
        return ca
    for cand in _WIDTH_ORDER:
        if can_widen(ca, cand) and can_widen(cb, cand):
            return cand
    return None


def literal_fits(type_name: str, value: int) -> bool:
    """Whether an integer literal lies in the range of a type. BOOL takes 0 and 1; reals take
    any integer up to their largest magnitude; other types (TIME, STRING, ...) and unknown
    names take no integer literal."""
    t = type_info(type_name)
    if t is None or t.min is None or t.max is None:
        return False
    return t.min <= value <= t.max


# ---------------------------------------------------------------------------------------------
# Standard function blocks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter of a standard function or function block."""

    name: str
    type: str
    doc: str
    placeholder: str = ""
    """Text offered in a call snippet; empty means derived from the name and type."""


@dataclass(frozen=True)
class FunctionBlockDef:
    """A standard function block.

    ``category`` is ``timer``, ``counter``, ``edge`` or ``bistable``: rules rely on it (a
    timer, counter or edge detector keeps state between calls and must be called every scan).
    """

    name: str
    inputs: tuple[Param, ...]
    outputs: tuple[Param, ...]
    in_outs: tuple[Param, ...]
    summary: str
    behaviour: str
    example: str
    category: str

    def param(self, name: str) -> Param | None:
        """An input, output or in-out by name (case-insensitive)."""
        key = name.upper()
        for p in (*self.inputs, *self.in_outs, *self.outputs):
            if p.name.upper() == key:
                return p
        return None

    def call_params(self) -> tuple[Param, ...]:
        """What goes into an instance call's argument list with ``:=`` (inputs, in-outs)."""
        return (*self.inputs, *self.in_outs)

    def call_label(self, instance: str | None = None) -> str:
        """A signature-help label: ``fbTimer(IN : BOOL, PT : TIME)``."""
        args = ", ".join(f"{p.name} : {p.type}" for p in self.call_params())
        return f"{instance or self.name}({args})"

    def declaration(self) -> str:
        """The interface as ST declaration text."""
        lines = [f"FUNCTION_BLOCK {self.name}"]
        for kw, params in (
            ("VAR_INPUT", self.inputs),
            ("VAR_OUTPUT", self.outputs),
            ("VAR_IN_OUT", self.in_outs),
        ):
            if not params:
                continue
            width = max(len(p.name) for p in params)
            lines.append(kw)
            lines += [f"    {p.name.ljust(width)} : {p.type};" for p in params]
            lines.append("END_VAR")
        lines.append("END_FUNCTION_BLOCK")
        return "\n".join(lines)


_TIMER_CALL_NOTE = (
    "Time only advances while the instance is called: call it once in every scan, outside "
    "IF/CASE branches, and read its outputs after the call."
)


def _timer(name: str, time_type: str) -> list[FunctionBlockDef]:
    t0 = "T#0S" if time_type == "TIME" else "LTIME#0S"
    pt_ex = "T#2S" if time_type == "TIME" else "LTIME#2S"
    pre = "L" if time_type == "LTIME" else ""
    on = FunctionBlockDef(
        name=f"{pre}TON",
        inputs=(
            Param("IN", "BOOL", "Start: the delay runs while IN is TRUE.", "bStart"),
            Param("PT", time_type, "Preset time: how long IN must stay TRUE.", pt_ex),
        ),
        outputs=(
            Param("Q", "BOOL", "TRUE once IN has been TRUE for PT; FALSE as soon as IN is."),
            Param("ET", time_type, "Elapsed time since IN went TRUE, stops at PT."),
        ),
        in_outs=(),
        summary="On-delay timer: Q follows IN, but switches on only after IN has stayed "
        "TRUE for the preset time PT. Switching off is immediate.",
        behaviour=(
            f"On a rising edge of IN, ET starts counting up from {t0}. When ET reaches PT, "
            "Q becomes TRUE and ET stays at PT for as long as IN stays TRUE. When IN goes "
            f"FALSE, Q goes FALSE and ET returns to {t0} at once, so a pulse on IN shorter "
            "than PT never shows on Q. Typical uses: start-up delays, debouncing a sensor, "
            "a watchdog that trips when a condition lasts too long. " + _TIMER_CALL_NOTE
        ),
        example=(
            f"fbStartDelay(IN := bStartRequest AND NOT bFault, PT := {pt_ex});\n"
            "bMotorOn := fbStartDelay.Q;"
        ),
        category="timer",
    )
    off = FunctionBlockDef(
        name=f"{pre}TOF",
        inputs=(
            Param("IN", "BOOL", "Signal to stretch: Q follows its rising edge at once.",
                  "bRunning"),
            Param("PT", time_type, "Preset time: how long Q stays TRUE after IN drops.",
                  pt_ex),
        ),
        outputs=(
            Param("Q", "BOOL", "TRUE while IN is TRUE and for PT after IN went FALSE."),
            Param("ET", time_type, "Time since IN went FALSE, stops at PT."),
        ),
        in_outs=(),
        summary="Off-delay timer: Q switches on together with IN, and switches off only "
        "after IN has stayed FALSE for the preset time PT.",
        behaviour=(
            f"While IN is TRUE, Q is TRUE and ET is {t0}. On a falling edge of IN, ET starts "
            "counting; Q goes FALSE when ET reaches PT. If IN comes back before that, Q "
            f"stays TRUE and ET returns to {t0}. Typical uses: run-on of a fan or conveyor, "
            "bridging short signal drop-outs. " + _TIMER_CALL_NOTE
        ),
        example=(
            f"fbRunOn(IN := bFillerActive, PT := {pt_ex});\n"
            "bExhaustFan := fbRunOn.Q;"
        ),
        category="timer",
    )
    pulse = FunctionBlockDef(
        name=f"{pre}TP",
        inputs=(
            Param("IN", "BOOL", "Trigger: a rising edge starts the pulse.", "bTrigger"),
            Param("PT", time_type, "Pulse length.", pt_ex),
        ),
        outputs=(
            Param("Q", "BOOL", "TRUE for exactly PT after the triggering edge."),
            Param("ET", time_type, "Time since the pulse started, stops at PT."),
        ),
        in_outs=(),
        summary="Pulse timer: a rising edge on IN gives a pulse of fixed length PT on Q, "
        "however long or short IN stays TRUE.",
        behaviour=(
            "A rising edge of IN while no pulse is running sets Q TRUE and starts ET. Q "
            "drops when ET reaches PT. Edges on IN during a running pulse are ignored (the "
            "pulse is not retriggered). After the pulse ET stays at PT while IN is still "
            f"TRUE and returns to {t0} once IN is FALSE. Typical uses: fixed-length valve "
            "or ejector pulses. " + _TIMER_CALL_NOTE
        ),
        example=(
            f"fbEjectPulse(IN := bRejectBottle, PT := {pt_ex});\n"
            "bEjectorValve := fbEjectPulse.Q;"
        ),
        category="timer",
    )
    return [on, off, pulse]


_COUNTER_CALL_NOTE = (
    "The block finds edges by comparing each count input with its value in the previous "
    "call, so call the instance once in every scan: a block skipped in some scans misses "
    "counts or makes some up."
)
_COUNTER_TYPE_NOTE = (
    " IEC 61131-3 declares PV and CV as INT; CODESYS and TwinCAT declare them as WORD, so "
    "CV may need a conversion there."
)


def _counters(suffix: str, pv_type: str) -> list[FunctionBlockDef]:
    rng = f"the largest {pv_type} value" if suffix else "the largest INT value (32767)"
    type_note = "" if suffix else _COUNTER_TYPE_NOTE
    ctu = FunctionBlockDef(
        name=f"CTU{suffix}",
        inputs=(
            Param("CU", "BOOL", "Count up on each rising edge.", "bPulse"),
            Param("R", "BOOL", "Reset: CV := 0 while TRUE (has priority over CU).", "bReset"),
            Param("PV", pv_type, "Preset value: Q becomes TRUE when CV reaches it.", "100"),
        ),
        outputs=(
            Param("Q", "BOOL", "CV >= PV."),
            Param("CV", pv_type, "Current count."),
        ),
        in_outs=(),
        summary="Up counter: counts rising edges of CU; Q signals that the preset PV is "
        "reached.",
        behaviour=(
            "While R is TRUE, CV is 0. Otherwise each rising edge of CU adds 1 to CV, which "
            f"stops at {rng} instead of overflowing. Q is TRUE when CV >= PV; counting goes "
            "on past PV. " + _COUNTER_CALL_NOTE + type_note
        ),
        example=(
            "fbBottleCount(CU := bBottleSensor, R := bResetCount, PV := 24);\n"
            "bCrateFull := fbBottleCount.Q;"
        ),
        category="counter",
    )
    ctd = FunctionBlockDef(
        name=f"CTD{suffix}",
        inputs=(
            Param("CD", "BOOL", "Count down on each rising edge.", "bPulse"),
            Param("LD", "BOOL", "Load: CV := PV while TRUE (has priority over CD).",
                  "bLoad"),
            Param("PV", pv_type, "Preset value loaded by LD.", "100"),
        ),
        outputs=(
            Param("Q", "BOOL", "CV <= 0."),
            Param("CV", pv_type, "Current count."),
        ),
        in_outs=(),
        summary="Down counter: loads PV with LD and counts down on rising edges of CD; Q "
        "signals that zero is reached.",
        behaviour=(
            "While LD is TRUE, CV is loaded with PV. Otherwise each rising edge of CD "
            "subtracts 1 from CV, which stops at the smallest value of its type. Q is TRUE "
            "when CV <= 0. " + _COUNTER_CALL_NOTE + type_note
        ),
        example=(
            "fbCapsLeft(CD := bCapFed, LD := bMagazineRefilled, PV := 500);\n"
            "bCapsLow := fbCapsLeft.CV < 50;"
        ),
        category="counter",
    )
    ctud = FunctionBlockDef(
        name=f"CTUD{suffix}",
        inputs=(
            Param("CU", "BOOL", "Count up on each rising edge.", "bIn"),
            Param("CD", "BOOL", "Count down on each rising edge.", "bOut"),
            Param("R", "BOOL", "Reset: CV := 0 (highest priority).", "bReset"),
            Param("LD", "BOOL", "Load: CV := PV (priority over counting).", "FALSE"),
            Param("PV", pv_type, "Preset value.", "100"),
        ),
        outputs=(
            Param("QU", "BOOL", "CV >= PV."),
            Param("QD", "BOOL", "CV <= 0."),
            Param("CV", pv_type, "Current count."),
        ),
        in_outs=(),
        summary="Up/down counter, e.g. for the number of items in a buffer section: "
        "rising edges on CU count up, on CD count down.",
        behaviour=(
            "R sets CV to 0; otherwise LD loads PV; otherwise a rising edge of CU adds 1 and "
            "a rising edge of CD subtracts 1 (edges on both in the same call cancel out). CV "
            "stops at the limits of its type. QU is CV >= PV, QD is CV <= 0. "
            + _COUNTER_CALL_NOTE
            + type_note
        ),
        example=(
            "fbBuffer(CU := bBottleIn, CD := bBottleOut, R := bClearLine, PV := 40);\n"
            "bBufferFull := fbBuffer.QU;\nbBufferEmpty := fbBuffer.QD;"
        ),
        category="counter",
    )
    return [ctu, ctd, ctud]


_EDGE_CALL_NOTE = (
    "The block remembers CLK from its previous call, so call it exactly once per scan and "
    "unconditionally; calling it only in some scans makes it miss or invent edges."
)

_FUNCTION_BLOCK_LIST: list[FunctionBlockDef] = [
    *_timer("TON", "TIME"),
    *_timer("LTON", "LTIME"),
    *_counters("", "INT"),
    *[fb for s, t in (("_DINT", "DINT"), ("_LINT", "LINT"), ("_UDINT", "UDINT"),
                      ("_ULINT", "ULINT")) for fb in _counters(s, t)],
    FunctionBlockDef(
        name="R_TRIG",
        inputs=(Param("CLK", "BOOL", "Signal to watch.", "bSignal"),),
        outputs=(Param("Q", "BOOL", "TRUE for one call after CLK went FALSE → TRUE."),),
        in_outs=(),
        summary="Rising-edge detector: Q is TRUE for a single scan when CLK changes from "
        "FALSE to TRUE.",
        behaviour=(
            "Q := CLK AND NOT (CLK of the previous call). The memory starts as FALSE, so if "
            "CLK is already TRUE on the first call after a start or download, Q gives one "
            "pulse then. " + _EDGE_CALL_NOTE
        ),
        example=(
            "fbStartEdge(CLK := bStartButton);\n"
            "IF fbStartEdge.Q THEN\n    nStartCount := nStartCount + 1;\nEND_IF"
        ),
        category="edge",
    ),
    FunctionBlockDef(
        name="F_TRIG",
        inputs=(Param("CLK", "BOOL", "Signal to watch.", "bSignal"),),
        outputs=(Param("Q", "BOOL", "TRUE for one call after CLK went TRUE → FALSE."),),
        in_outs=(),
        summary="Falling-edge detector: Q is TRUE for a single scan when CLK changes from "
        "TRUE to FALSE.",
        behaviour=(
            "Q := NOT CLK AND (CLK of the previous call). In the reference definition of the "
            "standard the memory starts as if CLK had been TRUE, so runtimes that follow it "
            "give Q = TRUE on the first call when CLK is FALSE; guard start-up logic if that "
            "matters. " + _EDGE_CALL_NOTE
        ),
        example=(
            "fbDoorOpened(CLK := bGuardDoorClosed);\n"
            "IF fbDoorOpened.Q THEN\n    bStopRequest := TRUE;\nEND_IF"
        ),
        category="edge",
    ),
    FunctionBlockDef(
        name="RS",
        inputs=(
            Param("S", "BOOL", "Set.", "bSet"),
            Param("R1", "BOOL", "Reset (dominant).", "bReset"),
        ),
        outputs=(Param("Q1", "BOOL", "Stored state."),),
        in_outs=(),
        summary="Reset-dominant latch (flip-flop): S sets Q1, R1 resets it, and R1 wins "
        "when both are TRUE.",
        behaviour=(
            "Q1 := NOT R1 AND (S OR Q1). The state is kept between calls. Reset-dominant is "
            "the safe choice for run commands: a stop or fault input on R1 always wins."
        ),
        example=(
            "fbRunLatch(S := bStartButton, R1 := NOT bStopButtonNC OR bFault);\n"
            "bConveyorRun := fbRunLatch.Q1;"
        ),
        category="bistable",
    ),
    FunctionBlockDef(
        name="SR",
        inputs=(
            Param("S1", "BOOL", "Set (dominant).", "bSet"),
            Param("R", "BOOL", "Reset.", "bReset"),
        ),
        outputs=(Param("Q1", "BOOL", "Stored state."),),
        in_outs=(),
        summary="Set-dominant latch (flip-flop): S1 sets Q1, R resets it, and S1 wins when "
        "both are TRUE.",
        behaviour=(
            "Q1 := S1 OR (NOT R AND Q1). The state is kept between calls. Set-dominant suits "
            "alarm memories: an active alarm condition cannot be acknowledged away."
        ),
        example=(
            "fbAlarmLatch(S1 := bOverTemp, R := bAcknowledge);\n"
            "bAlarmActive := fbAlarmLatch.Q1;"
        ),
        category="bistable",
    ),
]

FUNCTION_BLOCKS: dict[str, FunctionBlockDef] = {fb.name: fb for fb in _FUNCTION_BLOCK_LIST}
"""Standard function blocks by upper-case name."""


def function_block(name: str) -> FunctionBlockDef | None:
    """The standard function block of that name (case-insensitive), or ``None``."""
    return FUNCTION_BLOCKS.get(name.strip().upper())


# ---------------------------------------------------------------------------------------------
# Standard functions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionDef:
    """A standard function.

    ``variadic``: the last parameter may be repeated (``ADD(a, b, c)``; the extra ones are
    named ``IN3``, ``IN4``, ...). ``category``: ``conversion``, ``arithmetic``, ``selection``,
    ``comparison``, ``bit-shift``, ``bitwise``, ``string`` or ``vendor`` (not in IEC
    61131-3, but built into CODESYS-based runtimes).
    """

    name: str
    params: tuple[Param, ...]
    return_type: str
    summary: str
    category: str
    variadic: bool = False
    details: str = ""
    example: str = ""
    operator: str = ""
    """The operator form, when there is one (``+`` for ADD)."""
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def label(self) -> str:
        """A one-line signature: ``LIMIT(MN : ANY_ELEMENTARY, ...) : ANY_ELEMENTARY``."""
        args = [f"{p.name} : {p.type}" for p in self.params]
        if self.variadic:
            args.append("...")
        return f"{self.name}({', '.join(args)}) : {self.return_type}"


def _p(name: str, typ: str, doc: str = "", placeholder: str = "") -> Param:
    return Param(name, typ, doc, placeholder)


_IN_NUM = (_p("IN", "ANY_NUM"),)
_IN_REAL = (_p("IN", "ANY_REAL"),)


def _real_fn(name: str, summary: str, details: str = "", example: str = "") -> FunctionDef:
    return FunctionDef(name, _IN_REAL, "ANY_REAL", summary, "arithmetic", False, details,
                       example)


def _two(typ: str, doc1: str = "", doc2: str = "") -> tuple[Param, ...]:
    return (_p("IN1", typ, doc1), _p("IN2", typ, doc2))


_COMPARE = {
    "GT": (">", "TRUE when IN1 > IN2 (and IN2 > IN3 ... : the inputs decrease strictly)."),
    "GE": (">=", "TRUE when IN1 >= IN2 (and IN2 >= IN3 ...)."),
    "EQ": ("=", "TRUE when all inputs are equal."),
    "LE": ("<=", "TRUE when IN1 <= IN2 (and IN2 <= IN3 ...)."),
    "LT": ("<", "TRUE when IN1 < IN2 (and IN2 < IN3 ...: the inputs increase strictly)."),
    "NE": ("<>", "TRUE when IN1 and IN2 differ. Takes exactly two inputs."),
}

_REAL_EQ_NOTE = (
    "On REAL/LREAL, `=` and `<>` compare bit patterns of rounded values: compare the "
    "difference against a tolerance instead, e.g. `ABS(fA - fB) < 0.001`."
)

_STR_NOTE = (
    "Character positions count from 1. Works on STRING and WSTRING; on CODESYS and TwinCAT "
    "the STRING versions return at most 255 characters."
)

_FUNCTION_LIST: list[FunctionDef] = [
    # --- arithmetic ---------------------------------------------------------------------
    FunctionDef(
        "ABS", _IN_NUM, "ANY_NUM", "Absolute value.", "arithmetic",
        details="For signed integers the most negative value has no positive counterpart: "
        "ABS of INT -32768 does not fit in an INT.",
        example="fDeviation := ABS(fSetpoint - fActual);",
    ),
    _real_fn("SQRT", "Square root.", "IN must not be negative; the result is then NaN.",
             "fSpeed := SQRT(2.0 * fAccel * fDistance);"),
    _real_fn("LN", "Natural logarithm (base e). IN must be > 0."),
    _real_fn("LOG", "Logarithm to base 10. IN must be > 0."),
    _real_fn("EXP", "e raised to the power IN."),
    _real_fn("SIN", "Sine of an angle in radians."),
    _real_fn("COS", "Cosine of an angle in radians."),
    _real_fn("TAN", "Tangent of an angle in radians."),
    _real_fn("ASIN", "Arc sine, in radians (-π/2 … π/2). IN must lie in -1 … 1."),
    _real_fn("ACOS", "Arc cosine, in radians (0 … π). IN must lie in -1 … 1."),
    _real_fn("ATAN", "Arc tangent, in radians (-π/2 … π/2)."),
    FunctionDef(
        "ATAN2", (_p("Y", "ANY_REAL", "y coordinate"), _p("X", "ANY_REAL", "x coordinate")),
        "ANY_REAL", "Angle of the point (X, Y) in radians, -π … π, correct in all four "
        "quadrants.", "arithmetic",
        details="Added in IEC 61131-3 ed. 3; not built into every runtime (older CODESYS "
        "versions only have ATAN).",
    ),
    FunctionDef(
        "ADD", _two("ANY_MAGNITUDE"), "ANY_MAGNITUDE", "Sum of the inputs.", "arithmetic",
        variadic=True, operator="+",
        details="Integer overflow wraps around silently on CODESYS and TwinCAT.",
    ),
    FunctionDef(
        "SUB", _two("ANY_MAGNITUDE", "minuend", "subtrahend"), "ANY_MAGNITUDE",
        "IN1 minus IN2.", "arithmetic", operator="-",
        details="On unsigned types and on TIME a negative result wraps around to a large "
        "value.",
    ),
    FunctionDef(
        "MUL", _two("ANY_MAGNITUDE"), "ANY_MAGNITUDE", "Product of the inputs.",
        "arithmetic", variadic=True, operator="*",
        details="Integer overflow wraps around silently on CODESYS and TwinCAT.",
    ),
    FunctionDef(
        "DIV", _two("ANY_MAGNITUDE", "dividend", "divisor"), "ANY_MAGNITUDE",
        "IN1 divided by IN2.", "arithmetic", operator="/",
        details="Integer division truncates toward zero (7 / 2 = 3, -7 / 2 = -3). Division "
        "by zero is an error: an integer division by zero stops the PLC with an exception "
        "on many runtimes; guard the divisor.",
    ),
    FunctionDef(
        "MOD", _two("ANY_INT", "dividend", "divisor"), "ANY_INT",
        "Remainder of the integer division IN1 / IN2.", "arithmetic", operator="MOD",
        details="The result has the sign of IN1 (-7 MOD 2 = -1). IN2 = 0 gives 0 in the "
        "standard; guard it anyway.",
        example="bEverySecondBottle := (nBottle MOD 2) = 0;",
    ),
    FunctionDef(
        "EXPT", (_p("IN1", "ANY_REAL", "base"), _p("IN2", "ANY_NUM", "exponent")),
        "ANY_REAL", "IN1 raised to the power IN2.", "arithmetic", operator="**",
    ),
    FunctionDef(
        "MOVE", (_p("IN", "ANY"),), "ANY", "Returns IN unchanged; the function form of an "
        "assignment.", "arithmetic", operator=":=",
    ),
    FunctionDef(
        "TRUNC", _IN_REAL, "DINT", "Cuts off the fractional part (toward zero): "
        "TRUNC(2.7) = 2, TRUNC(-2.7) = -2.", "conversion",
        details="The standard makes the result ANY_INT; CODESYS and TwinCAT return DINT "
        "(use TRUNC_INT for INT). The *_TO_<int> conversions round instead.",
    ),
    FunctionDef(
        "TRUNC_INT", _IN_REAL, "INT", "Cuts off the fractional part and returns an INT.",
        "conversion",
    ),
    # --- selection ----------------------------------------------------------------------
    FunctionDef(
        "SEL", (_p("G", "BOOL", "selector"), _p("IN0", "ANY", "result when G is FALSE"),
                _p("IN1", "ANY", "result when G is TRUE")),
        "ANY", "Binary selection: IN0 when G is FALSE, IN1 when G is TRUE.", "selection",
        example="fSpeed := SEL(bSlowMode, fNormalSpeed, fCreepSpeed);",
    ),
    FunctionDef(
        "MAX", _two("ANY_ELEMENTARY"), "ANY_ELEMENTARY", "The largest input.", "selection",
        variadic=True, example="fLevel := MAX(fLevel, 0.0);",
    ),
    FunctionDef(
        "MIN", _two("ANY_ELEMENTARY"), "ANY_ELEMENTARY", "The smallest input.", "selection",
        variadic=True, example="nBatch := MIN(nRequested, nCapacity);",
    ),
    FunctionDef(
        "LIMIT",
        (_p("MN", "ANY_ELEMENTARY", "lower limit", "0"),
         _p("IN", "ANY_ELEMENTARY", "value to clamp", "fValue"),
         _p("MX", "ANY_ELEMENTARY", "upper limit", "100")),
        "ANY_ELEMENTARY", "Clamps IN to MN … MX: MIN(MAX(IN, MN), MX).", "selection",
        details="Note the order: lower limit first, value in the middle.",
        example="fSetpoint := LIMIT(0.0, fOperatorInput, 100.0);",
    ),
    FunctionDef(
        "MUX", (_p("K", "ANY_INT", "index, 0-based"), _p("IN0", "ANY"), _p("IN1", "ANY")),
        "ANY", "Multiplexer: returns IN0 when K = 0, IN1 when K = 1, and so on.",
        "selection", variadic=True,
        details="K outside 0 … number of inputs - 1 is an error; CODESYS returns the last "
        "input in that case, other runtimes may not.",
    ),
    # --- comparison ---------------------------------------------------------------------
    *[
        FunctionDef(
            name, _two("ANY_ELEMENTARY"), "BOOL", doc, "comparison",
            variadic=(name != "NE"), operator=op,
            details=_REAL_EQ_NOTE if name in ("EQ", "NE") else "",
        )
        for name, (op, doc) in _COMPARE.items()
    ],
    # --- bit shift ----------------------------------------------------------------------
    *[
        FunctionDef(
            name, (_p("IN", "ANY_BIT", "bit string to shift"),
                   _p("N", "ANY_INT", "number of bit positions")),
            "ANY_BIT", summary, "bit-shift",
            details="The width of IN decides the result: shift a variable of the intended "
            "type, not an expression or literal, which may be evaluated in a wider type.",
        )
        for name, summary in (
            ("SHL", "Shift left by N bits; zeros come in from the right."),
            ("SHR", "Shift right by N bits; zeros come in from the left."),
            ("ROL", "Rotate left by N bits; bits leaving on the left re-enter on the right."),
            ("ROR", "Rotate right by N bits; bits leaving on the right re-enter on the left."),
        )
    ],
    # --- bitwise ------------------------------------------------------------------------
    FunctionDef("AND", _two("ANY_BIT"), "ANY_BIT", "Bitwise AND (logical AND on BOOL).",
                "bitwise", variadic=True, operator="AND"),
    FunctionDef("OR", _two("ANY_BIT"), "ANY_BIT", "Bitwise OR (logical OR on BOOL).",
                "bitwise", variadic=True, operator="OR"),
    FunctionDef("XOR", _two("ANY_BIT"), "ANY_BIT", "Bitwise exclusive OR.", "bitwise",
                variadic=True, operator="XOR",
                details="With more than two inputs the result is TRUE for an odd number of "
                "TRUE inputs."),
    FunctionDef("NOT", (_p("IN", "ANY_BIT"),), "ANY_BIT",
                "Bitwise complement (logical negation on BOOL).", "bitwise", operator="NOT"),
    # --- strings ------------------------------------------------------------------------
    FunctionDef("LEN", (_p("IN", "ANY_STRING", "", "sText"),), "INT",
                "Number of characters in IN.", "string",
                example="IF LEN(sBatchId) = 0 THEN\n    bBatchIdMissing := TRUE;\nEND_IF"),
    FunctionDef("LEFT", (_p("IN", "ANY_STRING", "", "sText"),
                         _p("L", "ANY_INT", "number of characters", "3")),
                "ANY_STRING", "The first L characters of IN.", "string", details=_STR_NOTE),
    FunctionDef("RIGHT", (_p("IN", "ANY_STRING", "", "sText"),
                          _p("L", "ANY_INT", "number of characters", "3")),
                "ANY_STRING", "The last L characters of IN.", "string", details=_STR_NOTE),
    FunctionDef("MID", (_p("IN", "ANY_STRING", "", "sText"),
                        _p("L", "ANY_INT", "number of characters", "3"),
                        _p("P", "ANY_INT", "position of the first character", "1")),
                "ANY_STRING", "L characters of IN, starting at position P.", "string",
                details=_STR_NOTE + " Note the order: length before position.",
                example="sLine := MID(sBatchId, 2, 1);  // characters 1 and 2"),
    FunctionDef("CONCAT", _two("ANY_CHARS"), "ANY_STRING", "IN1 followed by IN2 (and more).",
                "string", variadic=True,
                details="The standard allows any number of inputs; CODESYS and TwinCAT take "
                "exactly two (nest calls for more) and cut the result at 255 characters.",
                example="sMessage := CONCAT('Filler fault: ', sFaultText);"),
    FunctionDef("INSERT", (_p("IN1", "ANY_STRING", "", "sText"),
                           _p("IN2", "ANY_CHARS", "text to insert", "sInsert"),
                           _p("P", "ANY_INT", "insert after this position", "1")),
                "ANY_STRING", "IN1 with IN2 inserted after position P (P = 0 inserts at "
                "the front).", "string", details=_STR_NOTE),
    FunctionDef("DELETE", (_p("IN", "ANY_STRING", "", "sText"),
                           _p("L", "ANY_INT", "number of characters", "1"),
                           _p("P", "ANY_INT", "position of the first character", "1")),
                "ANY_STRING", "IN without the L characters starting at position P.",
                "string", details=_STR_NOTE),
    FunctionDef("REPLACE", (_p("IN1", "ANY_STRING", "", "sText"),
                            _p("IN2", "ANY_CHARS", "replacement", "sNew"),
                            _p("L", "ANY_INT", "number of characters replaced", "1"),
                            _p("P", "ANY_INT", "position of the first character", "1")),
                "ANY_STRING", "IN1 with L characters starting at position P replaced by IN2.",
                "string", details=_STR_NOTE),
    FunctionDef("FIND", (_p("IN1", "ANY_STRING", "text to search in", "sText"),
                         _p("IN2", "ANY_CHARS", "text to look for", "sPattern")),
                "INT", "Position of the first occurrence of IN2 in IN1, or 0 when it does "
                "not occur.", "string", details="Character positions count from 1.",
                example="bIsRework := FIND(sBatchId, 'RW') > 0;"),
    # --- vendor -------------------------------------------------------------------------
    FunctionDef("SIZEOF", (_p("IN", "ANY", "variable or type"),), "ANY_UNSIGNED",
                "Size of a variable or data type in bytes.", "vendor",
                details="Not part of IEC 61131-3: a CODESYS/TwinCAT operator. The result "
                "type is an unsigned integer chosen by the compiler.",
                example="MEMSET(ADR(stCounts), 0, SIZEOF(stCounts));"),
    FunctionDef("ADR", (_p("IN", "ANY", "variable"),), "POINTER",
                "Address of a variable, for POINTER TO variables and memory functions.",
                "vendor",
                details="Not part of IEC 61131-3: a CODESYS/TwinCAT operator. An address "
                "taken from a VAR_TEMP or a function's local variable is invalid once the "
                "POU returns; after an online change addresses may move."),
]


# ---- type conversions, generated --------------------------------------------------------

_NUMBITS = (*_BITS, *_SIGNED, *_UNSIGNED, *_REALS)
_TIMEDATE_PAIRS = {
    ("TIME", "LTIME"), ("LTIME", "TIME"),
    ("DATE", "LDATE"), ("LDATE", "DATE"),
    ("TIME_OF_DAY", "LTIME_OF_DAY"), ("LTIME_OF_DAY", "TIME_OF_DAY"),
    ("DATE_AND_TIME", "LDATE_AND_TIME"), ("LDATE_AND_TIME", "DATE_AND_TIME"),
    ("DATE_AND_TIME", "DATE"), ("DATE_AND_TIME", "TIME_OF_DAY"),
    ("LDATE_AND_TIME", "LDATE"), ("LDATE_AND_TIME", "LTIME_OF_DAY"),
}
_CHAR_PAIRS = {
    ("CHAR", "BYTE"), ("CHAR", "USINT"), ("CHAR", "STRING"), ("CHAR", "WCHAR"),
    ("WCHAR", "WORD"), ("WCHAR", "UINT"), ("WCHAR", "WSTRING"), ("WCHAR", "CHAR"),
    ("STRING", "WSTRING"), ("WSTRING", "STRING"),
}


def _convertible(src: str, dst: str) -> bool:
    if src == dst:
        return False
    if (src, dst) in _TIMEDATE_PAIRS or (src, dst) in _CHAR_PAIRS:
        return True
    if (src, dst) in {(b, a) for a, b in _CHAR_PAIRS}:
        return True
    timeish = (*_DURATIONS, *_DATES)
    if src in _NUMBITS and dst in _NUMBITS:
        return True
    if (src in timeish and dst in _NUMBITS) or (src in _NUMBITS and dst in timeish):
        return True
    scalars = (*_NUMBITS, *timeish)
    return (src in _STRINGS and dst in scalars) or (src in scalars and dst in _STRINGS)


_TIME_UNIT = {
    "TIME": "milliseconds",
    "LTIME": "nanoseconds",
    "DATE": "seconds since 1970-01-01",
    "TIME_OF_DAY": "milliseconds since midnight",
    "DATE_AND_TIME": "seconds since 1970-01-01 00:00",
    "LDATE": "nanoseconds since 1970-01-01",
    "LTIME_OF_DAY": "nanoseconds since midnight",
    "LDATE_AND_TIME": "nanoseconds since 1970-01-01 00:00",
}


def _range_text(t: ElementaryType) -> str:
    if t.category == "real":
        return f"about ±{t.max:.1E}"
    return f"{t.min} … {t.max}"


_TEXT_EXAMPLE = {
    "bool": ": 'TRUE' or 'FALSE'",
    "time": ", written like a literal (T#1S500MS gives 'T#1s500ms')",
    "date": ", written like a literal of the type",
    "real": " in decimal notation",
    "signed": " in decimal notation",
    "unsigned": " in decimal notation",
}


def _char_text(s: ElementaryType, d: ElementaryType) -> str:
    if d.category == "string":
        return "A string holding just that character."
    if s.category == "string":
        return "The first character of the text."
    if s.category == "char" and d.category == "char":
        return "Converts between a single-byte and a wide character."
    return "Converts between a character and its character code."


def _conversion_text(src: str, dst: str) -> tuple[str, str]:
    """(summary, details) for SRC_TO_DST."""
    s, d = ELEMENTARY_TYPES[src], ELEMENTARY_TYPES[dst]
    head = f"Converts {src} to {dst}."
    if d.category == "bool" and s.category not in ("string",):
        return head, "0 gives FALSE, any other value TRUE."
    if s.category == "bool" and d.category != "string":
        return head, "TRUE gives 1, FALSE gives 0."
    if s.category == "char" or d.category == "char":
        return head, _char_text(s, d)
    if d.category == "string":
        return head, "The value as text" + _TEXT_EXAMPLE.get(s.category, "") + "."
    if s.category == "string":
        return head, (f"Parses the text as a value of type {dst}. There is no error output: "
                      "check text that comes from operators or other systems before "
                      "converting.")
    if (src, dst) in _TIMEDATE_PAIRS:
        if dst in ("DATE", "LDATE"):
            return head, "Keeps the date and drops the time of day."
        if dst in ("TIME_OF_DAY", "LTIME_OF_DAY") and src.endswith("DATE_AND_TIME"):
            return head, "Keeps the time of day and drops the date."
        if can_widen(src, dst):
            return head, "Lossless."
        return head, "Drops the sub-millisecond part; long values beyond the range do not fit."
    if s.category in ("time", "date"):
        return head, (f"Gives the value as a count of {_TIME_UNIT[src]} (CODESYS and "
                      "TwinCAT).")
    if d.category in ("time", "date"):
        return head, (f"Takes the number as a count of {_TIME_UNIT[dst]} (CODESYS and "
                      "TwinCAT).")
    if s.category == "real" and d.category in ("signed", "unsigned", "bit"):
        return head, (f"Rounds to the nearest integer (use TRUNC to cut the fraction off "
                      f"instead). Values outside {_range_text(d)} do not fit and give an "
                      "undefined result.")
    if can_widen(src, dst):
        return head, f"Lossless: every {src} value is a valid {dst} value."
    if d.category == "real":
        exact = "16 777 216 (2^24)" if d.name == "REAL" else "2^53"
        if s.category == "real":
            return head, ("Rounds to the nearest REAL, about 7 significant digits; "
                          "magnitudes above 3.4E38 do not fit.")
        return head, f"May lose precision: {dst} holds integers exactly only up to {exact}."
    if s.category == "bit" or d.category == "bit":
        sign = "signed" if d.signed else "unsigned"
        note = (f"Reinterprets the bit pattern as a {sign} {dst} value" if s.category == "bit"
                else f"Takes the bit pattern of the {src} value")
        if s.bits > d.bits:
            note += f"; only the lowest {d.bits} bits are kept"
        return head, note + "."
    text = (f"Values outside {_range_text(d)} do not fit: CODESYS and TwinCAT keep only the "
            "low-order bits, so the value wraps around")
    if s.signed and not d.signed:
        text += " (a negative value becomes a large positive one)"
    return head, text + "."


_TYPE_PREFIX = {
    "bool": "b", "bit": "n", "signed": "n", "unsigned": "n", "real": "f", "time": "t",
    "date": "dt", "string": "s", "char": "c",
}


def _conversion_defs() -> list[FunctionDef]:
    names: list[str] = [t.name for t in _TYPES]
    out: list[FunctionDef] = []
    for src in names:
        for dst in names:
            if not _convertible(src, dst):
                continue
            summary, details = _conversion_text(src, dst)
            s_sp = [src, *ELEMENTARY_TYPES[src].aliases]
            d_sp = [dst, *ELEMENTARY_TYPES[dst].aliases]
            ph = _TYPE_PREFIX[ELEMENTARY_TYPES[src].category] + "Value"
            param = (_p("IN", src, "", ph),)
            short = f"{s_sp[-1]}_TO_{d_sp[-1]}"
            for a in s_sp:
                for b in d_sp:
                    name = f"{a}_TO_{b}"
                    out.append(FunctionDef(
                        name, param, dst, summary, "conversion", details=details,
                        aliases=() if name == short else (short,),
                    ))
    for t in _TYPES:
        for spelling in (t.name, *t.aliases):
            out.append(FunctionDef(
                f"TO_{spelling}", (_p("IN", "ANY_ELEMENTARY", "", "value"),), t.name,
                f"Converts any elementary value to {t.name} (IEC 61131-3 ed. 3 overloaded "
                "conversion).", "conversion",
                details=f"Behaves like the matching <type>_TO_{spelling} function.",
            ))
    return out


FUNCTIONS: dict[str, FunctionDef] = {}
"""Standard functions by upper-case name, conversions included."""
for _f in (*_FUNCTION_LIST, *_conversion_defs()):
    FUNCTIONS.setdefault(_f.name, _f)


def function(name: str) -> FunctionDef | None:
    """The standard function of that name (case-insensitive), or ``None``."""
    return FUNCTIONS.get(name.strip().upper())


def is_conversion(name: str) -> bool:
    """True for a type conversion function (``INT_TO_REAL``, ``TO_DINT``, ``TRUNC``)."""
    f = function(name)
    return f is not None and f.category == "conversion"


def result_type(name: str, arg_types: Iterable[str | None]) -> str | None:
    """The type a call to a standard function returns, given the argument types in order.

    A concrete return type is returned as is. A generic one is resolved to the common type of
    the arguments declared with the same generic type (``MAX(INT, DINT)`` → ``DINT``);
    ``None`` when an argument type is unknown or the arguments have no common type.
    """
    f = function(name)
    if f is None:
        return None
    if not is_generic(f.return_type) and f.return_type != "POINTER":
        return f.return_type
    if f.return_type == "POINTER":
        return None
    args = list(arg_types)
    params = list(f.params)
    if f.variadic and len(args) > len(params):
        params += [params[-1]] * (len(args) - len(params))
    result: str | None = None
    for p, a in zip(params, args, strict=False):
        if p.type != f.return_type:
            continue
        if a is None:
            return None
        result = canonical_type(a) if result is None else common_type(result, a)
        if result is None:
            return None
    return result


# ---------------------------------------------------------------------------------------------
# Keywords
# ---------------------------------------------------------------------------------------------

_KEYWORD_TEXT = """
    PROGRAM END_PROGRAM FUNCTION END_FUNCTION FUNCTION_BLOCK END_FUNCTION_BLOCK
    METHOD END_METHOD PROPERTY END_PROPERTY INTERFACE END_INTERFACE ACTION END_ACTION
    TYPE END_TYPE STRUCT END_STRUCT UNION END_UNION ARRAY OF POINTER REFERENCE TO
    VAR VAR_INPUT VAR_OUTPUT VAR_IN_OUT VAR_TEMP VAR_GLOBAL VAR_EXTERNAL VAR_STAT VAR_INST
    VAR_CONFIG VAR_ACCESS END_VAR CONSTANT RETAIN NON_RETAIN PERSISTENT AT
    IF THEN ELSIF ELSE END_IF CASE END_CASE FOR BY DO END_FOR WHILE END_WHILE
    REPEAT UNTIL END_REPEAT EXIT CONTINUE RETURN JMP
    AND OR XOR NOT MOD AND_THEN OR_ELSE TRUE FALSE
    EXTENDS IMPLEMENTS ABSTRACT FINAL PUBLIC PRIVATE PROTECTED INTERNAL THIS SUPER
    REF REF_TO NULL
    CONFIGURATION END_CONFIGURATION RESOURCE END_RESOURCE ON TASK WITH
"""
KEYWORDS: frozenset[str] = frozenset(_KEYWORD_TEXT.split())
"""Reserved words of Structured Text (IEC 61131-3 ed. 3 plus the CODESYS/TwinCAT object
extensions), for completion. Type names and standard function names are not included."""

KEYWORD_SNIPPETS: dict[str, str] = {
    "IF": "IF ${1:bCondition} THEN\n\t$0\nEND_IF",
    "IF ELSE": "IF ${1:bCondition} THEN\n\t$2\nELSE\n\t$0\nEND_IF",
    "CASE": "CASE ${1:eState} OF\n\t${2:0}:\n\t\t$0\nELSE\n\t;\nEND_CASE",
    "FOR": "FOR ${1:i} := ${2:1} TO ${3:10} DO\n\t$0\nEND_FOR",
    "WHILE": "WHILE ${1:bCondition} DO\n\t$0\nEND_WHILE",
    "REPEAT": "REPEAT\n\t$0\nUNTIL ${1:bCondition}\nEND_REPEAT",
    "VAR": "VAR\n\t${1:nValue} : ${2:INT};\nEND_VAR",
    "VAR_INPUT": "VAR_INPUT\n\t${1:bEnable} : ${2:BOOL};\nEND_VAR",
    "VAR_OUTPUT": "VAR_OUTPUT\n\t${1:bDone} : ${2:BOOL};\nEND_VAR",
    "FUNCTION_BLOCK": "FUNCTION_BLOCK ${1:FB_Name}\nVAR_INPUT\n\t$2\nEND_VAR\n"
    "VAR_OUTPUT\n\t$3\nEND_VAR\nVAR\n\t$4\nEND_VAR\n$0\nEND_FUNCTION_BLOCK",
}
"""Block templates in LSP snippet syntax, keyed by the label to show."""


# ---------------------------------------------------------------------------------------------
# Hover and snippets
# ---------------------------------------------------------------------------------------------


def _fence(code: str) -> str:
    return f"```{CODE_FENCE}\n{code}\n```"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fb_markdown(fb: FunctionBlockDef) -> str:
    parts = [_fence(fb.declaration()), fb.summary]
    rows = ["| | Name | Type | Meaning |", "| --- | --- | --- | --- |"]
    for kind, params in (("in", fb.inputs), ("in/out", fb.in_outs), ("out", fb.outputs)):
        rows += [f"| {kind} | `{p.name}` | `{p.type}` | {_cell(p.doc)} |" for p in params]
    parts.append("\n".join(rows))
    parts.append(f"**Behaviour.** {fb.behaviour}")
    parts.append("**Example**\n\n" + _fence(fb.example))
    return "\n\n".join(parts)


def _function_markdown(f: FunctionDef) -> str:
    parts = [_fence(f.label()), f.summary]
    if f.operator and f.operator != f.name:
        parts[-1] += f" Operator form: `{f.operator}`."
    plist = []
    for p in f.params:
        line = f"- `{p.name} : {p.type}`"
        if p.doc:
            line += f" — {p.doc}"
        plist.append(line)
    if f.variadic:
        plist.append("- more inputs of the same kind may follow")
    generics = sorted({p.type for p in f.params if is_generic(p.type)}
                      | ({f.return_type} if is_generic(f.return_type) else set()))
    parts.append("\n".join(plist))
    if generics:
        parts.append("; ".join(f"`{g}`: {_GENERIC_DOCS[g]}" for g in generics) + ".")
    if f.details:
        parts.append(f.details)
    if f.category == "vendor":
        parts.append("*Vendor extension (CODESYS/TwinCAT), not IEC 61131-3.*")
    if f.example:
        parts.append("**Example**\n\n" + _fence(f.example))
    return "\n\n".join(parts)


def _type_markdown(t: ElementaryType) -> str:
    head = t.name + (f" ({', '.join(t.aliases)})" if t.aliases else "")
    lines = [f"- Size: {t.bits} bit{'s' if t.bits > 1 else ''}"
             + (" per character" if t.category in ("string",) else "")]
    if t.min is not None and t.max is not None and t.category != "bool":
        lines.append(f"- Range: {_range_text(t)}")
    if t.literal:
        lines.append(f"- Literals: {t.literal}")
    if t.default:
        lines.append(f"- Initial value: `{t.default}`")
    return "\n\n".join([_fence(head), t.doc, "\n".join(lines)])


def _generic_markdown(name: str) -> str:
    members = sorted(GENERIC_TYPES[name], key=_WIDTH_ORDER.index)
    text = f"Generic type: {_GENERIC_DOCS[name]}. It appears in the signatures of standard " \
        "functions: any of its member types is accepted there."
    if members:
        text += "\n\nStands for: " + ", ".join(f"`{m}`" for m in members) + "."
    return "\n\n".join([_fence(name), text])


def hover_markdown(name: str) -> str | None:
    """Markdown hover for a standard function block, function, elementary or generic type
    (case-insensitive), or ``None`` when the name is none of them."""
    key = name.strip().upper()
    fb = FUNCTION_BLOCKS.get(key)
    if fb is not None:
        return _fb_markdown(fb)
    f = FUNCTIONS.get(key)
    if f is not None:
        return _function_markdown(f)
    t = type_info(key)
    if t is not None:
        return _type_markdown(t)
    if key in GENERIC_TYPES:
        return _generic_markdown(key)
    return None


def signature_label(name: str, instance: str | None = None) -> str | None:
    """A signature-help label for a standard function or function block (then for the call of
    an instance, named ``instance`` when given), or ``None``."""
    fb = function_block(name)
    if fb is not None:
        return fb.call_label(instance)
    f = function(name)
    return f.label() if f is not None else None


def _snippet_escape(text: str, in_placeholder: bool) -> str:
    text = text.replace("\\", "\\\\").replace("$", "\\$")
    return text.replace("}", "\\}") if in_placeholder else text


def _placeholder(p: Param) -> str:
    if p.placeholder:
        return p.placeholder
    t = type_info(p.type)
    if t is not None:
        return _TYPE_PREFIX[t.category] + "Value"
    return p.name


def _args_snippet(params: Iterable[Param], formal: bool) -> str:
    out = []
    for i, p in enumerate(params, start=1):
        ph = "${%d:%s}" % (i, _snippet_escape(_placeholder(p), True))  # noqa: UP031
        out.append(f"{p.name} := {ph}" if formal else ph)
    return ", ".join(out)


def argument_snippet(name: str) -> str:
    """The argument list of a call, in LSP snippet syntax, without the parentheses: for an
    instance call that is already typed as ``fbDelay(``. Formal for function blocks,
    positional for functions (see :func:`formal_call_snippet`). Empty for an unknown name."""
    fb = function_block(name)
    if fb is not None:
        return _args_snippet(fb.call_params(), formal=True)
    f = function(name)
    if f is None:
        return ""
    return _args_snippet(f.params, formal=False)


def formal_call_snippet(name: str, instance: str | None = None) -> str:
    """A whole call in LSP snippet syntax.

    Function blocks use formal (``:=``) arguments for their inputs and in-outs and are called
    through an instance: ``fbDelay(IN := ${1:bStart}, PT := ${2:T#2S})`` (the FB name stands
    in when ``instance`` is not given). Standard functions get positional arguments
    (``LIMIT(${1:0}, ${2:fValue}, ${3:100})``), because vendors name their parameters
    differently (CODESYS calls MID's inputs STR, LEN, POS) and a formal call with the wrong
    names does not compile. Empty for an unknown name.
    """
    fb = function_block(name)
    if fb is not None:
        callee = instance or fb.name
    else:
        f = function(name)
        if f is None:
            return ""
        callee = f.name
    return f"{_snippet_escape(callee, False)}({argument_snippet(name)})"
