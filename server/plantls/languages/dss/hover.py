"""Hover for OpenDSS: the engine's help, element definitions and bus details."""

from __future__ import annotations

from plantls.core.positions import Position
from plantls.core.symbols import Hover
from plantls.languages.dss.analysis import SQRT3, DssAnalysis
from plantls.languages.dss.lookup import find
from plantls.languages.dss.navigation import referenced_keys
from plantls.languages.dss.schema import PropSchema, enum_match, schema
from plantls.languages.dss.syntax import split_bus


def _code(text: str) -> str:
    return f"```opendss\n{text}\n```"


def prop_markdown(cls: str, prop: PropSchema) -> str:
    """A property: name, kind, units, allowed values and the engine's help."""
    head = f"**{cls}.{prop.name}**"
    if prop.alt:
        head += f" (also `{prop.alt}`)"
    facts = [f"type: {prop.engine_type}"]
    if prop.units:
        facts.append(f"units: {prop.units}")
    if prop.ref:
        facts.append(f"refers to: {prop.ref}")
    lines = [head, " · ".join(facts)]
    if prop.values:
        lines.append("values: " + ", ".join(f"`{v}`" for v in prop.values))
    if prop.help:
        lines.append(prop.help)
    return "\n\n".join(lines)


def element_markdown(analysis: DssAnalysis, key: str) -> str | None:
    """The definition of an element (its New and Edit statements) as written."""
    els = analysis.defs.get(key)
    if not els:
        return None
    parts = []
    for el in els[:3]:
        doc = analysis.index.files.get(el.uri)
        text = doc.parsed.text[el.start : el.end] if doc else ""
        if el.uri == analysis.uri:
            text = analysis.document.text[el.start : el.end]
        name = el.uri.rsplit("/", 1)[-1]
        parts.append(f"{_code(text.strip())}\n\n*{name}, line {el.line + 1}*")
    return "\n\n".join(parts)


def bus_markdown(analysis: DssAnalysis, bus: str) -> str:
    """A bus: connected elements, voltage base and solved voltage."""
    uses = analysis.bus_uses.get(bus, [])
    lines = [f"**bus {bus}**"]
    names = list(dict.fromkeys(u.element.full_name for u in uses))
    if names:
        shown = ", ".join(f"`{n}`" for n in names[:12])
        more = f" and {len(names) - 12} more" if len(names) > 12 else ""
        lines.append(f"connected: {shown}{more}")
    engine = analysis.engine
    if engine and engine.bus_kv_base.get(bus):
        base = engine.bus_kv_base[bus]
        lines.append(f"voltage base: {base * SQRT3:.4g} kV LL ({base:.4g} kV LN), from the engine")
    elif bus in analysis.bus_kv:
        lines.append(f"voltage level: {analysis.bus_kv[bus]:g} kV LL (estimated from the circuit)")
    if engine and bus in engine.bus_voltages:
        mags = ", ".join(f"{m:.4f}" for m in engine.bus_voltages[bus])
        lines.append(f"solved voltage: {mags} pu")
    return "\n\n".join(lines)


def hover(analysis: DssAnalysis, pos: Position) -> Hover | None:
    """Markdown for the token at ``pos``."""
    found = find(analysis, pos)
    if found is None:
        return None
    sch = schema()
    rng = analysis.range(found.token)
    text: str | None = None
    if found.kind == "command":
        cmd = sch.command(found.token.text)
        if cmd is not None:
            text = f"**{cmd.name}** (command)\n\n{cmd.help}"
    elif found.kind == "option":
        opt = sch.option(found.token.text)
        if opt is not None:
            text = f"**{opt.name}** (option)\n\n{opt.help}"
    elif found.kind == "class" and found.element is not None:
        el = found.element
        c = el.cls_schema
        if c is not None:
            names = ", ".join(p.name for p in c.properties[:12])
            text = f"**{el.cls}** (class) — {len(c.properties)} properties: {names}, …"
            if el.cls == "Circuit":
                text += "\n\n`New Circuit` creates the circuit and its source, `Vsource.source`."
    elif found.kind == "element" and found.element is not None:
        text = element_markdown(analysis, found.element.key)
    elif found.kind == "property" and found.prop and found.prop.prop and found.element:
        text = prop_markdown(found.element.cls, found.prop.prop)
    elif found.kind == "value" and found.prop is not None and found.element is not None:
        pv = found.prop
        prop = pv.prop
        item = found.item or found.token
        if prop is not None and prop.kind in ("bus", "buses"):
            text = bus_markdown(analysis, split_bus(item.text)[0].lower())
        elif prop is not None and prop.kind in ("ref", "refs"):
            parts = [
                element_markdown(analysis, k) for k in referenced_keys(found.element, prop, item)
            ]
            text = next((p for p in parts if p), None)
            if text is None:
                text = f"{prop.ref} `{item.text}` is not defined"
        elif prop is not None and prop.kind == "enum":
            chosen = enum_match(prop, item.text)
            text = prop_markdown(found.element.cls, prop)
            if chosen:
                text = f"`{item.text}` → **{chosen}**\n\n{text}"
        elif prop is not None:
            text = prop_markdown(found.element.cls, prop)
    elif found.kind == "include" and found.include is not None:
        target = found.include.target
        text = f"{found.include.verb.capitalize()} `{target}`" if target else None
    return Hover(text, rng) if text else None
