"""IDE features for recipes and tool files: hover, completion, definition, outline (LSP-free)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plantls.core.documents import Document
from plantls.core.positions import Position, Range, split_lines
from plantls.core.symbols import CompletionItem, Hover, Location, Symbol, SymbolKind
from plantls.core.workspace import Workspace
from plantls.languages.recipe import units
from plantls.languages.recipe.analysis import RecipeAnalysis, ToolParsed
from plantls.languages.recipe.model import Chamber, GasLine, Limit, Parameter, Step
from plantls.languages.recipe.schema import RECIPE_SCHEMA, TOOL_SCHEMA, load_schema
from plantls.languages.recipe.yamltree import Entry, Mapping, Node, Scalar, Sequence, node_at

STEP_TYPES: dict[str, str] = {
    "pump": "Pump the chamber down (to base pressure before process gas).",
    "stabilize": "Flow gases and control pressure with RF off, until they are stable.",
    "purge": "Flow inert gas to sweep the previous chemistry out of lines and chamber.",
    "pulse": "A short dose of one precursor or reactant (ALD half-cycle).",
    "ramp": "Change the heater setpoint at a controlled rate: temperature {from, to}, ramp_rate.",
    "deposit": "Deposition: film growth, usually with RF on (PECVD) or heated (CVD).",
    "etch": "Etch step, often with an endpoint.",
    "plasma": "A plasma treatment (clean, densify, nitridation).",
    "clean": "Chamber clean (e.g. NF3 remote plasma).",
    "wait": "Hold the current state for a time.",
    "cool": "Cool down (heater lowered, gas for conduction).",
    "vent": "Bring the chamber to atmosphere with inert gas.",
    "cycle": "Repeat the nested `steps` `cycles` times (ALD loops).",
}


@dataclass(frozen=True)
class KeyDoc:
    """What a key means and, for setpoints, its dimension."""

    text: str
    dimension: str | None = None


STEP_KEYS: dict[str, KeyDoc] = {
    "name": KeyDoc("Step name, shown on the tool and in findings."),
    "type": KeyDoc("Step type: " + ", ".join(STEP_TYPES) + "."),
    "comment": KeyDoc("Free text for the reader."),
    "duration": KeyDoc("How long the step runs.", units.TIME),
    "endpoint": KeyDoc("Ends the step on a signal (`signal`, `condition`) with a `max_time`."),
    "cycles": KeyDoc("For `type: cycle`: how many times the nested steps repeat."),
    "steps": KeyDoc("For `type: cycle`: the steps of one cycle."),
    "gases": KeyDoc("Gas flows in this step; a gas not listed is off.", units.FLOW),
    "pressure": KeyDoc("Chamber pressure setpoint (throttle valve control).", units.PRESSURE),
    "rf": KeyDoc("Forward power per RF generator; a generator not listed is off.", units.POWER),
    "temperature": KeyDoc("Heater setpoint, held until changed; in a ramp, `{from, to}`.",
                          units.TEMPERATURE),
    "ramp_rate": KeyDoc("Heater ramp rate.", units.RATE),
}
META_KEYS: dict[str, KeyDoc] = {
    "id": KeyDoc("Recipe identifier, unique in the fab."),
    "name": KeyDoc("Readable name."),
    "version": KeyDoc("Recipe version; required once approved (RCP308)."),
    "description": KeyDoc("What the recipe makes."),
    "tool": KeyDoc("Id of the tool (tool.id in its *.tool.yaml)."),
    "tool_file": KeyDoc("Path of the tool file, relative to this recipe."),
    "tool_type": KeyDoc("Tool type (pecvd, ald, ...); must match the tool file."),
    "chamber": KeyDoc("Chamber of the tool the recipe runs in."),
    "author": KeyDoc("Who wrote the recipe."),
    "approval": KeyDoc("Approval: `state` (draft, review, approved, obsolete), `by`, `date`."),
}
TOP_KEYS: dict[str, KeyDoc] = {
    "recipe": KeyDoc("Recipe metadata: id, version, tool, chamber, author, approval."),
    "parameters": KeyDoc("Variable parameters (unit, min, max, default), used as `${name}`."),
    "steps": KeyDoc("The steps, run in order."),
}
PARAM_KEYS = {"unit": "Unit of min, max and default.", "min": "Lowest allowed value.",
              "max": "Highest allowed value.", "default": "Value used when none is given.",
              "description": "What the parameter is for."}
ENDPOINT_KEYS = {"signal": "What ends the step (OES line, thickness, pressure).",
                 "condition": "When the signal counts as reached.",
                 "max_time": "Timeout: the step ends with an alarm after this time."}
APPROVAL_KEYS = {"state": "draft, review, approved or obsolete.", "by": "Approver.",
                 "date": "Approval date (ISO 8601).", "change": "Change request / ECN."}


# -- helpers ---------------------------------------------------------------------------------


def _path(root: Node | None, offset: int) -> tuple[list[str | int], Node | None, bool]:
    """Key path to the node at ``offset`` (``["steps", 2, "gases", "SiH4"]``), the node, and
    whether the cursor is on a key."""
    chain, node = node_at(root, offset)
    keys: list[str | int] = []
    on_key = False
    for i, item in enumerate(chain):
        if isinstance(item, Entry):
            keys.append(item.name)
            on_key = i + 1 < len(chain) and chain[i + 1] is item.key
        elif isinstance(item, Node) and i > 0 and isinstance(chain[i - 1], Sequence):
            seq = chain[i - 1]
            assert isinstance(seq, Sequence)
            keys.append(next((j for j, x in enumerate(seq.items) if x is item), 0))
    return keys, node, on_key


def _step_at(analysis: RecipeAnalysis, offset: int) -> Step | None:
    """The innermost step starting before ``offset`` (while typing, the step being edited
    may end before the cursor)."""
    best = None
    for step in analysis.model.all_steps():
        if step.node.start <= offset and (best is None or step.node.start > best.node.start):
            best = step
    return best


def _limit_line(label: str, lim: Limit | None, dimension: str) -> str | None:
    if lim is None or (lim.min is None and lim.max is None):
        return None
    return f"- {label}: {lim.text(dimension)}"


def gas_markdown(gas: str, chamber: Chamber | None, incompatible: list[tuple[str, str]]) -> str:
    """A gas on a chamber: its line, MFC, low end, kind, window and incompatibilities."""
    parts = [f"**{gas}**"]
    line: GasLine | None = chamber.gases.get(gas) if chamber else None
    if chamber is None:
        parts.append("No tool file found for this recipe.")
    elif line is None:
        parts.append(f"Not on chamber {chamber.name}'s gas panel "
                     f"({', '.join(chamber.gases) or 'none'}).")
    else:
        rows = [f"- line {line.line} on chamber {chamber.name} ({line.kind})"]
        if line.full_scale is not None:
            rows.append(f"- MFC full scale: {units.fmt(line.full_scale, units.FLOW)}")
        if line.low_end is not None:
            rows.append(f"- usable low end: {units.fmt(line.low_end, units.FLOW)}")
        win = _limit_line("qualified window", chamber.windows.get(("gases", gas)), units.FLOW)
        if win:
            rows.append(win)
        parts.append("\n".join(rows))
    if incompatible:
        parts.append("Incompatible with: " + "; ".join(
            f"**{other}**" + (f" — {reason}" if reason else "") for other, reason in incompatible
        ))
    return "\n\n".join(parts)


def parameter_markdown(p: Parameter) -> str:
    """A parameter: unit, limits, default, description."""
    dim = p.dimension or units.FLOW
    rows = [f"**${{{p.name}}}** — parameter in {p.unit or '?'}"
            + (f" ({p.dimension})" if p.dimension else "")]
    values = [f"{label} {units.fmt(v, dim)}" for label, v in
              (("min", p.min), ("default", p.default), ("max", p.max)) if v is not None]
    if values:
        rows.append(", ".join(values))
    if p.description:
        rows.append(p.description)
    return "\n\n".join(rows)


def _setpoint_limits(key: str, name: str, chamber: Chamber) -> list[str]:
    rows: list[str | None] = []
    if key == "pressure":
        rows.append(_limit_line("hardware range", chamber.pressure, units.PRESSURE))
        if chamber.base_pressure is not None:
            rows.append(f"- base pressure: {units.fmt(chamber.base_pressure, units.PRESSURE)}")
        rows.append(_limit_line("qualified window", chamber.windows.get(("pressure", "")),
                                units.PRESSURE))
    elif key == "temperature":
        rows.append(_limit_line("heater range", chamber.temperature, units.TEMPERATURE))
        if chamber.idle_temperature is not None:
            rows.append(f"- idle: {units.fmt(chamber.idle_temperature, units.TEMPERATURE)}")
        rows.append(_limit_line("qualified window", chamber.windows.get(("temperature", "")),
                                units.TEMPERATURE))
    elif key == "ramp_rate" and chamber.ramp_max is not None:
        rows.append(f"- maximum: {units.fmt(chamber.ramp_max, units.RATE)}")
    elif key == "rf":
        for gen in chamber.rf.values():
            freq = f"{gen.frequency:g} MHz, " if gen.frequency else ""
            rows.append(f"- {gen.name}: {freq}up to {units.fmt(gen.max_power or 0, units.POWER)}")
    elif key == "gases":
        rows.extend(f"- {g.gas}: line {g.line}, {units.fmt(g.full_scale or 0, units.FLOW)}"
                    for g in chamber.gases.values())
    return [r for r in rows if r]


def generator_markdown(name: str, chamber: Chamber | None) -> str:
    """An RF generator: frequency, power range, window."""
    gen = chamber.rf.get(name) if chamber else None
    if chamber is None or gen is None:
        where = f"chamber {chamber.name}" if chamber else "this recipe's tool (not found)"
        return f"**RF {name}** — not on {where}."
    rows = [f"**RF generator {name}** on chamber {chamber.name}"]
    if gen.frequency is not None:
        rows.append(f"- frequency: {gen.frequency:g} MHz")
    rows.append(f"- power: {units.fmt(gen.min_power or 0, units.POWER)} .. "
                f"{units.fmt(gen.max_power or 0, units.POWER)}")
    win = _limit_line("qualified window", chamber.windows.get(("rf", name)), units.POWER)
    if win:
        rows.append(win)
    return "\n".join(rows)


# -- recipe hover ----------------------------------------------------------------------------


def recipe_hover(analysis: RecipeAnalysis, pos: Position) -> Hover | None:
    """Markdown for the key, value, gas, generator or ``${parameter}`` at ``pos``."""
    root = analysis.tree.root
    if root is None:
        return None
    offset = analysis.document.lines.offset(pos)
    for name, start, end in analysis.model.references:
        if start <= offset <= end:
            p = analysis.model.parameters.get(name)
            text = parameter_markdown(p) if p else f"`${{{name}}}` is not a declared parameter."
            return Hover(text, analysis.range((start, end)))
    keys, node, on_key = _path(root, offset)
    if node is None or not keys:
        return None
    rng = analysis.range(node)
    ch = analysis.chamber
    tool = analysis.tool
    last = keys[-1]
    parent = keys[-2] if len(keys) >= 2 else None
    in_step = "steps" in keys
    if parent == "gases" and isinstance(last, str):
        inc = tool.incompatible_with(last) if tool else []
        return Hover(gas_markdown(last, ch, inc), rng)
    if parent == "rf" and isinstance(last, str):
        return Hover(generator_markdown(last, ch), rng)
    if in_step and last == "type" and not on_key and isinstance(node, Scalar):
        doc = STEP_TYPES.get(str(node.value))
        return Hover(f"**{node.value}** — {doc}", rng) if doc else None
    if in_step and isinstance(last, str) and last in STEP_KEYS:
        kd = STEP_KEYS[last]
        rows = [f"**{last}** — {kd.text}"]
        if kd.dimension:
            rows.append(f"Unit: {kd.dimension} ({', '.join(units.UNIT_CHOICES[kd.dimension])})")
        if ch is not None:
            limits = _setpoint_limits(last, "", ch)
            if limits:
                rows.append(f"Chamber {ch.name}:\n" + "\n".join(limits))
        return Hover("\n\n".join(rows), rng)
    if keys[0] == "recipe" and len(keys) == 2 and isinstance(last, str) and last in META_KEYS:
        rows = [f"**{last}** — {META_KEYS[last].text}"]
        if last == "chamber" and ch is not None:
            rows.append(f"Gases: {', '.join(ch.gases) or 'none'}; RF: "
                        f"{', '.join(ch.rf) or 'none'}")
        if last in ("tool", "tool_file") and tool is not None:
            rows.append(f"Tool `{tool.id}` ({tool.type}), chambers: {', '.join(tool.chambers)}")
        return Hover("\n\n".join(rows), rng)
    if keys[0] == "parameters" and len(keys) == 2 and isinstance(last, str):
        p = analysis.model.parameters.get(last)
        return Hover(parameter_markdown(p), rng) if p else None
    if len(keys) == 1 and isinstance(last, str) and last in TOP_KEYS:
        return Hover(f"**{last}** — {TOP_KEYS[last].text}", rng)
    return None


# -- recipe definition -----------------------------------------------------------------------


def _location(workspace: Workspace, uri: str, node: Node | None) -> Location:
    doc = workspace.get(uri)
    if doc is None or node is None:
        return Location(uri, Range(Position(0, 0), Position(0, 0)))
    return Location(uri, doc.lines.range_of_offsets(node.start, node.end))


def recipe_definition(
    analysis: RecipeAnalysis, workspace: Workspace, pos: Position
) -> list[Location]:
    """Tool file, chamber, gas line or generator in the tool file; a parameter's declaration."""
    root = analysis.tree.root
    if root is None:
        return []
    offset = analysis.document.lines.offset(pos)
    for name, start, end in analysis.model.references:
        if start <= offset <= end:
            p = analysis.model.parameters.get(name)
            return [Location(analysis.document.uri, analysis.range(p.key))] if p else []
    keys, _node, _on_key = _path(root, offset)
    tool = analysis.tool
    if tool is None or not keys:
        return []
    last = keys[-1]
    parent = keys[-2] if len(keys) >= 2 else None
    ch = analysis.chamber
    if keys[0] == "recipe" and last in ("tool", "tool_file"):
        return [_location(workspace, tool.uri, tool.id_node)]
    if keys[0] == "recipe" and last == "chamber" and ch is not None:
        return [_location(workspace, tool.uri, ch.key)]
    if parent == "gases" and ch is not None and isinstance(last, str) and last in ch.gases:
        return [_location(workspace, tool.uri, ch.gases[last].node)]
    if parent == "rf" and ch is not None and isinstance(last, str) and last in ch.rf:
        return [_location(workspace, tool.uri, ch.rf[last].key)]
    return []


