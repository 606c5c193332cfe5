"""Model fixtures: a tiny GPT-2 trained on generated ST in seconds (session-scoped, cached in
the temp dir across runs), a LoRA adapter for it, one for another base, and broken models."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_model_dir() -> Path:
    """The tiny model (tokenizer with plantls's FIM tokens, 2-layer GPT-2, safetensors)."""
    return tiny_model.cached()


@pytest.fixture(scope="session")
def adapter_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA adapter for the tiny model (randomly initialised B, so it changes the output)."""
    return tiny_model.adapter(tiny_model_dir, tmp_path_factory.mktemp("adapter"))


@pytest.fixture(scope="session")
def foreign_adapter_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA adapter for another base model (other hidden size)."""
    other = tiny_model.untrained(tiny_model_dir, tmp_path_factory.mktemp("other-base"), hidden=32)
    return tiny_model.adapter(other, tmp_path_factory.mktemp("foreign-adapter"))


@pytest.fixture(scope="session")
def corrupt_model_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with its safetensors file truncated."""
    out = tmp_path_factory.mktemp("corrupt")
    for item in tiny_model_dir.iterdir():
        shutil.copy(item, out / item.name)
    weights = out / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 3])
    return out


@pytest.fixture(scope="session")
def pickle_model_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder with only pytorch_model.bin (pickle) weights."""
    out = tmp_path_factory.mktemp("pickle")
    for item in tiny_model_dir.iterdir():
        if item.suffix != ".safetensors":
            shutil.copy(item, out / item.name)
    (out / "pytorch_model.bin").write_bytes(b"not really a pickle")
    return out
