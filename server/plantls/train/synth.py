"""Seeded generators of realistic plant files: ST programs, OpenDSS feeders, fab recipes.

Everything here is reproducible: the same seed gives the same files, byte for byte. The
generated ST is meant to check clean (no errors from ``plantls check``), the feeders to be
well-formed OpenDSS with consistent voltage bases, and the recipes to follow docs/recipes.md.
They feed ``plantls train --from-scratch`` (the shipped model), the tests, fuzzing and benchmarks.
``python -m plantls.train.synth OUT --seed 0`` writes a corpus to a folder.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from plantls.train.synth_st import generate_composed_project

_EQUIPMENT = [
    "Conveyor",
    "Pump",
    "Fan",
    "Mixer",
    "Valve",
    "Heater",
    "Compressor",
    "Agitator",
    "Feeder",
    "Crusher",
    "Elevator",
    "Blower",
    "Dosing",
    "Filler",
    "Capper",
    "Labeler",
    "Palletizer",
    "Washer",
    "Dryer",
    "Separator",
    "Chiller",
    "Boiler",
    "Press",
    "Winder",
    "Extruder",
]
_AREAS = [
    "Infeed",
    "Outfeed",
    "Tank1",
    "Tank2",
    "Line1",
    "Line2",
    "Silo",
    "Boiler",
    "Cooling",
    "Packaging",
    "Mixing",
    "Storage",
    "Dosing",
    "CIP",
    "Kiln",
    "Hall",
    "Dock",
    "Press",
]
_SIGNALS = [
    "Level",
    "Pressure",
    "Temperature",
    "Flow",
    "Speed",
    "Weight",
    "Position",
    "Torque",
    "Current",
    "Humidity",
    "Density",
    "Ph",
]
_UNITS = {
    "Level": ("%", 0.0, 100.0),
    "Pressure": ("bar", 0.0, 16.0),
    "Temperature": ("degC", -20.0, 180.0),
    "Flow": ("m3/h", 0.0, 250.0),
    "Speed": ("rpm", 0.0, 3000.0),
    "Weight": ("kg", 0.0, 2500.0),
    "Position": ("mm", 0.0, 1200.0),
    "Torque": ("Nm", 0.0, 400.0),
    "Current": ("A", 0.0, 63.0),
    "Humidity": ("%", 0.0, 100.0),
    "Density": ("kg/m3", 600.0, 1400.0),
    "Ph": ("pH", 0.0, 14.0),
}
_STATES = [
    "Idle",
    "Starting",
    "Running",
    "Stopping",
    "Fault",
    "Filling",
    "Draining",
    "Heating",
    "Cooling",
    "Cleaning",
    "Waiting",
    "Homing",
    "Manual",
    "Holding",
]
_AUTHORS = ["j.meyer", "a.rossi", "k.ito", "m.dubois", "s.novak", "l.garcia", "p.nowak"]


def _pick(rng: random.Random, items: list[str], k: int) -> list[str]:
    return rng.sample(items, k)


def _time(rng: random.Random) -> str:
    return rng.choice(["T#500MS", "T#1S", "T#2S", "T#3S", "T#5S", "T#10S", "T#30S", "T#1M"])


def _real(rng: random.Random, lo: float, hi: float) -> str:
    return f"{rng.uniform(lo, hi):.1f}"


@dataclass
class _Pou:
    """One POU being built: declarations and body lines."""

    kind: str
    name: str
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    locals: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    comment: str = ""
    return_type: str = ""

    def render(self) -> str:
        out: list[str] = []
        if self.comment:
            out.append(f"(* {self.comment} *)")
        head = f"{self.kind} {self.name}"
        if self.return_type:
            head += f" : {self.return_type}"
        out.append(head)
        for section, decls in (
            ("VAR_INPUT", self.inputs),
            ("VAR_OUTPUT", self.outputs),
            ("VAR", self.locals),
        ):
            if decls:
                out.append(section)
                out.extend(f"    {d}" for d in decls)
                out.append("END_VAR")
        out.append("")
        out.extend(self.body)
        out.append(f"END_{self.kind}")
        return "\n".join(out) + "\n"


def _fb_motor(rng: random.Random, name: str) -> _Pou:
    eq = name.removeprefix("FB_")
    pou = _Pou(
        "FUNCTION_BLOCK",
        name,
        comment=f"{eq} motor with start/stop, feedback supervision and a run-hours counter",
    )
    pou.inputs = [
        "bStart       : BOOL;   // start request (pulse)",
        "bStop        : BOOL;   // stop request (pulse)",
        "bInterlock   : BOOL;   // TRUE = safe to run",
        "bFeedback    : BOOL;   // contactor feedback",
        f"tFeedbackTime : TIME := {_time(rng)};",
        "bReset       : BOOL;",
    ]
    pou.outputs = ["bRun   : BOOL;", "bFault : BOOL;", "nStarts : UDINT;"]
    pou.locals = ["fbFeedbackTon : TON;", "fbStartEdge : R_TRIG;", "fbResetEdge : R_TRIG;"]
    pou.body = [
        "fbStartEdge(CLK := bStart);",
        "fbResetEdge(CLK := bReset);",
        "",
        "IF fbResetEdge.Q THEN",
        "    bFault := FALSE;",
        "END_IF",
        "",
        "IF fbStartEdge.Q AND bInterlock AND NOT bFault THEN",
        "    bRun := TRUE;",
        "    nStarts := nStarts + 1;",
        "ELSIF bStop OR NOT bInterlock THEN",
        "    bRun := FALSE;",
        "END_IF",
        "",
        "// the contactor must follow the command within tFeedbackTime",
        "fbFeedbackTon(IN := bRun AND NOT bFeedback, PT := tFeedbackTime);",
        "IF fbFeedbackTon.Q THEN",
        "    bFault := TRUE;",
        "    bRun := FALSE;",
        "END_IF",
    ]
    return pou


def _fb_valve(rng: random.Random, name: str) -> _Pou:
    pou = _Pou(
        "FUNCTION_BLOCK",
        name,
        comment="On/off valve with limit switches and travel-time supervision",
    )
    pou.inputs = [
        "bOpen     : BOOL;",
        "bOpened   : BOOL;   // limit switch open",
        "bClosed   : BOOL;   // limit switch closed",
        f"tTravel   : TIME := {_time(rng)};",
    ]
    pou.outputs = ["bCmdOpen : BOOL;", "bError   : BOOL;", "bInPos   : BOOL;"]
    pou.locals = ["fbTravel : TON;"]
    pou.body = [
        "bCmdOpen := bOpen AND NOT bError;",
        "bInPos := (bCmdOpen AND bOpened AND NOT bClosed)",
        "          OR (NOT bCmdOpen AND bClosed AND NOT bOpened);",
        "",
        "fbTravel(IN := NOT bInPos, PT := tTravel);",
        "IF fbTravel.Q THEN",
        "    bError := TRUE;",
        "END_IF",
        "",
        "IF bOpened AND bClosed THEN",
        "    // both limit switches at once: wiring fault",
        "    bError := TRUE;",
        "END_IF",
    ]
    return pou


def _fb_analog(rng: random.Random, name: str, signal: str) -> _Pou:
    unit, lo, hi = _UNITS[signal]
    pou = _Pou(
        "FUNCTION_BLOCK",
        name,
        comment=f"{signal} measurement in {unit}: scaling, limits and alarms",
    )
    warn = rng.uniform(0.7, 0.85)
    alarm = rng.uniform(0.88, 0.97)
    pou.inputs = [
        "nRaw        : INT;    // 0..27648 from the analog card",
        f"fMin        : REAL := {lo:.1f};",
        f"fMax        : REAL := {hi:.1f};",
        f"fHighWarn   : REAL := {lo + (hi - lo) * warn:.1f};",
        f"fHighAlarm  : REAL := {lo + (hi - lo) * alarm:.1f};",
        f"tDelay      : TIME := {_time(rng)};",
    ]
    pou.outputs = [
        f"fValue : REAL;   // {unit}",
        "bWarning : BOOL;",
        "bAlarm : BOOL;",
        "bWireBreak : BOOL;",
    ]
    pou.locals = ["fbAlarmDelay : TON;", "fbWarnDelay : TON;"]
    pou.body = [
        "bWireBreak := nRaw < 0 OR nRaw > 32000;",
        "IF NOT bWireBreak THEN",
        "    fValue := fMin + (INT_TO_REAL(nRaw) / 27648.0) * (fMax - fMin);",
        "END_IF",
        "",
        "fbWarnDelay(IN := fValue > fHighWarn, PT := tDelay);",
        "fbAlarmDelay(IN := fValue > fHighAlarm OR bWireBreak, PT := tDelay);",
        "bWarning := fbWarnDelay.Q;",
        "bAlarm := fbAlarmDelay.Q;",
    ]
    return pou


def _fb_pid(rng: random.Random, name: str, signal: str) -> _Pou:
    unit, lo, hi = _UNITS[signal]
    pou = _Pou(
        "FUNCTION_BLOCK",
        name,
        comment=f"PI controller for {signal.lower()} ({unit}), with anti-windup and manual mode",
    )
    pou.inputs = [
        "bEnable  : BOOL;",
        "bManual  : BOOL;",
        f"fSetpoint : REAL := {_real(rng, lo + (hi - lo) * 0.3, lo + (hi - lo) * 0.7)};",
        "fActual  : REAL;",
        "fManualOut : REAL;",
        f"fKp      : REAL := {_real(rng, 0.2, 5.0)};",
        f"fTi      : REAL := {_real(rng, 2.0, 60.0)};   // s",
        f"fCycle   : REAL := {rng.choice(['0.01', '0.02', '0.05', '0.1'])};  // s",
    ]
    pou.outputs = ["fOut : REAL;   // 0..100 %"]
    pou.locals = ["fError : REAL;", "fIntegral : REAL;", "fP : REAL;"]
    pou.body = [
        "IF NOT bEnable THEN",
        "    fIntegral := 0.0;",
        "    fOut := 0.0;",
        "    RETURN;",
        "END_IF",
        "",
        "IF bManual THEN",
        "    fOut := fManualOut;",
        "    fIntegral := fManualOut;   // bumpless transfer",
        "    RETURN;",
        "END_IF",
        "",
        "fError := fSetpoint - fActual;",
        "fP := fKp * fError;",
        "IF fTi > 0.0 THEN",
        "    fIntegral := fIntegral + fKp * fError * fCycle / fTi;",
        "END_IF",
        "",
        "// anti-windup: clamp the integral to the output range",
        "IF fIntegral > 100.0 THEN",
        "    fIntegral := 100.0;",
        "ELSIF fIntegral < 0.0 THEN",
        "    fIntegral := 0.0;",
        "END_IF",
        "",
        "fOut := fP + fIntegral;",
        "IF fOut > 100.0 THEN",
        "    fOut := 100.0;",
        "ELSIF fOut < 0.0 THEN",
        "    fOut := 0.0;",
        "END_IF",
    ]
    return pou


def _fb_sequence(rng: random.Random, name: str, enum_name: str, states: list[str]) -> _Pou:
    pou = _Pou("FUNCTION_BLOCK", name, comment="Step sequence: " + " -> ".join(states))
    pou.inputs = ["bStart : BOOL;", "bStop : BOOL;", "bReset : BOOL;", "bSensorOk : BOOL;"]
    pou.outputs = [f"eState : {enum_name};", "bBusy : BOOL;", "bDone : BOOL;", "nCycles : DINT;"]
    pou.locals = ["fbStepTimer : TON;", f"tStep : TIME := {_time(rng)};"]
    body = ["fbStepTimer(IN := bBusy, PT := tStep);", "", "CASE eState OF"]
    for i, st in enumerate(states):
        nxt = states[(i + 1) % len(states)]
        body.append(f"{enum_name}.{st}:")
        if i == 0:
            body += [
                "    bBusy := FALSE;",
                "    IF bStart AND bSensorOk THEN",
                f"        eState := {enum_name}.{nxt};",
                "    END_IF",
            ]
        elif i == len(states) - 1:
            body += [
                "    bDone := TRUE;",
                "    nCycles := nCycles + 1;",
                f"    eState := {enum_name}.{nxt};",
            ]
        else:
            cond = rng.choice(["fbStepTimer.Q", "bSensorOk AND fbStepTimer.Q", "fbStepTimer.Q"])
            body += [
                "    bBusy := TRUE;",
                f"    IF {cond} THEN",
                f"        eState := {enum_name}.{nxt};",
                "    END_IF",
            ]
    body += [
        "ELSE",
        f"    eState := {enum_name}.{states[0]};",
        "END_CASE",
        "",
        "IF bStop OR bReset THEN",
        f"    eState := {enum_name}.{states[0]};",
        "    bDone := FALSE;",
        "END_IF",
    ]
    pou.body = body
    return pou


def _fb_counter(rng: random.Random, name: str) -> _Pou:
    n = rng.choice([6, 12, 24, 48])
    pou = _Pou("FUNCTION_BLOCK", name, comment=f"Counts parts and closes a batch every {n}")
    pou.inputs = ["bPart : BOOL;   // part sensor", "bReset : BOOL;", f"nBatchSize : INT := {n};"]
    pou.outputs = ["nCount : INT;", "nBatches : DINT;", "bBatchDone : BOOL;"]
    pou.locals = ["fbPartEdge : R_TRIG;", "fbCounter : CTU;"]
    pou.body = [
        "fbPartEdge(CLK := bPart);",
        "fbCounter(CU := fbPartEdge.Q, RESET := bReset OR bBatchDone, PV := nBatchSize);",
        "nCount := fbCounter.CV;",
        "bBatchDone := fbCounter.Q;",
        "IF bBatchDone THEN",
        "    nBatches := nBatches + 1;",
        "END_IF",
    ]
    return pou


def _fn_limit(rng: random.Random, name: str) -> _Pou:
    pou = _Pou("FUNCTION", name, return_type="REAL", comment="Clamp a value to [fLow, fHigh]")
    pou.inputs = ["fIn : REAL;", "fLow : REAL;", "fHigh : REAL;"]
    pou.body = [
        "IF fIn < fLow THEN",
        f"    {name} := fLow;",
        "ELSIF fIn > fHigh THEN",
        f"    {name} := fHigh;",
        "ELSE",
        f"    {name} := fIn;",
        "END_IF",
    ]
    return pou


def _fn_average(rng: random.Random, name: str) -> _Pou:
    n = rng.choice([4, 8, 10, 16])
    pou = _Pou(
        "FUNCTION", name, return_type="REAL", comment=f"Mean of the first nCount of {n} samples"
    )
    pou.inputs = [f"aSamples : ARRAY[1..{n}] OF REAL;", "nCount : INT;"]
    pou.locals = ["i : INT;", "fSum : REAL;"]
    pou.body = [
        "fSum := 0.0;",
        "IF nCount < 1 THEN",
        f"    {name} := 0.0;",
        "    RETURN;",
        "END_IF",
        f"FOR i := 1 TO MIN(nCount, {n}) DO",
        "    fSum := fSum + aSamples[i];",
        "END_FOR",
        f"{name} := fSum / INT_TO_REAL(MIN(nCount, {n}));",
    ]
    return pou


def _enum(name: str, states: list[str]) -> str:
    vals = ",\n".join(f"    {s} := {i}" for i, s in enumerate(states))
    return f"TYPE {name} :\n(\n{vals}\n);\nEND_TYPE\n"


def _struct(rng: random.Random, name: str, signals: list[str]) -> str:
    lines = [f"TYPE {name} :", "STRUCT"]
    for s in signals:
        unit = _UNITS[s][0]
        lines.append(f"    f{s} : REAL;   // {unit}")
    lines += [
        "    bValid : BOOL;",
        "    nQuality : INT;",
        "    sTag : STRING(32);",
        "END_STRUCT",
        "END_TYPE",
    ]
    return "\n".join(lines) + "\n"


def _gvl(rng: random.Random, name: str, signals: list[str]) -> str:
    lines = [f"// {name}: I/O and parameters", "VAR_GLOBAL"]
    for s in signals:
        lines.append(f"    n{s}Raw AT %IW{rng.randrange(0, 200, 2)} : INT;")
    for i in range(rng.randint(2, 5)):
        lines.append(f"    bDI_{i:02d} AT %IX{rng.randint(0, 9)}.{i} : BOOL;")
    lines.append("END_VAR")
    lines.append("VAR_GLOBAL CONSTANT")
    lines.append(f"    MAX_ALARMS : INT := {rng.choice([16, 32, 64])};")
    lines.append(f"    CYCLE_TIME : TIME := T#{rng.choice([5, 10, 20])}MS;")
    lines.append("END_VAR")
    return "\n".join(lines) + "\n"


def _program(rng: random.Random, name: str, fbs: list[tuple[str, str]], signals: list[str]) -> _Pou:
    """A PROGRAM that instantiates and calls the plant's FBs."""
    pou = _Pou("PROGRAM", name, comment=f"{name}: cyclic program of the area")
    pou.locals = ["bAutoMode : BOOL := TRUE;", "bEmergencyOk : BOOL := TRUE;", "nCycle : UDINT;"]
    for _kind, fb in fbs:
        pou.locals.append(f"fb{fb.removeprefix('FB_')} : {fb};")
    body = ["nCycle := nCycle + 1;", ""]
    for kind, fb in fbs:
        inst = f"fb{fb.removeprefix('FB_')}"
        if kind == "motor":
            body.append(
                f"{inst}(bStart := bAutoMode, bStop := NOT bAutoMode, "
                "bInterlock := bEmergencyOk, bFeedback := TRUE);"
            )
        elif kind == "valve":
            body.append(f"{inst}(bOpen := bAutoMode AND bEmergencyOk);")
        elif kind == "analog":
            body.append(f"{inst}(nRaw := 13824);")
            body.append(f"IF {inst}.bAlarm THEN")
            body.append("    bAutoMode := FALSE;")
            body.append("END_IF")
        elif kind == "pid":
            body.append(f"{inst}(bEnable := bAutoMode, fActual := 42.0);")
        elif kind == "seq":
            body.append(f"{inst}(bStart := bAutoMode, bSensorOk := bEmergencyOk);")
        elif kind == "counter":
            body.append(f"{inst}(bPart := bAutoMode);")
        body.append("")
    pou.body = body
    return pou


