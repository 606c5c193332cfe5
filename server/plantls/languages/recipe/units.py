"""Quantities with units for recipes and tool files, on one pint registry.

Fab units pint does not know, or knows differently:

- ``sccm`` / ``slm`` are *molar* flows (standard cubic centimetres / litres per minute at
  0 °C and 1 atm: 1 sccm = 1 cm³/min ÷ 22 414 cm³/mol = 7.4358e-7 mol/s). pint's own ``slm``
  is a pressure × volume flow, the same dimension as power, so it is never used here: a
  flow and a power must not be comparable.
- ``Torr`` / ``mTorr`` (pint only has lower-case ``torr``).
- ``degC`` is an offset unit. A temperature setpoint is absolute (``350 degC``); inside a
  rate (``5 degC/min``) it is a temperature *difference*, so it is read as ``delta_degC``.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any

import pint

UREG: Any = pint.UnitRegistry(on_redefinition="raise", autoconvert_offset_to_baseunit=False)
UREG.define("sccm = 7.43583e-7 * mol / s = _ = standard_cubic_centimeter_per_minute")
UREG.define("fab_slm = 1000 * sccm")
UREG.define("Torr = torr")
Q_ = UREG.Quantity

_ALIASES = {
    "slm": "fab_slm",
    "SLM": "fab_slm",
    "slpm": "fab_slm",
    "SCCM": "sccm",
    "°C": "degC",
    "℃": "degC",
    "C": "degC",
    "mtorr": "mTorr",
    "mT": "mTorr",
    "sec": "s",
    "secs": "s",
    "mins": "min",
    "%": "percent",
}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_TOKEN = re.compile(r"[A-Za-z_°℃µ%][A-Za-z_°℃µ%0-9]*")

FLOW = "flow"
PRESSURE = "pressure"
POWER = "power"
TEMPERATURE = "temperature"
RATE = "temperature rate"
TIME = "time"
FREQUENCY = "frequency"
FRACTION = "fraction"

DIMENSIONS: dict[str, Any] = {
    FLOW: UREG.sccm.dimensionality,
    PRESSURE: UREG.Torr.dimensionality,
    POWER: UREG.W.dimensionality,
    TEMPERATURE: UREG.kelvin.dimensionality,
    RATE: (UREG.kelvin / UREG.s).dimensionality,
    TIME: UREG.s.dimensionality,
    FREQUENCY: UREG.Hz.dimensionality,
    FRACTION: UREG.percent.dimensionality,
}
DISPLAY_UNIT = {
    FLOW: "sccm",
    PRESSURE: "Torr",
    POWER: "W",
    TEMPERATURE: "degC",
    RATE: "delta_degC/min",
    TIME: "s",
    FREQUENCY: "MHz",
    FRACTION: "percent",
}
UNIT_CHOICES: dict[str, tuple[str, ...]] = {
    FLOW: ("sccm", "slm"),
    PRESSURE: ("mTorr", "Torr", "Pa", "mbar"),
    POWER: ("W", "kW"),
    TEMPERATURE: ("degC", "K"),
    RATE: ("degC/min", "degC/s", "K/min"),
    TIME: ("s", "ms", "min"),
    FREQUENCY: ("MHz", "kHz"),
    FRACTION: ("%",),
}
KNOWN_UNIT_WORDS = sorted(
    {"sccm", "slm", "mTorr", "Torr", "Pa", "mbar", "W", "kW", "degC", "K", "s", "ms", "min",
     "MHz", "kHz", "percent"}
)


@dataclass(frozen=True)
class Parsed:
    """A parsed quantity, or why it could not be parsed."""

    quantity: Any | None = None
    error: str | None = None
    unitless: bool = False
    """True when the value is a bare number (no unit written)."""


def _normalise_units(units: str) -> str:
    text = units.replace("·", "*").replace("^", "**")

    def swap(m: re.Match[str]) -> str:
        return _ALIASES.get(m.group(0), m.group(0))

    text = _TOKEN.sub(swap, text)
    if "degC" in text and re.search(r"[/*]", text):
        text = re.sub(r"\bdegC\b", "delta_degC", text)
    return text.replace("%", "percent")


def parse_quantity(value: Any) -> Parsed:
    """``"50 sccm"`` → a pint Quantity; a bare number → ``unitless``; anything else → error."""
    if isinstance(value, bool) or value is None:
        return Parsed(error="expected a quantity such as '50 sccm'")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return Parsed(error="value is not a finite number")
        return Parsed(unitless=True)
    if not isinstance(value, str):
        return Parsed(error="expected a quantity such as '50 sccm'")
    m = _NUMBER.match(value)
    if not m:
        return Parsed(error=f"'{value}' is not a number followed by a unit")
    number, units = float(m.group(1)), m.group(2)
    if not units:
        return Parsed(unitless=True)
    try:
        unit = UREG.parse_units(_normalise_units(units))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        close = difflib.get_close_matches(units, KNOWN_UNIT_WORDS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        name = getattr(exc, "unit_names", None) or units
        return Parsed(error=f"unknown unit '{units}'{hint}" if name else str(exc))
    except Exception:  # pint's parser raises many kinds (tokenize.TokenError for "s{ccm")
        return Parsed(error=f"cannot read the unit '{units}'")
    try:
        return Parsed(quantity=Q_(number, unit))
    except pint.errors.PintError as exc:
        return Parsed(error=f"cannot use '{units}' here: {exc}")


def dimension_of(quantity: Any) -> str | None:
    """The fab dimension name of a quantity (``flow``, ``pressure``, ...), if known."""
    dim = quantity.dimensionality
    for name, wanted in DIMENSIONS.items():
        if dim == wanted:
            return name
    return None


def magnitude(quantity: Any, dimension: str) -> float:
    """The value in the dimension's display unit (absolute temperatures in degC)."""
    return float(quantity.to(DISPLAY_UNIT[dimension]).magnitude)


def with_unit(number: float, unit_text: str) -> Parsed:
    """A number in a unit written separately (parameters: ``unit: sccm``, ``default: 150``)."""
    return parse_quantity(f"{number} {unit_text}")


def fmt(value: float, dimension: str) -> str:
    """A readable value with the dimension's display unit."""
    unit = {RATE: "degC/min", FRACTION: "%"}.get(dimension, DISPLAY_UNIT[dimension])
    if dimension == PRESSURE and abs(value) < 0.1:
        return f"{value * 1000:g} mTorr"
    return f"{value:g} {unit}"


def describe_dimension(quantity: Any) -> str:
    """Human name of a quantity's dimension, for "wrong dimension" messages."""
    name = dimension_of(quantity)
    return name if name else str(quantity.dimensionality)