# -- outline ---------------------------------------------------------------------------------


def _step_symbol(analysis: RecipeAnalysis, step: Step) -> Symbol:
    detail = step.type
    t = step.time_s()
    if step.cycles is not None:
        detail += f" × {step.cycles}"
    elif t is not None:
        detail += f", {t:g} s"
    return Symbol(
        step.name,
        SymbolKind.NAMESPACE if step.children else SymbolKind.EVENT,
        analysis.range(step.node),
        analysis.range(step.anchor()),
        detail,
        [_step_symbol(analysis, c) for c in step.children],
    )


def recipe_symbols(analysis: RecipeAnalysis) -> list[Symbol]:
    """Metadata, parameters, and steps (cycles with their steps)."""
    root = analysis.tree.root
    if not isinstance(root, Mapping):
        return []
    out = []
    for entry in root.entries:
        rng = analysis.range((entry.key.start, entry.value.end))
        sel = analysis.range(entry.key)
        if entry.name == "recipe":
            rid = analysis.model.meta_text("id") or ""
            out.append(Symbol("recipe", SymbolKind.MODULE, rng, sel, rid))
        elif entry.name == "parameters":
            children = [Symbol(p.name, SymbolKind.VARIABLE,
                               analysis.range((p.key.start, p.node.end)), analysis.range(p.key),
                               p.unit) for p in analysis.model.parameters.values()]
            out.append(Symbol("parameters", SymbolKind.NAMESPACE, rng, sel, "", children))
        elif entry.name == "steps":
            children = [_step_symbol(analysis, s) for s in analysis.model.steps]
            out.append(Symbol("steps", SymbolKind.NAMESPACE, rng, sel,
                              f"{len(children)} steps", children))
    return out


