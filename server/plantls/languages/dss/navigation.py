"""Go to definition for OpenDSS: referenced elements, buses and included files."""

from __future__ import annotations

from plantls.core.documents import path_to_uri
from plantls.core.positions import Position, Range
from plantls.core.symbols import Location
from plantls.languages.dss.analysis import DssAnalysis
from plantls.languages.dss.lookup import find
from plantls.languages.dss.model import Element
from plantls.languages.dss.rules.references import CONTROL_TARGETS
from plantls.languages.dss.schema import PropSchema
from plantls.languages.dss.syntax import Token, split_bus


def referenced_keys(el: Element, prop: PropSchema, item: Token) -> list[str]:
    """Element keys a reference value may mean (``linecode=x`` → ``linecode.x``)."""
    name = item.text.strip()
    classes = CONTROL_TARGETS.get((el.cls.lower(), prop.name.lower()))
    if classes is not None:
        return [f"{c}.{name.lower()}" for c in classes]
    if prop.ref in ("CktElement", "PDElement") or ("." in name and prop.ref.startswith("(")):
        if "." in name:
            cls, _, rest = name.partition(".")
            return [f"{cls.lower()}.{rest.lower()}"]
        return [f"line.{name.lower()}", f"transformer.{name.lower()}"]
    return [f"{prop.ref.lower()}.{name.lower()}"]


def _location(analysis: DssAnalysis, el: Element) -> Location:
    model = analysis.index.files.get(el.uri)
    if el.uri == analysis.uri:
        lines = analysis.document.lines
    elif model is not None:
        from plantls.core.positions import LineIndex

        lines = LineIndex(model.parsed.text)
    else:
        return Location(el.uri, Range.of(el.line, 0, el.line, 0))
    return Location(el.uri, lines.range_of_offsets(el.name_token.start, el.name_token.end))


def definition(analysis: DssAnalysis, pos: Position) -> list[Location]:
    """Where the thing at ``pos`` is defined."""
    found = find(analysis, pos)
    if found is None:
        return []
    if found.kind == "include" and found.include is not None and found.include.target:
        return [Location(path_to_uri(found.include.target), Range.of(0, 0, 0, 0))]
    if found.kind != "value" or found.prop is None or found.element is None:
        return []
    prop = found.prop.prop
    item = found.item or found.token
    if prop is None:
        return []
    if prop.kind in ("ref", "refs"):
        for key in referenced_keys(found.element, prop, item):
            el = analysis.new_of(key)
            if el is not None:
                return [_location(analysis, el)]
        return []
    if prop.kind in ("bus", "buses"):
        bus = split_bus(item.text)[0].lower()
        uses = analysis.bus_uses.get(bus, [])
        out = []
        for u in uses[:50]:
            out.append(_location(analysis, u.element))
        return out
    return []
