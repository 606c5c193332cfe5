"""Tiny models for tests: a from-scratch GPT-2 and a LoRA adapter, trained in seconds.

Tests of the model runtime and of training use these so that nothing is mocked::

    from plantls.train.tiny import tiny_model, tiny_adapter
    model_dir = tiny_model(tmp_path / "m")          # tokenizer + GPT-2, a few steps
    adapter = tiny_adapter(model_dir, tmp_path / "a")
"""

from __future__ import annotations

from pathlib import Path

from plantls.train.synth import write_corpus
from plantls.train.trainer import TrainConfig, train_adapter, train_from_scratch


def tiny_config(**overrides: object) -> TrainConfig:
    """A configuration that trains in about a second on one CPU core."""
    cfg = TrainConfig(
        max_steps=6,
        batch_size=4,
        max_length=96,
        learning_rate=5e-3,
        warmup_steps=1,
        fim_per_file=2,
        context_chars=300,
        checkpoint_every=2,
        vocab_size=400,
        n_embd=32,
        n_layer=2,
        n_head=2,
        n_positions=128,
        lora_r=4,
        lora_alpha=8,
        max_examples=64,
        validation_share=0.2,
        threads=1,
    )
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return cfg


def tiny_corpus(out: Path, seed: int = 0) -> Path:
    """A small generated corpus (ST projects, a feeder, recipes) under ``out``."""
    write_corpus(out, seed=seed, n_st=3, n_dss=1, n_recipes=2)
    return out


def tiny_model(out: Path, seed: int = 0, steps: int = 6) -> Path:
    """Train a tiny GPT-2 with plantls's tokenizer from scratch; returns its directory."""
    data = tiny_corpus(out.parent / f".{out.name}-data", seed)
    return train_from_scratch(
        [data], out, tiny_config(seed=seed, max_steps=steps), progress=False
    ).out


def tiny_adapter(model_dir: Path, out: Path, seed: int = 0, steps: int = 6) -> Path:
    """Train a tiny LoRA adapter for ``model_dir``; returns its directory."""
    data = tiny_corpus(out.parent / f".{out.name}-data", seed + 1)
    return train_adapter(
        [data], model_dir, out, tiny_config(seed=seed, max_steps=steps), progress=False
    ).out