# -- completion ------------------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w.]*)?$")
_VALUE_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w.]*)\s*:\s*(.*)$")
_ANY_LINE = re.compile(r"^(\s*)(-\s+)?(?:([^\s:#'\"][^:#]*?)\s*:(?:\s|$))?")


def _chain(lines: list[str], line_no: int, indent: int, dash: bool) -> list[str]:
    """Parent keys of a block-style position, outermost first (``[]`` marks a list item)."""
    chain: list[str] = []
    threshold = indent
    if dash:
        chain.append("[]")
    for i in range(line_no - 1, -1, -1):
        text = lines[i]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        m = _ANY_LINE.match(text)
        if m is None:
            continue
        ind = len(m.group(1))
        key_col = ind + len(m.group(2) or "")
        key = m.group(3)
        if m.group(2) and ind < threshold:
            if (key_col < threshold and not chain) or (chain and chain[-1] != "[]") or not chain:
                chain.append("[]")
            threshold = ind
        elif key and key_col < threshold and not m.group(2):
            chain.append(key)
            threshold = key_col
        if threshold == 0:
            break
    return list(reversed(chain))


def _items(names: dict[str, str] | dict[str, KeyDoc], kind: SymbolKind, suffix: str = ": ",
           present: set[str] | None = None) -> list[CompletionItem]:
    out = []
    for name, doc in names.items():
        if present and name in present:
            continue
        text = doc.text if isinstance(doc, KeyDoc) else doc
        out.append(CompletionItem(name, kind, documentation=text, insert_text=name + suffix))
    return out


