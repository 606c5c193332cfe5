"""Engine validation: run a root script through OpenDSS in a child process, safely.

The child (:mod:`engine_worker`) gets a scratch directory holding a copy of the root
script's folder and nothing else, a hard time limit, and a command list the parent built
itself by following Redirect/Compile inside the workspace. Commands that write files, show
windows, run programs or reach outside the scratch directory (``Export``, ``Save``,
``Show``, ``Plot``, ``DOScmd``, ``CD``, ``Set datapath=...``, absolute or ``..`` paths) are
removed before the engine sees them. Engine errors come back as findings at the file and
line of the command that caused them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantls.core.documents import path_to_uri, uri_to_path
from plantls.languages.dss.analysis import DssAnalysis, EngineResult, inside
from plantls.languages.dss.model import FileModel, Include
from plantls.languages.dss.schema import schema
from plantls.languages.dss.syntax import Command

TIMEOUT_S = 30.0
MAX_COPY_BYTES = 64 * 1024 * 1024
MAX_COPY_FILES = 5000
BLOCKED_COMMANDS = {
    "save", "show", "plot", "export", "fileedit", "formedit", "doscmd", "cd", "visualize",
    "di_plot", "comparecases", "yearlycurves", "closedi", "panel", "help", "quit", "about",
    "obfuscate", "dump", "cvrtloadshapes", "exportoverloads", "exportvviolations", "newactor",
    "clone", "wait", "solveall", "abort", "comhelp", "clearall", "alignfile", "uuids",
    "addbusmarker", "clearbusmarkers", "totals", "summary", "capacity", "reconductor",
}
BLOCKED_OPTIONS = {
    "datapath", "editor", "log", "demandinterval", "diverbose", "overloadreport",
    "voltexceptionreport", "casename", "showexport", "registryupdate", "recorder", "querylog",
    "eventlogdefault", "showreports", "numcpus", "parallel", "activeactor", "cpu",
    "concatenatereports", "keeplist", "dssvisualizationtool",
}
WARNING_NUMBERS = {266}
"""Engine messages that are warnings (266: an element was redefined)."""


@dataclass
class Job:
    """The commands to run, and where each came from."""

    data_root: Path
    commands: list[tuple[int, str, str]] = field(default_factory=list)
    origin: dict[int, tuple[str, Command]] = field(default_factory=dict)
    skipped: list[tuple[str, Command, str]] = field(default_factory=list)
    solves: list[tuple[str, Command]] = field(default_factory=list)


def _path_tokens(cmd: Command) -> list[str]:
    out = []
    for p in cmd.params:
        for tok in (p.name, p.value):
            if tok is None:
                continue
            text = tok.text
            if "=" in text:
                text = text.partition("=")[2]
            for piece in text.replace(",", " ").split():
                if "/" in piece or "\\" in piece or piece.startswith("~"):
                    out.append(piece.strip("\"'"))
    return out


_VERB_NOISE = set("\"'()[]{},=")
_VAR_USE = re.compile(r"@[A-Za-z_]")


def _blocked(cmd: Command, file_dir: Path, data_root: Path) -> str | None:
    """Why a command must not reach the engine, or None."""
    sch = schema()
    word = cmd.word
    if word != "~" and _VERB_NOISE & set(word):
        # the engine reads `"Export" x` and `Export,x` as Export: never guess, skip them
        return f"`{cmd.verb.text}` is not run by plantls (unusual command syntax)"
    found = sch.command(word)
    name = found.name.lower() if found else ""
    if word.startswith("!") or name in BLOCKED_COMMANDS:
        return f"`{cmd.verb.text}` is not run by plantls (it writes files or opens windows)"
    if name != "var" and _VAR_USE.search(" ".join(
        t.text for p in cmd.params for t in (p.name, p.value) if t is not None
    )):
        # `var @d=..` then `file=@d/x.csv`: the engine substitutes after the path checks
        return f"`{cmd.verb.text}` uses a `var` substitution, which plantls does not run"
    if name in ("set",):
        for p in cmd.params:
            opt = sch.option(p.name.text) if p.name else None
            if opt is not None and opt.name.lower() in BLOCKED_OPTIONS:
                return f"`Set {opt.name}` is not run by plantls"
    for piece in _path_tokens(cmd):
        normal = piece.replace("\\", "/")
        if normal.startswith(("/", "~")) or (len(normal) > 1 and normal[1] == ":"):
            return f"absolute path {piece!r} is not read by plantls"
        target = (file_dir / normal).resolve()
        if not inside(target, [data_root]):
            return f"path {piece!r} leaves the script's folder"
    return None


def build_job(analysis: DssAnalysis, data_root: Path) -> Job:
    """Flatten the root script into engine commands, following includes in the workspace."""
    job = Job(data_root)
    index = analysis.index
    root = index.files.get(analysis.root_uri, analysis.model)
    if analysis.root_uri == analysis.uri:
        root = analysis.model
    source_root = root.path.parent if root.path else Path.cwd()

    def walk(model: FileModel, stack: list[str]) -> None:
        if model.path is None:
            return
        text = model.parsed.text
        file_dir = model.path.parent
        try:
            subdir = os.path.relpath(file_dir, source_root)
        except ValueError:
            subdir = "."
        if subdir.startswith(".."):
            subdir = "."
        includes = {s.line: s for s in model.statements if isinstance(s, Include)}
        for cmd in model.parsed.commands:
            inc = includes.get(cmd.line)
            if inc is not None:
                target = inc.target
                if target is None or not inside(target, analysis.roots):
                    job.skipped.append((model.uri, cmd, "include outside the workspace"))
                    continue
                uri = path_to_uri(target)
                child = index.files.get(uri)
                if child is None or uri in stack or len(stack) > 32:
                    continue
                walk(child, [*stack, uri])
                continue
            why = _blocked(cmd, file_dir, source_root)
            if why is not None:
                job.skipped.append((model.uri, cmd, why))
                continue
            i = len(job.commands)
            line = text[cmd.start : cmd.end]
            job.commands.append((i, subdir, line))
            job.origin[i] = (model.uri, cmd)
            found = schema().command(cmd.word)
            if found is not None and found.name.lower() == "solve":
                job.solves.append((model.uri, cmd))

    walk(root, [root.uri])
    return job


def _copy_folder(src: Path, dst: Path) -> None:
    """Copy the script's folder (bounded in size; links and hidden folders are skipped)."""
    total = 0
    count = 0
    for folder, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules",)]
        rel = Path(folder).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            p = Path(folder) / name
            if p.is_symlink():
                continue
            try:
                size = p.stat().st_size
            except OSError:
                continue
            total += size
            count += 1
            if total > MAX_COPY_BYTES or count > MAX_COPY_FILES:
                return
            shutil.copyfile(p, dst / rel / name)


