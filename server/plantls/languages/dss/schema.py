"""The OpenDSS class, property, command and option schema, generated from the engine.

``schema.json`` is written by ``scripts/gen_dss_schema.py`` from dss-python; this module
loads it once and answers look-ups the way the engine resolves names: classes by their
full name, properties, commands and options by full name or by the first one in the
engine's order that starts with an abbreviation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("schema.json")

ARRAY_KINDS = {"array", "refs", "buses", "strings", "enums", "numbers"}


@dataclass(frozen=True)
class PropSchema:
    """One property of a class."""

    name: str
    index: int
    kind: str
    engine_type: str
    help: str
    alt: str = ""
    ref: str = ""
    units: str = ""
    enum: str = ""
    values: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def is_array(self) -> bool:
        """True when the value is a list (``[1 2 3]``)."""
        return self.kind in ARRAY_KINDS


@dataclass
class ClassSchema:
    """One class of circuit objects (Line, Load, LineCode, ...)."""

    name: str
    properties: list[PropSchema]
    by_name: dict[str, PropSchema] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.properties:
            self.by_name.setdefault(p.name.lower(), p)
        for p in self.properties:
            if p.alt:
                self.by_name.setdefault(p.alt.lower(), p)

    def prop(self, name: str) -> PropSchema | None:
        """The property the engine would pick for ``name`` (exact, then first abbreviation)."""
        key = name.lower()
        found = self.by_name.get(key)
        if found is not None or not key:
            return found
        for p in self.properties:
            if p.name.lower().startswith(key):
                return p
        return None

    def positional(self, index: int) -> PropSchema | None:
        """The property a positional value fills (1-based, engine order)."""
        if 1 <= index <= len(self.properties):
            return self.properties[index - 1]
        return None


@dataclass(frozen=True)
class NamedHelp:
    """A command or an option with the engine's help text."""

    name: str
    help: str


@dataclass
class Schema:
    """Everything the engine reported about itself."""

    engine: str
    classes: dict[str, ClassSchema]
    commands: list[NamedHelp]
    options: list[NamedHelp]
    default_phases: dict[str, int] = field(default_factory=dict)
    """Class (lower case) → the number of phases a new element gets."""
    builtins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Objects the engine defines itself after ``New Circuit`` (``Spectrum.defaultload``)."""

    def cls(self, name: str) -> ClassSchema | None:
        """A class by name; the engine does not accept abbreviations here."""
        key = name.lower()
        if key == "circuit":
            key = "vsource"
        for cname, c in self.classes.items():
            if cname.lower() == key:
                return c
        return None

    def class_name(self, name: str) -> str | None:
        """The canonical spelling of a class name (``circuit`` stays ``Circuit``)."""
        if name.lower() == "circuit":
            return "Circuit"
        c = self.cls(name)
        return c.name if c else None

    def command(self, name: str) -> NamedHelp | None:
        """The command the engine runs for ``name`` (exact, then first abbreviation)."""
        return _lookup(self.commands, name)

    def option(self, name: str) -> NamedHelp | None:
        """A ``Set``/``Get`` option (exact, then first abbreviation)."""
        return _lookup(self.options, name)


def _lookup(items: list[NamedHelp], name: str) -> NamedHelp | None:
    key = name.lower()
    if not key:
        return None
    for item in items:
        if item.name.lower() == key:
            return item
    for item in items:
        if item.name.lower().startswith(key):
            return item
    return None


def _prop(i: int, raw: dict[str, Any]) -> PropSchema:
    return PropSchema(
        name=raw["name"],
        index=i,
        kind=raw["kind"],
        engine_type=raw["type"],
        help=raw.get("help", ""),
        alt=raw.get("alt", ""),
        ref=raw.get("ref", ""),
        units=raw.get("units", ""),
        enum=raw.get("enum", ""),
        values=tuple(raw.get("values", ())),
        flags=tuple(raw.get("flags", ())),
    )


@cache
def schema() -> Schema:
    """The schema, loaded once."""
    raw = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    classes = {
        name: ClassSchema(name, [_prop(i + 1, p) for i, p in enumerate(c["properties"])])
        for name, c in raw["classes"].items()
    }
    return Schema(
        engine=raw.get("engine", ""),
        classes=classes,
        commands=[NamedHelp(c["name"], c["help"]) for c in raw["commands"]],
        options=[NamedHelp(o["name"], o["help"]) for o in raw["options"]],
        builtins={k.lower(): tuple(v) for k, v in raw.get("builtins", {}).items()},
        default_phases={k.lower(): int(v) for k, v in raw.get("default_phases", {}).items()},
    )


def enum_match(prop: PropSchema, value: str) -> str | None:
    """The enum value the engine picks for ``value`` (exact, then abbreviation), or None."""
    key = value.lower()
    for v in prop.values:
        if v.lower() == key:
            return v
    for v in prop.values:
        if key and v.lower().startswith(key):
            return v
    return None