def _unit_items(dimension: str) -> list[CompletionItem]:
    return [CompletionItem(u, SymbolKind.CONSTANT, detail=f"{dimension} unit")
            for u in units.UNIT_CHOICES[dimension]]


def recipe_completion(analysis: RecipeAnalysis, pos: Position) -> list[CompletionItem]:
    """Completions from the line being typed and the keys above it."""
    lines = split_lines(analysis.document.text)
    if pos.line >= len(lines):
        return []
    full = lines[pos.line]
    before = full[: analysis.document.lines.offset(pos) - analysis.document.lines.offset(
        Position(pos.line, 0))]
    ch = analysis.chamber
    offset = analysis.document.lines.offset(pos)
    # ${parameter}
    dollar = before.rfind("${")
    if dollar != -1 and "}" not in before[dollar:]:
        return [CompletionItem(p.name, SymbolKind.VARIABLE, detail=p.unit,
                               documentation=parameter_markdown(p))
                for p in analysis.model.parameters.values()]
    m = _VALUE_LINE.match(before)
    if m:
        indent = len(m.group(1)) + len(m.group(2) or "")
        key, value = m.group(3), m.group(4)
        chain = _chain(lines, pos.line, indent, bool(m.group(2)))
        in_step = "steps" in chain and chain[-1:] == ["[]"]
        if re.match(r"^[-+]?[\d.]+\s+\S*$", value):
            dim = None
            if chain and chain[-1] == "gases":
                dim = units.FLOW
            elif chain and chain[-1] == "rf":
                dim = units.POWER
            elif chain and chain[-1] == "endpoint" and key == "max_time":
                dim = units.TIME
            elif chain and chain[-1] == "temperature":
                dim = units.TEMPERATURE
            elif key in STEP_KEYS:
                dim = STEP_KEYS[key].dimension
            return _unit_items(dim) if dim else []
        if in_step and key == "type":
            return [CompletionItem(t, SymbolKind.ENUM_MEMBER, documentation=d)
                    for t, d in STEP_TYPES.items()]
        if chain == ["recipe"] and key == "chamber" and analysis.tool is not None:
            return [CompletionItem(c, SymbolKind.MODULE, detail=f"chamber of {analysis.tool.id}")
                    for c in analysis.tool.chambers]
        if chain == ["recipe", "approval"] and key == "state":
            return [CompletionItem(s, SymbolKind.ENUM_MEMBER)
                    for s in ("draft", "review", "approved", "obsolete")]
        return []
    m = _KEY_LINE.match(before)
    if not m:
        return []
    indent = len(m.group(1)) + len(m.group(2) or "")
    chain = _chain(lines, pos.line, indent, bool(m.group(2)))
    step = _step_at(analysis, offset)
    if not chain:
        return _items(TOP_KEYS, SymbolKind.MODULE, ":\n")
    if chain[-1] == "gases":
        tool = analysis.tool
        if ch is None:
            return []
        present = set(step.gases) if step else set()
        out = []
        for g in ch.gases.values():
            if g.gas in present:
                continue
            inc = tool.incompatible_with(g.gas) if tool else []
            out.append(CompletionItem(
                g.gas, SymbolKind.FIELD,
                detail=f"line {g.line}, {units.fmt(g.full_scale or 0, units.FLOW)} ({g.kind})",
                documentation=gas_markdown(g.gas, ch, inc), insert_text=f"{g.gas}: "))
        return out
    if chain[-1] == "rf":
        if ch is None:
            return []
        return [CompletionItem(g.name, SymbolKind.FIELD,
                               detail=f"up to {units.fmt(g.max_power or 0, units.POWER)}",
                               documentation=generator_markdown(g.name, ch),
                               insert_text=f"{g.name}: ") for g in ch.rf.values()]
    if chain[-1] == "[]" and "steps" in chain:
        return _items(STEP_KEYS, SymbolKind.PROPERTY)
    if chain == ["recipe"]:
        return _items(META_KEYS, SymbolKind.PROPERTY)
    if chain == ["recipe", "approval"]:
        return _items(APPROVAL_KEYS, SymbolKind.PROPERTY)
    if len(chain) == 2 and chain[0] == "parameters":
        return _items(PARAM_KEYS, SymbolKind.PROPERTY)
    if chain[-1] == "endpoint":
        return _items(ENDPOINT_KEYS, SymbolKind.PROPERTY)
    if chain[-1] == "temperature":
        return _items({"from": "Ramp start.", "to": "Ramp end."}, SymbolKind.PROPERTY)
    return []


