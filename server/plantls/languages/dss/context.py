"""What a model needs to know at a position in an OpenDSS script: the element being edited,
the defined linecodes, line geometries and load shapes, and the known buses."""

from __future__ import annotations

from plantls.core.positions import Position
from plantls.languages.dss.analysis import DssAnalysis

MAX_NAMES = 30
LIBRARY_CLASSES = ("linecode", "linegeometry", "wiredata", "loadshape", "xfmrcode", "growthshape")


def model_context(analysis: DssAnalysis, pos: Position) -> str:
    """A ``!`` comment header (empty when nothing is defined yet)."""
    lines: list[str] = []
    current = None
    buses: dict[str, None] = {}
    by_class: dict[str, list[str]] = {}
    for key, elements in analysis.defs.items():
        cls, _, name = key.partition(".")
        if cls in LIBRARY_CLASSES:
            by_class.setdefault(cls, []).append(elements[0].name if elements else name)
        for element in elements:
            if element.uri == analysis.document.uri and element.line <= pos.line <= max(
                element.end_line, element.line
            ):
                current = element
            for prop in ("bus1", "bus2", "bus"):
                value = element.value(prop)
                if value:
                    buses.setdefault(value.split(".")[0].strip("\"'").lower(), None)
    if current is not None:
        lines.append(f"editing {current.full_name}")
    for cls, names in sorted(by_class.items()):
        lines.append(f"{cls}s: " + ", ".join(names[:MAX_NAMES]))
    if buses:
        lines.append("buses: " + ", ".join(list(buses)[:MAX_NAMES]))
    return "".join(f"! {line}\n" for line in lines)
