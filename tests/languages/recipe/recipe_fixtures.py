"""Shared test data for the recipe tests: a tool file and correct recipes for both chambers."""

from __future__ import annotations

from pathlib import Path

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.workspace import Workspace

TOOL = """\
tool:
  id: cvd-01
  type: cvd
chambers:
  PM1:
    base_pressure: 10 mTorr
    pressure: {min: 100 mTorr, max: 10 Torr}
    temperature: {min: 100 degC, max: 420 degC, idle: 300 degC}
    ramp_rate: {max: 10 degC/min}
    rf:
      HF: {frequency: 13.56 MHz, min_power: 20 W, max_power: 1000 W}
    gas_lines:
      - {line: 1, gas: SiH4, full_scale: 500 sccm, low_end: 2 %, kind: process}
      - {line: 2, gas: N2O, full_scale: 5000 sccm, kind: process}
      - {line: 3, gas: NH3, full_scale: 1000 sccm, low_end: 20 sccm, kind: process}
      - {line: 4, gas: N2, full_scale: 10 slm, kind: inert}
      - {line: 5, gas: O2, full_scale: 1000 sccm, kind: process}
    windows:
      pressure: {min: 1.5 Torr, max: 3 Torr}
      rf: {HF: {min: 200 W, max: 600 W}}
      gases: {SiH4: {min: 50 sccm, max: 300 sccm}}
  PM2:
    base_pressure: 50 mTorr
    pressure: {min: 100 mTorr, max: 5 Torr}
    temperature: {min: 100 degC, max: 350 degC, idle: 150 degC}
    ramp_rate: {max: 5 degC/min}
    gas_lines:
      - {line: 1, gas: TMA, full_scale: 200 sccm, low_end: 5 sccm, kind: precursor}
      - {line: 2, gas: H2O, full_scale: 200 sccm, low_end: 5 sccm, kind: reactant}
      - {line: 3, gas: N2, full_scale: 2000 sccm, kind: inert}
incompatible:
  - {gases: [SiH4, O2], reason: silane is pyrophoric}
  - {gases: [TMA, H2O], reason: CVD reaction in the lines}
purge:
  min_duration: 2 s
"""

PECVD = """\
recipe:
  id: OX-1
  version: 3
  tool: cvd-01
  tool_type: cvd
  chamber: PM1
  author: a.b
  approval: {state: approved, by: lead, date: "2024-05-02"}
parameters:
  silane_flow: {unit: sccm, min: 100, max: 250, default: 200}
steps:
  - name: Pump
    type: pump
    duration: 30 s
    pressure: 10 mTorr
  - name: Stabilize
    type: stabilize
    duration: 20 s
    gases: {SiH4: "${silane_flow}", N2O: 3000 sccm}
    pressure: 2 Torr
    temperature: 300 degC
  - name: Deposit
    type: deposit
    duration: 60 s
    gases: {SiH4: "${silane_flow}", N2O: 3000 sccm}
    pressure: 2 Torr
    rf: {HF: 400 W}
  - name: Purge
    type: purge
    duration: 10 s
    gases: {N2: 5 slm}
  - name: Ash stabilize
    type: stabilize
    duration: 10 s
    gases: {O2: 500 sccm}
    pressure: 2 Torr
  - name: Ash
    type: plasma
    duration: 30 s
    gases: {O2: 500 sccm}
    pressure: 2 Torr
    rf: {HF: 300 W}
  - name: Purge 2
    type: purge
    duration: 10 s
    gases: {N2: 5 slm}
  - name: Vent
    type: vent
    duration: 60 s
    gases: {N2: 5 slm}
"""

ALD = """\
recipe:
  id: ALO-1
  tool: cvd-01
  chamber: PM2
steps:
  - name: Pump
    type: pump
    duration: 60 s
    pressure: 50 mTorr
  - name: Heat
    type: ramp
    temperature: {from: 150 degC, to: 250 degC}
    ramp_rate: 5 degC/min
    duration: 20 min
    gases: {N2: 300 sccm}
    pressure: 1 Torr
  - name: Loop
    type: cycle
    cycles: 100
    steps:
      - {name: TMA pulse, type: pulse, duration: 0.02 s, gases: {TMA: 50 sccm, N2: 300 sccm}}
      - {name: Purge A, type: purge, duration: 4 s, gases: {N2: 300 sccm}}
      - {name: H2O pulse, type: pulse, duration: 0.02 s, gases: {H2O: 50 sccm, N2: 300 sccm}}
      - {name: Purge B, type: purge, duration: 4 s, gases: {N2: 300 sccm}}
  - name: Cool
    type: ramp
    temperature: {from: 250 degC, to: 150 degC}
    ramp_rate: 5 degC/min
    duration: 20 min
    gases: {N2: 300 sccm}
    pressure: 1 Torr
  - name: Vent
    type: vent
    duration: 60 s
    gases: {N2: 1500 sccm}
"""


def workspace(root: Path, files: dict[str, str]) -> Workspace:
    """A workspace with these files written and indexed."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    ws = Workspace([root])
    ws.index_all()
    return ws


def recipe_doc(ws: Workspace, name: str) -> Document:
    """A document of the workspace by file name."""
    doc = ws.get((ws.roots[0] / name).as_uri())
    assert doc is not None
    return doc


def check(root: Path, recipe: str, tool: str = TOOL, name: str = "r.recipe.yaml") -> tuple[
    Document, list[Diagnostic]
]:
    """Findings for one recipe next to the tool file."""
    ws = workspace(root, {"cvd-01.tool.yaml": tool, name: recipe})
    doc = recipe_doc(ws, name)
    return doc, ws.diagnostics(doc)


def spans(doc: Document, diags: list[Diagnostic]) -> list[tuple[str, int, str]]:
    """(code, 1-based line, marked text) for each finding."""
    out = []
    for d in diags:
        start = doc.lines.offset(d.range.start)
        end = doc.lines.offset(d.range.end)
        out.append((d.code, d.range.start.line + 1, doc.text[start:end]))
    return out