# -- tool files ------------------------------------------------------------------------------


def _schema_descriptions(schema_name: str) -> dict[str, str]:
    """Every property description in a schema, by key name (first one wins)."""
    out: dict[str, str] = {}
    todo: list[object] = [load_schema(schema_name)]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for k, v in (item.get("properties") or {}).items():
                if isinstance(v, dict) and "description" in v:
                    out.setdefault(k, v["description"])
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return out


def tool_hover(document: Document, parsed: ToolParsed, pos: Position) -> Hover | None:
    """Schema description of the key under the cursor; gases show their incompatibilities."""
    root = parsed.tree.root
    if root is None:
        return None
    keys, node, on_key = _path(root, document.lines.offset(pos))
    if node is None or not keys or not on_key:
        if node is not None and isinstance(node, Scalar) and keys and keys[-1] == "gas":
            inc = parsed.model.incompatible_with(str(node.value))
            if inc:
                rng = document.lines.range_of_offsets(node.start, node.end)
                return Hover(gas_markdown(str(node.value), None, inc).split("\n\n", 1)[0] +
                             "\n\nIncompatible with: " + ", ".join(o for o, _ in inc), rng)
        return None
    last = keys[-1]
    if not isinstance(last, str):
        return None
    desc = _schema_descriptions(TOOL_SCHEMA).get(last)
    if desc is None:
        return None
    return Hover(f"**{last}** — {desc}", document.lines.range_of_offsets(node.start, node.end))


