"""Completion for OpenDSS: commands, classes, properties, enum values and defined names."""

from __future__ import annotations

import re

from plantls.core.positions import Position
from plantls.core.symbols import CompletionItem, SymbolKind
from plantls.languages.dss.analysis import DssAnalysis
from plantls.languages.dss.model import CONTINUATION_VERBS, Element
from plantls.languages.dss.schema import ClassSchema, PropSchema, schema

_OBJECT = re.compile(r"^\s*(new|edit)\s+(?:object\s*=\s*)?([\w\-]*)(\.[^\s]*)?$", re.I)
_AFTER_OBJECT = re.compile(r"^\s*(new|edit)\s+(?:object\s*=\s*)?([\w\-]+)\.(\S+)\s", re.I)
_VALUE = re.compile(r"([\w%\-]+)\s*=\s*([\[\(\"'{]?)([^\s=\[\(\"'{]*)$")


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _properties(cls: ClassSchema, used: set[str]) -> list[CompletionItem]:
    out = []
    for p in cls.properties:
        if p.name.lower() in used or "Unused" in p.flags:
            continue
        out.append(
            CompletionItem(
                label=p.name,
                kind=SymbolKind.PROPERTY,
                detail=f"{cls.name}.{p.name}: {p.engine_type}"
                + (f" [{p.units}]" if p.units else ""),
                documentation=p.help,
                insert_text=f"{p.name}=",
                sort_text=f"{p.index:04d}",
            )
        )
    return out


def _names(analysis: DssAnalysis, cls: str) -> list[CompletionItem]:
    out = []
    prefix = cls.lower() + "."
    for key, els in analysis.defs.items():
        if key.startswith(prefix):
            el = els[0]
            out.append(
                CompletionItem(
                    label=el.name, kind=SymbolKind.CONSTANT, detail=el.full_name,
                    documentation=f"{el.uri.rsplit('/', 1)[-1]}, line {el.line + 1}",
                )
            )
    return out


def _values(analysis: DssAnalysis, cls: ClassSchema | None, name: str) -> list[CompletionItem]:
    if cls is None:
        return []
    prop: PropSchema | None = cls.prop(name)
    if prop is None:
        return []
    if prop.values:
        return [
            CompletionItem(label=v, kind=SymbolKind.ENUM_MEMBER, detail=f"{cls.name}.{prop.name}")
            for v in prop.values
        ]
    if prop.kind in ("ref", "refs") and prop.ref and not prop.ref.startswith("("):
        return _names(analysis, prop.ref)
    if prop.kind in ("bus", "buses"):
        return [
            CompletionItem(label=b, kind=SymbolKind.VARIABLE, detail="bus",
                           documentation=f"{len(u)} connection(s)")
            for b, u in sorted(analysis.bus_uses.items())
        ]
    if prop.kind == "boolean":
        return [CompletionItem(label=v, kind=SymbolKind.KEYWORD) for v in ("yes", "no")]
    return []


def _current_element(analysis: DssAnalysis, line: int) -> Element | None:
    """The element a ``~``/``More`` line at ``line`` continues."""
    best = None
    for el in analysis.model.elements:
        if el.line < line:
            best = el
    return best


def complete(analysis: DssAnalysis, pos: Position) -> list[CompletionItem]:
    """Candidates at ``pos``."""
    sch = schema()
    text = analysis.document.lines.line_text(pos.line)
    prefix = text[: analysis.document.lines.offset(pos) - analysis.document.lines.offset(
        Position(pos.line, 0)
    )]
    stripped = prefix.lstrip()
    if "//" in prefix or stripped.startswith("!"):
        return []
    words = stripped.split()
    if not words or (len(words) == 1 and not prefix.endswith((" ", "\t"))):
        return [
            CompletionItem(label=c.name, kind=SymbolKind.KEYWORD, documentation=_short(c.help))
            for c in sch.commands
            if c.name[0].isalpha()
        ]
    verb = words[0].lower()
    m = _OBJECT.match(prefix)
    if m and m.group(3) is None:
        return [
            CompletionItem(label=name, kind=SymbolKind.CLASS, insert_text=f"{name}.",
                           detail=f"{len(c.properties)} properties")
            for name, c in [("Circuit", sch.classes["Vsource"]), *sch.classes.items()]
        ]
    if m:
        return []  # typing the element's name
    cls: ClassSchema | None = None
    element: Element | None = None
    obj = _AFTER_OBJECT.match(prefix)
    if obj:
        cls = sch.cls(obj.group(2))
    elif verb in CONTINUATION_VERBS or stripped.startswith("~"):
        element = _current_element(analysis, pos.line)
        cls = element.cls_schema if element else None
    value = _VALUE.search(prefix)
    if value and not prefix.endswith((" ", "\t")):
        if verb == "set":
            return []
        return _values(analysis, cls, value.group(1))
    if verb in ("set", "get"):
        return [
            CompletionItem(label=o.name, kind=SymbolKind.PROPERTY,
                           documentation=_short(o.help), insert_text=f"{o.name}=")
            for o in sch.options
        ]
    if cls is None:
        return []
    used = {w.split("=")[0].lower() for w in words[1:] if "=" in w}
    if element is not None:
        used |= {pv.prop.name.lower() for pv in element.props if pv.prop is not None}
    return _properties(cls, used)
