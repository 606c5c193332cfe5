"""Differential test: static rules with an engine counterpart agree with the engine.

Scripts are generated from a small valid circuit and mutated (unknown class, unknown
property, undefined or late reference, or a harmless change). For each script the static
verdict of DSS102/DSS103/DSS201 on each line is compared with whether the engine raised
the matching error (263, 110, 401) on that line. The scripts only define elements (no
solve, no controls), so running them in-process in a fresh engine context is safe.
"""

from __future__ import annotations

import random
import time

from plantls.core.documents import Document
from plantls.core.workspace import Workspace
from plantls.languages.dss.language import DSS_LANGUAGE

BASE = [
    "Clear",
    "New Circuit.D basekv=11 bus1=src",
    "New LineCode.lc nphases=3 r1=0.1 x1=0.08 units=km",
    "New LoadShape.day npts=2 interval=12 mult=(0.5 1)",
    "New Line.a bus1=src bus2=b linecode=lc length=1 units=km",
    "New Line.c bus1=b bus2=d linecode=lc length=2 units=km",
    "New Load.p bus1=d phases=3 kv=11 kw=100 daily=day",
    "New Capacitor.k bus1=b phases=3 kv=11 kvar=50",
]
ENGINE_CODES = {263: "DSS102", 110: "DSS103", 401: "DSS201"}
CLASSES = ["Lin", "Lodd", "Capacitr", "LineCod"]
PROPS = ["lenght", "kww", "busx", "phasez", "kvarr"]


def mutate(rng: random.Random) -> list[str]:
    lines = list(BASE)
    target = rng.randrange(4, len(lines))
    kind = rng.choice(["class", "prop", "ref", "late", "none"])
    line = lines[target]
    if kind == "class":
        _cls, rest = line[4:].split(".", 1)
        lines[target] = f"New {rng.choice(CLASSES)}.{rest}"
    elif kind == "prop":
        lines[target] = f"{line} {rng.choice(PROPS)}=1"
    elif kind == "ref":
        lines[target] = line.replace("linecode=lc", "linecode=lcx").replace("daily=day", "daily=dy")
    elif kind == "late":
        lines.insert(len(lines), lines.pop(2))  # the linecode now comes after its users
    return lines


def engine_verdicts(lines: list[str]) -> set[tuple[int, str]]:
    from dss import DSS

    ctx = DSS.NewContext()
    out = set()
    for i, line in enumerate(lines):
        try:
            ctx.Text.Command = line
        except Exception as exc:
            number = int(str(exc)[2:].split(")")[0]) if str(exc).startswith("(#") else 0
            if number in ENGINE_CODES:
                out.add((i, ENGINE_CODES[number]))
    return out


def static_verdicts(lines: list[str]) -> set[tuple[int, str]]:
    doc = Document("untitled:diff.dss", "\n".join(lines) + "\n", "opendss")
    found = DSS_LANGUAGE.diagnostics(doc, Workspace())
    return {(d.range.start.line, d.code) for d in found if d.code in ENGINE_CODES.values()}


def test_static_rules_agree_with_engine() -> None:
    rng = random.Random(20240611)
    deadline = time.monotonic() + 20.0
    checked = disagreements = 0
    kinds_seen: set[str] = set()
    for _ in range(60):
        if time.monotonic() > deadline:
            break
        lines = mutate(rng)
        engine, static = engine_verdicts(lines), static_verdicts(lines)
        kinds_seen |= {code for _, code in engine}
        checked += 1
        if engine != static:
            disagreements += 1
            raise AssertionError(f"engine {engine} vs static {static} for:\n" + "\n".join(lines))
    assert checked >= 20
    assert disagreements == 0
    assert kinds_seen == set(ENGINE_CODES.values())