def generate_st_project(rng: random.Random, index: int = 0) -> dict[str, str]:
    """A small PLC project: types, a GVL, several FBs, functions and a program."""
    files: dict[str, str] = {}
    area = rng.choice(_AREAS)
    prefix = rng.choice(["", area + "_"]) if rng.random() < 0.3 else ""
    signals = _pick(rng, list(_UNITS), rng.randint(2, 4))
    states = [_STATES[0], *_pick(rng, _STATES[1:], rng.randint(3, 5))]
    enum_name = f"E_{prefix}{area}State"
    files[f"{enum_name}.st"] = _enum(enum_name, states)
    struct = f"ST_{prefix}{area}Data"
    files[f"{struct}.st"] = _struct(rng, struct, signals)
    files[f"GVL_{area}.st"] = _gvl(rng, f"GVL_{area}", signals)
    fbs: list[tuple[str, str]] = []
    builders: list[tuple[str, Callable[[], _Pou]]] = []
    for eq in _pick(rng, _EQUIPMENT, rng.randint(1, 3)):
        fb = f"FB_{prefix}{eq}"
        builders.append(("motor", partial(_fb_motor, rng, fb)))
    if rng.random() < 0.7:
        fb = f"FB_{prefix}{area}Valve"
        builders.append(("valve", partial(_fb_valve, rng, fb)))
    for s in signals[:2]:
        fb = f"FB_{prefix}{s}Meas"
        builders.append(("analog", partial(_fb_analog, rng, fb, s)))
    if rng.random() < 0.6:
        s = signals[0]
        fb = f"FB_{prefix}{s}Ctrl"
        builders.append(("pid", partial(_fb_pid, rng, fb, s)))
    fb_seq = f"FB_{prefix}{area}Sequence"
    builders.append(("seq", partial(_fb_sequence, rng, fb_seq, enum_name, states)))
    if rng.random() < 0.5:
        fb = f"FB_{prefix}{area}Counter"
        builders.append(("counter", partial(_fb_counter, rng, fb)))
    for kind, build in builders:
        pou = build()
        files[f"{pou.name}.st"] = pou.render()
        fbs.append((kind, pou.name))
    for fn in (_fn_limit, _fn_average):
        if rng.random() < 0.5:
            name = f"F_{prefix}{fn.__name__.removeprefix('_fn_').title()}"
            files[f"{name}.st"] = fn(rng, name).render()
    prog = _program(rng, f"PRG_{area}" if index else "MAIN", fbs, signals)
    files[f"{prog.name}.st"] = prog.render()
    return files