def tool_symbols(document: Document, parsed: ToolParsed) -> list[Symbol]:
    """Chambers with their gas lines and RF generators."""
    def rng(a: int, b: int) -> Range:
        return document.lines.range_of_offsets(a, b)

    out = []
    root = parsed.tree.root
    chambers = root.get("chambers") if isinstance(root, Mapping) else None
    if not isinstance(chambers, Mapping):
        return []
    for entry in chambers.entries:
        ch = parsed.model.chambers.get(entry.name)
        if ch is None:
            continue
        children = [Symbol(g.gas, SymbolKind.FIELD, rng(g.node.start, g.node.end),
                           rng(g.node.start, g.node.end),
                           f"line {g.line}, {units.fmt(g.full_scale or 0, units.FLOW)}")
                    for g in ch.gases.values()]
        children.extend(Symbol(f"RF {gen.name}", SymbolKind.PROPERTY,
                               rng(gen.key.start, gen.key.end), rng(gen.key.start, gen.key.end),
                               f"{units.fmt(gen.max_power or 0, units.POWER)}")
                        for gen in ch.rf.values())
        out.append(Symbol(entry.name, SymbolKind.MODULE, rng(entry.key.start, entry.value.end),
                          rng(entry.key.start, entry.key.end), "chamber", children))
    return out


