"""`plantls eval`: base vs adapter in one run, JSON summary, markdown report and plots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantls.cli.main import main
from plantls.eval.runner import EvalConfig, evaluate, write_report
from plantls.train.tiny import tiny_adapter

KEYS = {
    "exact_match",
    "edit_similarity",
    "parse_rate",
    "latency_ms_p50",
    "latency_ms_p95",
    "tokens_per_second",
    "samples",
}


@pytest.fixture(scope="module")
def adapter_dir(base_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_adapter(base_dir, tmp_path_factory.mktemp("adapter") / "a", steps=4)


def test_base_and_adapter_in_one_run(
    base_dir: Path, adapter_dir: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    cfg = EvalConfig(samples_per_kind=3, max_new_tokens=8, validation_share=0.2)
    report = evaluate([corpus_dir], base_dir, adapter_dir, cfg)
    summary = report.summary()
    assert set(summary) == {"base", "adapter"}
    for entry in summary.values():
        assert set(entry) >= KEYS
        assert entry["samples"] == 9
        assert set(entry["by_kind"]) == {"next-line", "block", "span"}
        assert 0.0 <= entry["exact_match"] <= 1.0 and 0.0 <= entry["parse_rate"] <= 1.0
    again = evaluate([corpus_dir], base_dir, adapter_dir, cfg).summary()
    assert again["base"]["edit_similarity"] == summary["base"]["edit_similarity"]
    write_report(report, tmp_path / "report")
    names = {p.name for p in (tmp_path / "report").iterdir()}
    assert {"report.md", "results.json", "scores.png", "latency.png"} <= names
    assert "| adapter | next-line |" in (tmp_path / "report" / "report.md").read_text()


def test_cli_json(base_dir: Path, corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "eval",
            str(corpus_dir),
            "--model",
            str(base_dir),
            "--format",
            "json",
            "--samples",
            "2",
            "--kinds",
            "next-line",
            "--max-new-tokens",
            "6",
            "--holdout",
            "0.2",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["base"] and set(out["base"]) >= KEYS and out["base"]["samples"] == 2


def test_cli_missing_model(corpus_dir: Path, tmp_path: Path) -> None:
    assert main(["eval", str(corpus_dir), "--model", str(tmp_path / "nope")]) == 2
