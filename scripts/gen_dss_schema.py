"""Generate server/plantls/languages/dss/schema.json from the OpenDSS engine (dss-python).

The engine describes itself: every class with its properties (name, alternative name,
type, enumeration, units, referenced class and help text), every command and every
``Set`` option with help. This script asks the engine for all of it and writes a compact
JSON file that plantls loads at run time, so hover and completion agree with the engine.

    .venv/bin/python scripts/gen_dss_schema.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "server/plantls/languages/dss/schema.json"

KINDS = {
    "Double": "number",
    "Integer": "integer",
    "Boolean": "boolean",
    "Enabled": "boolean",
    "BooleanAction": "boolean",
    "MappedStringEnum": "enum",
    "MappedIntEnum": "intenum",
    "StringEnumAction": "enum",
    "DSSObjectReference": "ref",
    "DSSObjectReferenceArray": "refs",
    "Bus": "bus",
    "BusOnStructArray": "bus",
    "BusesOnStructArray": "buses",
    "MakeLike": "like",
    "String": "string",
    "StringList": "strings",
    "StringSilentROFunction": "string",
    "DeprecatedAn": "string",
    "IntegerOnStructArray": "integer",
    "DoubleOnStructArray": "number",
    "DoubleOnArray": "number",
    "MappedStringEnumOnStructArray": "enum",
    "MappedStringEnumArrayOnStructArray": "enums",
    "MappedStringEnumArray": "enums",
    "Complex": "numbers",
    "ComplexParts": "numbers",
}
"""Engine property types → the kind plantls checks values against (others are arrays)."""


def _enum_table(raw: dict[str, Any]) -> dict[int, dict[str, Any]]:
    table = {}
    for cls in raw["classes"]:
        for e in cls.get("classEnums", []):
            table[e["id"]] = e
    for e in raw["globalEnums"]:
        table[e["id"]] = e
    return table


def _property(p: dict[str, Any], enums: dict[int, dict[str, Any]]) -> dict[str, Any]:
    kind = KINDS.get(p["type"], "array")
    out: dict[str, Any] = {"name": p["name"], "type": p["type"], "kind": kind}
    if p.get("altName") and p["altName"] != p["name"]:
        out["alt"] = p["altName"]
    params = p.get("params") or [0, 0, 0]
    if kind in ("enum", "enums", "intenum") and isinstance(params[1], int) and params[1] in enums:
        e = enums[params[1]]
        out["enum"] = e["name"]
        out["values"] = list(dict.fromkeys(e["names"]))
    if kind in ("ref", "refs") and isinstance(params[1], str):
        out["ref"] = params[1]
    if p.get("units"):
        out["units"] = p["units"]
    flags = [f for f in p.get("flags", []) if f in ("Deprecated", "Redundant", "Unused")]
    if flags:
        out["flags"] = flags
    if p.get("deprecationMessage"):
        out["deprecated"] = p["deprecationMessage"]
    out["help"] = " ".join(str(p.get("description", "")).split())
    return out


def generate() -> dict[str, Any]:
    """Ask a fresh engine context for its schema, commands and options."""
    from dss import DSS

    ctx = DSS.NewContext()
    api = ctx._api_util
    raw = json.loads(api.ffi.string(api.lib.DSS_ExtractSchema(api.ctx, 0)).decode())
    enums = _enum_table(raw)
    classes = {
        c["name"]: {"properties": [_property(p, enums) for p in c["properties"]]}
        for c in raw["classes"]
    }
    ex = ctx.Executive
    commands = [
        {"name": ex.Command(i), "help": " ".join(ex.CommandHelp(i).split())}
        for i in range(1, ex.NumCommands + 1)
    ]
    options = [
        {"name": ex.Option(i), "help": " ".join(ex.OptionHelp(i).split())}
        for i in range(1, ex.NumOptions + 1)
    ]
    ctx.Text.Command = "clear"
    ctx.Text.Command = "new circuit.schema_probe"
    builtins = {}
    for name in classes:
        ctx.SetActiveClass(name)
        names = [n for n in ctx.ActiveClass.AllNames if n and n.lower() != "none"]
        if name not in ("Vsource",) and names:
            builtins[name] = names
    default_phases = {}
    for name, cls in classes.items():
        if not any(p["name"].lower() == "phases" for p in cls["properties"]):
            continue
        try:
            ctx.Text.Command = f"new {name}.phase_probe"
            ctx.Text.Command = f"? {name}.phase_probe.phases"
            default_phases[name] = int(ctx.Text.Result)
        except Exception:  # classes that need other objects first
            continue
    return {
        "engine": ctx.Version.splitlines()[0],
        "default_phases": default_phases,
        "builtins": builtins,
        "schema_version": raw["version"],
        "commit": raw["commit"],
        "classes": classes,
        "commands": commands,
        "options": options,
    }


def main() -> int:
    """Write the schema file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = generate()
    args.out.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    n_props = sum(len(c["properties"]) for c in data["classes"].values())
    print(
        f"{args.out}: {len(data['classes'])} classes, {n_props} properties, "
        f"{len(data['commands'])} commands, {len(data['options'])} options"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