def run_job(job: Job, source: Path | None, timeout: float = TIMEOUT_S) -> dict[str, Any]:
    """Run a job in a fresh scratch directory; returns the worker's records, parsed."""
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="plantls-dss-") as tmp:
        scratch = Path(tmp)
        data = scratch / "data"
        data.mkdir()
        if source is not None and source.is_dir():
            _copy_folder(source, data)
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
        env.update(HOME=str(scratch), TMPDIR=str(scratch), TEMP=str(scratch), TMP=str(scratch))
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        payload = json.dumps(
            {"data": str(data), "commands": [list(c) for c in job.commands]}
        )
        timed_out = False
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "plantls.languages.dss.engine_worker"],
                input=payload, capture_output=True, text=True, timeout=timeout,
                cwd=str(data), env=env, check=False,
            )
            stdout, code = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout
            stdout = out.decode() if isinstance(out, bytes) else (out or "")
            code, timed_out = -9, True
        for raw in stdout.splitlines():
            try:
                records.append(json.loads(raw))
            except ValueError:
                continue
    return {"records": records, "returncode": code, "timed_out": timed_out}


def _description(message: str) -> str:
    """The useful part of an engine message."""
    if "Error Description:" in message:
        part = message.split("Error Description:", 1)[1]
        part = part.split("Probable Cause:", 1)[0]
        return " ".join(part.split())
    first = message.strip().splitlines()[0] if message.strip() else message
    return " ".join(first.split())