# ---------------------------------------------------------------- OpenDSS

_LINECODES = [
    ("mv_al_150", 0.206, 0.110, 3),
    ("mv_al_240", 0.125, 0.105, 3),
    ("lv_cu_70", 0.268, 0.075, 3),
    ("lv_cu_185", 0.099, 0.072, 3),
    ("lv_cu_35", 0.524, 0.080, 3),
    ("mv_cu_95", 0.193, 0.115, 3),
]


def generate_feeder(rng: random.Random, index: int = 0) -> dict[str, str]:
    """An OpenDSS model: a master script with a circuit, a linecode library and a feeder."""
    name = f"{rng.choice(_AREAS)}{index}"
    kv_hv = rng.choice([33.0, 20.0, 66.0])
    kv_mv = rng.choice([11.0, 10.0, 6.6])
    kv_lv = 0.4
    lib = ["! Linecodes, per km"]
    codes = rng.sample(_LINECODES, 4)
    for code, r1, x1, ph in codes:
        lib.append(
            f"New Linecode.{code} nphases={ph} r1={r1} x1={x1} "
            f"r0={r1 * 3:.3f} x0={x1 * 3:.3f} units=km"
        )
    lib.append("")
    lib.append(
        "New Loadshape.shift npts=24 interval=1 mult=(0.3 0.3 0.3 0.3 0.3 0.4 0.8 "
        "1.0 1.0 1.0 0.9 0.8 0.9 1.0 1.0 1.0 0.9 0.8 0.6 0.5 0.4 0.3 0.3 0.3)"
    )
    feeder = [f"! Feeder {name}: radial, {rng.randint(3, 9)} loads"]
    feeder.append(
        f"New Transformer.T_{name} phases=3 windings=2 buses=[mv lv_{name}] conns=[delta wye]"
    )
    kva = rng.choice([400, 630, 800, 1000, 1600])
    feeder.append(
        f"~ kvs=[{kv_mv:g} {kv_lv:g}] kvas=[{kva} {kva}] xhl={rng.choice([4, 5, 6])} "
        f"%r={rng.uniform(0.6, 1.2):.1f}"
    )
    feeder.append("")
    prev = f"lv_{name}"
    lv_codes = [c for c in codes if c[0].startswith("lv")] or codes
    n = rng.randint(3, 8)
    for i in range(1, n + 1):
        bus = f"{name.lower()}_b{i}"
        code = rng.choice(lv_codes)[0]
        feeder.append(
            f"New Line.{name}_{i} bus1={prev} bus2={bus} linecode={code} "
            f"length={rng.randint(10, 150)} units=m"
        )
        if rng.random() < 0.6:
            prev = bus
    feeder.append("")
    for i in range(1, n + 1):
        bus = f"{name.lower()}_b{i}"
        kw = rng.choice([7.5, 11, 15, 22, 30, 45, 55, 75, 90, 110])
        feeder.append(
            f"New Load.{rng.choice(_EQUIPMENT)}_{i} bus1={bus} phases=3 kv={kv_lv:g} "
            f"kw={kw} pf={rng.uniform(0.8, 0.98):.2f} daily=shift"
        )
    if rng.random() < 0.5:
        feeder.append("")
        feeder.append(
            f"New Capacitor.C_{name} bus1=lv_{name} phases=3 kvar="
            f"{rng.choice([50, 100, 150])} kv={kv_lv:g}"
        )
    master = [
        f"! {name}: {kv_hv:g} kV supply, {kv_mv:g} kV plant bus, {kv_lv:g} kV switchboards",
        "Clear",
        f"New Circuit.{name} basekv={kv_hv:g} pu=1.0 phases=3 bus1=grid "
        f"MVAsc3={rng.choice([150, 250, 500])} MVAsc1={rng.choice([100, 200])}",
        "",
        "Redirect library.dss",
        "New Transformer.T_main phases=3 windings=2 buses=[grid mv] conns=[delta wye]",
        f"~ kvs=[{kv_hv:g} {kv_mv:g}] kvas=[10000 10000] xhl=8 %r=0.5",
        "Redirect feeder.dss",
        "",
        f"Set voltagebases=[{kv_hv:g} {kv_mv:g} {kv_lv:g}]",
        "CalcVoltageBases",
        "Solve",
    ]
    return {
        f"{name}/master.dss": "\n".join(master) + "\n",
        f"{name}/library.dss": "\n".join(lib) + "\n",
        f"{name}/feeder.dss": "\n".join(feeder) + "\n",
    }


