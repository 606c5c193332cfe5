"""JSON Schema validation of recipes and tool files, with findings on the exact key."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from plantls.languages.recipe.yamltree import Mapping, Node, Scalar, Sequence

RECIPE_SCHEMA = "recipe.schema.json"
TOOL_SCHEMA = "tool.schema.json"
MAX_SCHEMA_FINDINGS = 200

_TYPE_NAMES = {
    "object": "a mapping of keys",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped JSON Schema by file name."""
    folder = resources.files("plantls.languages.recipe").joinpath("schemas")
    text = folder.joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: the span to mark and a readable message."""

    start: int
    end: int
    message: str


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "nothing"
    return f"the text '{value}'"


def _locate(root: Node, path: list[Any]) -> tuple[Node, Scalar | None]:
    """The node at a JSON path, and the key that leads to it when it is a mapping value."""
    node = root
    key: Scalar | None = None
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            entry = node.entry(part)
            if entry is None:
                break
            node, key = entry.value, entry.key
        elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
            node, key = node.items[part], None
        else:
            break
    return node, key


def _where(root: Node, path: list[Any]) -> str:
    """A readable place such as ``step 'Deposit'`` or ``recipe``."""
    where = ""
    node: Node = root
    for i, part in enumerate(path):
        if isinstance(node, Mapping) and isinstance(part, str):
            value = node.get(part)
            if value is None:
                break
            node = value
            if part not in ("steps", "gases", "rf", "gas_lines", "chambers", "parameters"):
                where = part if not where else f"{where}.{part}"
            if i > 0 and path[i - 1] in ("chambers", "parameters", "gases", "rf"):
                where = f"{path[i - 1][:-1] if path[i - 1] != 'gases' else 'gas'} '{part}'"
        elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
            name = node.get("name") if isinstance(node, Mapping) else None
            gas = node.get("gas") if isinstance(node, Mapping) else None
            label = name or gas
            kind = "step" if i > 0 and path[i - 1] == "steps" else "item"
            if kind == "item" and gas is not None:
                kind = "gas line"
            text = label.text if isinstance(label, Scalar) else f"#{part + 1}"
            where = f"{kind} '{text}'" if label is not None else f"{kind} {text}"
    return where


def _key_span(node: Node, key: Scalar | None) -> tuple[int, int]:
    if key is not None:
        return key.start, key.end
    if isinstance(node, Mapping) and node.entries:
        first = node.entries[0]
        end = first.value.end if isinstance(first.value, Scalar) else first.key.end
        return first.key.start, end
    return node.start, node.start if not isinstance(node, Scalar) else node.end


def _issue(root: Node, err: ValidationError) -> list[SchemaIssue]:
    path = list(err.absolute_path)
    node, key = _locate(root, path)
    validator = err.validator
    container = validator in ("additionalProperties", "required", "propertyNames")
    where = _where(root, path if container or not path else path[:-1])
    in_where = f" in {where}" if where else ""
    schema = err.schema if isinstance(err.schema, dict) else {}
    if validator == "additionalProperties" and isinstance(node, Mapping):
        allowed = sorted(schema.get("properties", {}))
        out = []
        for entry in node.entries:
            if entry.name in allowed:
                continue
            close = difflib.get_close_matches(entry.name, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; expected one of: {', '.join(allowed)}" if allowed else ""
            )
            out.append(SchemaIssue(entry.key.start, entry.key.end,
                                   f"unknown key '{entry.name}'{in_where}{hint}"))
        return out
    if validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else str(err.validator_value)
        start, end = _key_span(node, key)
        place = where or "the file"
        return [SchemaIssue(start, end, f"{place} is missing the required key '{missing}'")]
    if validator == "type":
        wanted = err.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        want_text = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        if set(names) == {"string", "number"}:
            want_text = "a quantity with a unit, such as '50 sccm'"
        label = f"'{key.text}'" if key is not None else (where or "value")
        return [SchemaIssue(node.start, node.end,
                            f"{label}{in_where if key is not None else ''} must be {want_text}, "
                            f"not {_kind(err.instance)}")]
    if validator == "enum":
        choices = [str(c) for c in err.validator_value]
        close = difflib.get_close_matches(str(err.instance), choices, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        label = f"'{key.text}'" if key is not None else "value"
        return [SchemaIssue(node.start, node.end,
                            f"{label}{in_where}: '{err.instance}' is not allowed; expected one of "
                            f"{', '.join(choices)}{hint}")]
    if validator == "propertyNames" and isinstance(node, Mapping):
        named = node.entry(str(err.instance))
        span = (named.key.start, named.key.end) if named else (node.start, node.start)
        return [SchemaIssue(*span, f"'{err.instance}' is not a valid name{in_where}: use "
                            "letters, digits and underscores, starting with a letter")]
    if validator == "anyOf" and path and path[-1] == "temperature":
        return [SchemaIssue(node.start, node.end,
                            f"temperature{in_where} must be a quantity such as '350 degC', or "
                            "{from: ..., to: ...} in a ramp step")]
    if validator in ("minItems", "minProperties"):
        return [SchemaIssue(*_key_span(node, key), f"'{path[-1] if path else 'file'}'{in_where}"
                            " must not be empty")]
    if validator == "minLength":
        return [SchemaIssue(node.start, node.end, f"'{path[-1]}'{in_where} must not be empty")]
    return [SchemaIssue(node.start, node.end, f"{err.message}{in_where}")]


def validate(root: Node, schema_name: str) -> list[SchemaIssue]:
    """Schema violations of a parsed document, in source order."""
    data = root.plain()
    out: list[SchemaIssue] = []
    if not isinstance(root, Mapping):
        return [SchemaIssue(root.start, root.end,
                            f"the file must be a mapping of keys (recipe:, steps:, ...), "
                            f"not {_kind(data) if not isinstance(data, list) else 'a list'}")]
    for err in _validator(schema_name).iter_errors(data):
        out.extend(_issue(root, err))
        if len(out) >= MAX_SCHEMA_FINDINGS:
            break
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for issue in sorted(out, key=lambda i: (i.start, i.end, i.message)):
        k = (issue.start, issue.end, issue.message)
        if k not in seen:
            seen.add(k)
            unique.append(issue)
    return unique