def interpret(job: Job, outcome: dict[str, Any], analysis: DssAnalysis) -> EngineResult:
    """Turn worker records into findings at the right file and line."""
    result = EngineResult()
    last_at = -1
    done: dict[str, Any] | None = None
    for rec in outcome["records"]:
        if "at" in rec:
            last_at = rec["at"]
        elif "error" in rec:
            uri, cmd = job.origin[rec["i"]]
            severity = "warning" if rec.get("number") in WARNING_NUMBERS else "error"
            text = _description(rec["error"])
            result.findings.append(
                (uri, cmd.line, "DSS501", severity, f"engine: {text} (#{rec.get('number')})")
            )
        elif rec.get("done"):
            done = rec
    if done is None:
        if outcome["timed_out"]:
            why = f"the engine did not finish within {TIMEOUT_S:g} s"
        else:
            why = f"the engine stopped unexpectedly (exit code {outcome['returncode']})"
        result.error = why
        if last_at in job.origin:
            uri, cmd = job.origin[last_at]
            result.findings.append((uri, cmd.line, "DSS501", "error", f"{why} at this command"))
        return result
    if not done.get("solved"):
        return result
    result.converged = done.get("converged")
    result.bus_voltages = done.get("buses", {})
    result.bus_kv_base = done.get("kvbase", {})
    if result.converged is False and job.solves:
        uri, cmd = job.solves[-1]
        result.findings.append(
            (uri, cmd.line, "DSS502", "error", "the power flow did not converge")
        )
    if result.converged:
        _voltage_findings(result, analysis)
        for name, pct in done.get("loading", []):
            el = analysis.new_of(name.lower())
            if el is not None:
                result.findings.append(
                    (el.uri, el.line, "DSS504", "warning",
                     f"{el.full_name} is loaded to {pct:.0f}% of its normal rating")
                )
    return result


def _voltage_findings(result: EngineResult, analysis: DssAnalysis) -> None:
    for bus, mags in result.bus_voltages.items():
        if result.bus_kv_base.get(bus, 0.0) <= 0:
            continue
        live = [m for m in mags if m > 0.05 and math.isfinite(m)]
        if not live:
            continue
        low, high = min(live), max(live)
        if low >= 0.95 and high <= 1.05:
            continue
        uses = analysis.bus_uses.get(bus)
        if not uses:
            continue
        first = min(uses, key=lambda u: analysis.at(u.element))
        value = low if low < 0.95 else high
        result.findings.append(
            (first.uri, first.element.line, "DSS503", "warning",
             f"bus {bus!r} is at {value:.3f} pu, outside ANSI C84.1 range A (0.95-1.05 pu)")
        )


def _saved(analysis: DssAnalysis, workspace: Any) -> bool:
    """True when every file of the program is saved (the engine reads the files)."""
    for uri in analysis.files:
        doc = workspace.open_documents.get(uri)
        if doc is None:
            continue
        path = uri_to_path(uri)
        try:
            on_disk = path.read_text(encoding="utf-8", errors="replace") if path else None
        except OSError:
            return False
        if on_disk is None or _lf(on_disk) != _lf(doc.text):
            return False
    return True


def _lf(text: str) -> str:
    """``text`` with every line break (``\\r\\n``, lone ``\\r``) as ``\\n``: read_text
    translates them, the editor's text keeps them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def attach_engine(analysis: DssAnalysis, cache: dict[str, object], workspace: Any) -> None:
    """Run (or reuse) the engine for the analysis's root script and attach its result."""
    if not analysis.has_circuit or not _saved(analysis, workspace):
        return
    root_path = uri_to_path(analysis.root_uri)
    source = root_path.parent if root_path else None
    job = build_job(analysis, source or Path.cwd())
    digest = hashlib.sha256(
        json.dumps([analysis.root_uri, job.commands]).encode()
    ).hexdigest()
    cached = cache.get(analysis.root_uri)
    if isinstance(cached, tuple) and cached[0] == digest:
        analysis.engine = cached[1]
        return
    outcome = run_job(job, source)
    result = interpret(job, outcome, analysis)
    cache[analysis.root_uri] = (digest, result)
    analysis.engine = result
