"""Runs commands through the OpenDSS engine; started by :mod:`engine` as a child process.

Reads one JSON job on stdin: ``{"data": DIR, "commands": [[index, subdir, text], ...]}``.
Writes JSON lines on stdout: ``{"at": i}`` before each command (so a crash can be placed),
``{"error": ..., "i": i, "number": n}`` for each engine error, then one ``{"done": ...}``
record with the solution (convergence, per-unit bus voltages, bus bases, loading).
The parent has already removed every command that could write or read outside ``DIR``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _results(dss: Any, solved: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"done": True, "solved": solved}
    if not solved:
        return out
    ckt = dss.ActiveCircuit
    try:
        out["converged"] = bool(ckt.Solution.Converged)
        buses: dict[str, list[float]] = {}
        bases: dict[str, float] = {}
        for i in range(ckt.NumBuses):
            ckt.SetActiveBusi(i)
            bus = ckt.ActiveBus
            base = float(bus.kVBase)
            bases[bus.Name.lower()] = base
            mags = list(bus.puVmagAngle)[0::2]
            buses[bus.Name.lower()] = [float(m) for m in mags]
        out["buses"] = buses
        out["kvbase"] = bases
        pd = ckt.PDElements
        names = list(pd.AllNames)
        pct = list(pd.AllPctNorm(False))
        out["loading"] = [
            [n, float(p)] for n, p in zip(names, pct, strict=False)
            if n.lower().startswith(("line.", "transformer.")) and float(p) > 100.0
        ]
    except Exception as exc:  # a solution the engine cannot report on
        out["report_error"] = str(exc)
    return out


def main() -> int:
    """Run one job."""
    job = json.loads(sys.stdin.read())
    data = os.path.realpath(job["data"])
    from dss import DSS

    dss = DSS.NewContext()
    dss.AllowForms = False
    dss.AllowEditor = False
    dss.AllowDOScmd = False
    dss.AllowChangeDir = False
    dss.DataPath = data
    text = dss.Text
    solved = False
    current = ""
    for index, subdir, command in job["commands"]:
        folder = os.path.realpath(os.path.join(data, subdir))
        if folder != current and folder.startswith(data) and os.path.isdir(folder):
            os.chdir(folder)
            current = folder
        _emit({"at": index})
        try:
            text.Command = command
            if command.split(None, 1)[0].lower().startswith("sol"):
                solved = True
        except Exception as exc:
            message = str(exc)
            number = 0
            if message.startswith("(#"):
                head, _, message = message.partition(")")
                number = int(head[2:]) if head[2:].isdigit() else 0
            _emit({"i": index, "number": number, "error": message.strip()})
    _emit(_results(dss, solved))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
