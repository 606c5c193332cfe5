"""Document symbols for OpenDSS: elements grouped by class, and the included files."""

from __future__ import annotations

from plantls.core.documents import Document
from plantls.core.symbols import Symbol, SymbolKind
from plantls.languages.dss.model import Element, FileModel, Include

LIBRARY = {"LineCode", "LineGeometry", "LineSpacing", "WireData", "CNData", "TSData",
           "LoadShape", "GrowthShape", "XYcurve", "Spectrum", "TCC_Curve", "TShape",
           "PriceShape", "XfmrCode"}


def _kind(el: Element) -> SymbolKind:
    if el.cls == "Circuit":
        return SymbolKind.MODULE
    if el.cls in LIBRARY:
        return SymbolKind.CONSTANT
    if el.cls.lower().endswith(("control", "meter", "monitor", "relay", "fuse", "recloser")):
        return SymbolKind.EVENT
    return SymbolKind.OBJECT


def outline(document: Document, model: FileModel) -> list[Symbol]:
    """Circuit, includes, then one group per class with its elements in source order."""
    lines = document.lines
    out: list[Symbol] = []
    groups: dict[str, Symbol] = {}
    for stmt in model.statements:
        if isinstance(stmt, Include) and stmt.token is not None:
            rng = lines.range_of_offsets(stmt.token.start, stmt.token.end)
            out.append(Symbol(stmt.token.text, SymbolKind.FILE, rng, rng, stmt.verb.capitalize()))
        elif isinstance(stmt, Element) and stmt.verb == "new":
            full = lines.range_of_offsets(stmt.start, stmt.end)
            sel = lines.range_of_offsets(stmt.name_token.start, stmt.name_token.end)
            sym = Symbol(stmt.name, _kind(stmt), full, sel, stmt.cls)
            if stmt.cls == "Circuit":
                out.append(sym)
                continue
            group = groups.get(stmt.cls)
            if group is None:
                group = Symbol(stmt.cls, SymbolKind.CLASS, full, sel, "")
                groups[stmt.cls] = group
                out.append(group)
            group.children.append(sym)
            group.range = type(group.range)(group.range.start, max(group.range.end, full.end))
    for group in groups.values():
        group.detail = f"{len(group.children)} element{'s' if len(group.children) != 1 else ''}"
    return out