# ---------------------------------------------------------------- recipes


def generate_recipe(rng: random.Random, index: int = 0) -> dict[str, str]:
    """A PECVD or ALD recipe for the example tool (examples/fab/cvd-cluster-01.tool.yaml)."""
    ald = rng.random() < 0.4
    temp = rng.choice([300, 325, 350, 380]) if not ald else rng.choice([200, 250, 275])
    start = 300 if not ald else 150
    chamber = "PM2" if ald else "PM1"
    film = rng.choice(["oxide", "nitride"]) if not ald else "Al2O3"
    rid = f"{chamber}-{film[:3].upper()}-{index:03d}"
    lines = [
        f"# {'Thermal ALD' if ald else 'PECVD'} {film}, generated example {index}",
        "recipe:",
        f"  id: {rid}",
        f"  name: {'ALD' if ald else 'PECVD'} {film} {rng.choice([10, 20, 50, 100, 200])} nm",
        f"  version: {rng.randint(1, 9)}",
        "  tool: cvd-cluster-01",
        "  tool_type: cvd",
        f"  chamber: {chamber}",
        f"  author: {rng.choice(_AUTHORS)}",
        "  approval:",
        "    state: approved",
        f"    by: {rng.choice(_AUTHORS)}",
        f'    date: "2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"',
        "",
        "steps:",
        "  - name: Pump down",
        "    type: pump",
        f"    duration: {rng.choice([30, 45, 60, 90])} s",
        f"    pressure: {rng.choice([50, 80, 100])} mTorr",
    ]
    ramp_min = max(1, (temp - start) // (5 if ald else 10) + 1)
    if temp != start:
        lines += [
            "  - name: Heat to process",
            "    type: ramp",
            f"    temperature: {{from: {start} degC, to: {temp} degC}}",
            f"    duration: {ramp_min} min",
            "    gases: {N2: 300 sccm}",
            "    pressure: 1 Torr",
        ]
    if ald:
        lines += [
            "  - name: ALD loop",
            "    type: cycle",
            f"    cycles: {rng.choice([50, 100, 200, 400])}",
            "    steps:",
            "      - name: TMA pulse",
            "        type: pulse",
            f"        duration: {rng.choice(['0.02', '0.03', '0.05'])} s",
            "        gases: {TMA: 50 sccm, N2: 300 sccm}",
            "        pressure: 1 Torr",
            "      - name: Purge after TMA",
            "        type: purge",
            f"        duration: {rng.choice([3, 4, 5])} s",
            "        gases: {N2: 300 sccm}",
            "        pressure: 1 Torr",
            "      - name: H2O pulse",
            "        type: pulse",
            f"        duration: {rng.choice(['0.02', '0.03'])} s",
            "        gases: {H2O: 50 sccm, N2: 300 sccm}",
            "        pressure: 1 Torr",
            "      - name: Purge after H2O",
            "        type: purge",
            f"        duration: {rng.choice([4, 5, 6])} s",
            "        gases: {N2: 300 sccm}",
            "        pressure: 1 Torr",
        ]
    else:
        sih4, n2o = rng.choice([60, 100, 150, 200]), rng.choice([1000, 2000, 3000])
        reactant = f"{{SiH4: {sih4} sccm, N2O: {n2o} sccm}}"
        if film == "nitride":
            sih4, nh3 = rng.choice([60, 100, 150]), rng.choice([100, 200, 400])
            reactant = f"{{SiH4: {sih4} sccm, NH3: {nh3} sccm, N2: 2000 sccm}}"
        lines += [
            "  - name: Stabilize",
            "    type: stabilize",
            f"    duration: {rng.choice([10, 15, 20])} s",
            f"    gases: {reactant}",
            f"    pressure: {rng.choice(['1.8', '2', '2.5'])} Torr",
            "  - name: Deposition",
            "    type: deposit",
            f"    duration: {rng.choice([30, 45, 60, 90, 120])} s",
            f"    gases: {reactant}",
            f"    pressure: {rng.choice(['1.8', '2', '2.5'])} Torr",
            f"    rf: {{HF: {rng.choice([200, 300, 400, 500])} W}}",
        ]
    if temp != start:
        lines += [
            "  - name: Cool",
            "    type: ramp",
            f"    temperature: {{from: {temp} degC, to: {start} degC}}",
            f"    duration: {ramp_min} min",
            "    gases: {N2: 300 sccm}",
            "    pressure: 1 Torr",
        ]
    lines += [
        "  - name: Final purge",
        "    type: purge",
        f"    duration: {rng.choice([10, 20, 30])} s",
        "    gases: {N2: 1000 sccm}",
        "    pressure: 1 Torr",
        "  - name: Vent",
        "    type: vent",
        f"    duration: {rng.choice([30, 60])} s",
        "    gases: {N2: 1500 sccm}",
    ]
    return {f"{rid.lower()}.recipe.yaml": "\n".join(lines) + "\n"}


_TOOL_FILE = """\
# Capability file for a two-chamber CVD cluster tool (generated by plantls.train.synth).
tool:
  id: cvd-cluster-01
  type: cvd
  vendor: Example Equipment
  model: EX-300 (300 mm)
  description: PECVD oxide/nitride in PM1, thermal ALD Al2O3 in PM2

chambers:
  PM1:
    description: PECVD, parallel plate, 13.56 MHz showerhead
    base_pressure: 100 mTorr
    pressure: {min: 10 mTorr, max: 10 Torr}
    temperature: {min: 100 degC, max: 420 degC, idle: 300 degC}
    ramp_rate: {max: 10 degC/min}
    rf:
      HF: {frequency: 13.56 MHz, min_power: 20 W, max_power: 1000 W}
    gas_lines:
      - {line: 1, gas: SiH4, full_scale: 500 sccm, low_end: 2 %, kind: process}
      - {line: 2, gas: N2O, full_scale: 5000 sccm, low_end: 2 %, kind: process}
      - {line: 3, gas: NH3, full_scale: 1000 sccm, low_end: 20 sccm, kind: process}
      - {line: 4, gas: N2, full_scale: 10 slm, low_end: 2 %, kind: inert}
  PM2:
    description: Thermal ALD, cross-flow, heated precursor lines
    base_pressure: 100 mTorr
    pressure: {min: 10 mTorr, max: 5 Torr}
    temperature: {min: 100 degC, max: 350 degC, idle: 150 degC}
    ramp_rate: {max: 5 degC/min}
    gas_lines:
      - {line: 1, gas: TMA, full_scale: 200 sccm, low_end: 5 sccm, kind: precursor}
      - {line: 2, gas: H2O, full_scale: 200 sccm, low_end: 5 sccm, kind: reactant}
      - {line: 3, gas: N2, full_scale: 2000 sccm, low_end: 2 %, kind: inert}
"""


def generate_corpus(
    seed: int = 0, n_st: int = 40, n_dss: int = 10, n_recipes: int = 10, n_composed: int = 0
) -> dict[str, str]:
    """Relative path -> text: ``n_st`` ST projects, ``n_dss`` feeders, ``n_recipes`` recipes,
    and ``n_composed`` ST projects from :mod:`plantls.train.synth_st` (own random stream, so
    adding them leaves the other files as they were)."""
    rng = random.Random(seed)
    files: dict[str, str] = {}
    for i in range(n_st):
        for name, text in generate_st_project(rng, i).items():
            files[f"st/project{i:03d}/{name}"] = text
    composed_rng = random.Random(f"{seed}:composed")
    for i in range(n_composed):
        for name, text in generate_composed_project(composed_rng, i).items():
            files[f"st/composed{i:04d}/{name}"] = text
    for i in range(n_dss):
        for name, text in generate_feeder(rng, i).items():
            files[f"dss/{name}"] = text
    if n_recipes:
        files["recipes/cvd-cluster-01.tool.yaml"] = _TOOL_FILE
    for i in range(n_recipes):
        for name, text in generate_recipe(rng, i).items():
            files[f"recipes/{name}"] = text
    return files


def write_corpus(
    out: Path,
    seed: int = 0,
    n_st: int = 40,
    n_dss: int = 10,
    n_recipes: int = 10,
    n_composed: int = 0,
) -> list[Path]:
    """Write :func:`generate_corpus` under ``out``; returns the written paths."""
    written = []
    files = generate_corpus(seed, n_st, n_dss, n_recipes, n_composed)
    for rel, text in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m plantls.train.synth OUT [--seed N] [--st N] [--dss N] [--recipes N]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m plantls.train.synth")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--st", type=int, default=60, help="ST projects")
    parser.add_argument("--dss", type=int, default=20, help="OpenDSS models")
    parser.add_argument("--recipes", type=int, default=30)
    parser.add_argument(
        "--composed", type=int, default=0, help="ST projects composed by plantls.train.synth_st"
    )
    args = parser.parse_args(argv)
    written = write_corpus(args.out, args.seed, args.st, args.dss, args.recipes, args.composed)
    print(f"wrote {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
