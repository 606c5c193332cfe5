"""`plantls train` and `plantls export` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantls.cli.main import main


def test_train_then_export(
    base_dir: Path, corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "adapter"
    args = [
        "train",
        str(corpus_dir),
        "--base",
        str(base_dir),
        "--out",
        str(out),
        "--max-steps",
        "3",
        "--seed",
        "1",
        "--batch-size",
        "2",
        "--max-length",
        "64",
        "--max-examples",
        "16",
        "--lora-r",
        "2",
        "--no-progress",
    ]
    assert main(args) == 0
    assert "trainable" in capsys.readouterr().out
    assert (out / "adapter_model.safetensors").exists()
    assert main(args) == 0
    assert (tmp_path / "adapter-v2" / "adapter_model.safetensors").exists()
    assert main([*args, "--sampled-softmax"]) == 0
    configs = [
        json.loads((tmp_path / name / "training.json").read_text())["config"]
        for name in ("adapter", "adapter-v3")
    ]
    assert configs[0]["sampled_softmax"] is False
    assert configs[1]["sampled_softmax"] is True
    pytest.importorskip("ctransformers")
    assert (
        main(
            [
                "export",
                "--model",
                str(base_dir),
                "--adapter",
                str(out),
                "--format",
                "ggml",
                "--out",
                str(tmp_path / "exp" / "m.bin"),
            ]
        )
        == 0
    )
    assert ": same" in capsys.readouterr().out


def test_train_usage_errors(corpus_dir: Path, tmp_path: Path) -> None:
    assert main(["train", str(corpus_dir), "--out", str(tmp_path / "a")]) == 2
    assert (
        main(["train", str(tmp_path / "missing"), "--from-scratch", "--out", str(tmp_path / "a")])
        == 2
    )