def tool_completion(document: Document, parsed: ToolParsed, pos: Position) -> list[CompletionItem]:
    """Keys of the tool schema at the position's nesting."""
    lines = split_lines(document.text)
    if pos.line >= len(lines):
        return []
    before = lines[pos.line][: pos.character]
    m = _KEY_LINE.match(before)
    if not m:
        return []
    chain = _chain(lines, pos.line, len(m.group(1)) + len(m.group(2) or ""), bool(m.group(2)))
    schema = load_schema(TOOL_SCHEMA)
    defs = schema["$defs"]
    if chain == []:
        props = schema["properties"]
    elif chain == ["tool"]:
        props = schema["properties"]["tool"]["properties"]
    elif len(chain) == 2 and chain[0] == "chambers":
        props = defs["chamber"]["properties"]
    elif len(chain) == 4 and chain[2] == "gas_lines":
        props = defs["chamber"]["properties"]["gas_lines"]["items"]["properties"]
    elif chain == ["purge"]:
        props = schema["properties"]["purge"]["properties"]
    elif len(chain) == 3 and chain[2] in ("pressure", "temperature", "ramp_rate"):
        props = defs["chamber"]["properties"][chain[2]].get("properties") or \
            defs["limits"]["properties"]
    else:
        return []
    return [CompletionItem(k, SymbolKind.PROPERTY,
                           documentation=str(v.get("description", "")) if isinstance(v, dict)
                           else "", insert_text=f"{k}: ") for k, v in props.items()]


__all__ = [
    "RECIPE_SCHEMA",
    "recipe_completion",
    "recipe_definition",
    "recipe_hover",
    "recipe_symbols",
    "tool_completion",
    "tool_hover",
    "tool_symbols",
]
