"""AI101 unusual-line hints, telemetry (percentiles, energy label, rotating log), explanations
(rule doc vs model text, prose gating) and verified fixes, and the CLI commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantls.ai.backends.transformers_backend import TransformersBackend
from plantls.ai.explain import add_prose, explain_static, verify_fix
from plantls.ai.hints import score_lines, unusual_lines
from plantls.ai.service import ModelService
from plantls.ai.telemetry import EnergyMeter, RequestRecord, Telemetry
from plantls.core.diagnostics import Severity
from plantls.core.documents import Document
from plantls.core.language import language_by_id
from plantls.core.settings import Settings, merge_settings
from plantls.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = """PROGRAM P_Motor
VAR
    bStart : BOOL;
    bStop : BOOL;
    bRunning : BOOL;
    bReady : BOOL;
    nCount : INT;
    tDelay : TON;
END_VAR

IF bStart AND NOT bStop THEN
    bRunning := TRUE;
    nCount := nCount + 1;
ELSE
    bRunning := FALSE;
END_IF
tDelay(IN := bStart, PT := T#5S);
bReady := tDelay.Q;
END_PROGRAM
"""


def test_score_lines_robust_z() -> None:
    per_line = {i: [2.0, 2.2] for i in range(10)}
    per_line[4] = [9.0, 10.0]
    scores = {s.line: s for s in score_lines(per_line)}
    assert scores[4].z > 10 and abs(scores[0].z) < 2
    assert score_lines({0: [1.0]}) == []  # too few lines to compare


def test_unusual_line_flagged(tiny_model_dir: Path) -> None:
    backend = TransformersBackend(str(tiny_model_dir))
    backend.load()
    junk = "    zq8#@!~~ ~~ ^^ qqq ;; ((( );"
    odd = PROGRAM.replace("    nCount := nCount + 1;", junk)
    found = unusual_lines(odd, backend.tokenizer(), backend.token_logprobs, "iec-st", 3)
    assert 0 < len(found) <= 3
    by_line = {d.range.start.line: d for d in found}
    hint = by_line[odd.split("\n").index(junk)]
    assert hint.code == "AI101" and hint.severity == Severity.HINT
    assert "bits/token" in hint.message
    bits = {line: float(d.message.split(": ")[1].split()[0]) for line, d in by_line.items()}
    assert max(bits, key=lambda k: bits[k]) == odd.split("\n").index(junk)  # the most unusual
    assert unusual_lines(PROGRAM, backend.tokenizer(), backend.token_logprobs, "iec-st", 0) == []


def test_telemetry_stats_and_log(tmp_path: Path) -> None:
    t = Telemetry(log=True, max_kb=1, folder=tmp_path)
    for i in range(40):
        t.record(RequestRecord(kind="inline", outcome="shown", total_ms=float(i),
                               generation_ms=float(i), generated_tokens=10, energy_j=0.5,
                               energy_source="estimate (CPU time × 15 W/core)",
                               validation="kept" if i % 4 else "cut"))
    t.item("shown")
    t.item("accepted")
    s = t.stats()
    assert s["requests"] == {"inline": {"shown": 40}}
    assert s["latency_ms"]["total"]["p50"] == pytest.approx(19.5)
    assert s["latency_ms"]["total"]["p95"] == pytest.approx(37.05)
    assert s["tokens"]["generated"] == 400
    assert s["energy"]["joules"] == pytest.approx(20.0)
    assert "estimate" in s["energy"]["source"]
    assert s["validation"]["cut"] == 10 and s["validation"]["changed_rate"] == 0.25
    assert s["items"] == {"shown": 1, "accepted": 1, "dismissed": 0}
    t.close()
    logs = sorted(tmp_path.glob("requests.jsonl*"))
    assert len(logs) >= 2  # rotated at 1 kB
    assert json.loads(logs[0].read_text().splitlines()[0])["kind"] == "inline"


def test_energy_meter_cpu_estimate() -> None:
    meter = EnergyMeter(watts_per_core=10)
    meter.rapl = False
    start = meter.start()
    sum(i * i for i in range(200_000))
    joules, source = meter.stop(start)
    assert joules > 0 and source == "estimate (CPU time × 10 W/core)"


def workspace_with(text: str) -> tuple[Workspace, Document]:
    ws = Workspace()
    doc = Document("file:///w/main.st", text, "iec-st", 1)
    ws.open(doc)
    return ws, doc


def test_explanation_separates_rule_doc_and_model(tiny_model_dir: Path) -> None:
    text = PROGRAM.replace("    bRunning := TRUE;", "    bRuning := TRUE;")
    ws, doc = workspace_with(text)
    line = text.split("\n").index("    bRuning := TRUE;")
    exp = explain_static(ws, doc, line)
    assert [d.code for d in exp.findings] == ["ST101"]
    md = add_prose(None, exp, doc).markdown()
    assert "From the rule documentation" in md and "No model is loaded" in md
    settings, _ = merge_settings(Settings(), {
        "model": {"backend": "transformers", "path": str(tiny_model_dir)},
        "telemetry": {"log": False}})
    service = ModelService(settings)
    assert service.load() == "ready"
    assert not service.prose_allowed()  # auto: the tiny model has no chat template
    md = add_prose(service, explain_static(ws, doc, line), doc).markdown()
    assert "Model text is off for this model" in md and "Model notes" not in md
    service.configure(merge_settings(settings, {"model.prose": "on"})[0])
    md = add_prose(service, explain_static(ws, doc, line), doc).markdown()
    assert "Model notes (generated by transformers" in md
    assert "may be wrong" in md and "not checked by plantls" in md
    service.close()


def test_fix_offered_only_when_recheck_is_clean() -> None:
    text = PROGRAM.replace("    bRunning := TRUE;", "    bRuning := TRUE;")
    ws, doc = workspace_with(text)
    lang = language_by_id("iec-st")
    assert lang is not None
    line = text.split("\n").index("    bRuning := TRUE;")
    finding = explain_static(ws, doc, line).findings[0]
    assert verify_fix(lang, ws, doc, finding, "    bRunning := TRUE;")
    assert not verify_fix(lang, ws, doc, finding, "    bRuning := TRUE;")  # unchanged
    assert not verify_fix(lang, ws, doc, finding, "    bRunning := ;")  # new syntax error
    assert not verify_fix(lang, ws, doc, finding, "    bOther := TRUE;")  # still undeclared
    assert "file:///w/main.st" in ws.open_documents


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plantls", *args], capture_output=True, text=True, cwd=cwd,
        timeout=180,
    )


def test_cli_complete_and_explain(tiny_model_dir: Path, tmp_path: Path) -> None:
    text = PROGRAM.replace("    bRunning := TRUE;", "    bRuning := TRUE;")
    (tmp_path / "main.st").write_text(text)
    line = text.split("\n").index("    bRuning := TRUE;") + 1
    out = run_cli("explain", f"main.st:{line}", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "ST101" in out.stdout and "From the rule documentation" in out.stdout
    out = run_cli("complete", f"main.st:{line + 1}:5", "--model", str(tiny_model_dir),
                  "--json", cwd=tmp_path)
    assert out.returncode in (0, 1), out.stderr
    data = json.loads(out.stdout)
    assert data["telemetry"]["generated_tokens"] > 0
    out = run_cli("complete", "main.st:1:1", cwd=tmp_path)
    assert out.returncode == 2 and "no model configured" in out.stderr
    out = run_cli("complete", "main.st:1", "--model", str(tiny_model_dir), cwd=tmp_path)
    assert out.returncode == 2 and "FILE:LINE:COL" in out.stderr
