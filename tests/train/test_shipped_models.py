"""The shipped models: small enough for git, plantls's tokens, adapters that fit their base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantls.train.special_tokens import SPECIAL_TOKENS

MODELS = Path(__file__).parents[2] / "models"
TINY = MODELS / "plantls-tiny"

pytestmark = pytest.mark.skipif(not TINY.exists(), reason="models/plantls-tiny not built")


def test_tiny_is_small_and_has_the_contract_tokens() -> None:
    size = sum(p.stat().st_size for p in TINY.rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024
    assert json.loads((TINY / "config.json").read_text())["model_type"] == "gpt2"
    vocab = {
        t["content"] for t in json.loads((TINY / "tokenizer.json").read_text())["added_tokens"]
    }
    assert set(SPECIAL_TOKENS) <= vocab
    assert not list(TINY.glob("*.bin")) and not list(TINY.glob("*.pt"))
    assert (TINY / "README.md").exists() and (TINY / "training_card.md").exists()


def test_adapters_fit_the_base() -> None:
    adapters = (
        [p for p in (MODELS / "adapters").iterdir() if p.is_dir()]
        if (MODELS / "adapters").exists()
        else []
    )
    for adapter in adapters:
        cfg = json.loads((adapter / "adapter_config.json").read_text())
        assert cfg["peft_type"] == "LORA"
        assert Path(cfg["base_model_name_or_path"]).name == "plantls-tiny"
        assert (adapter / "adapter_model.safetensors").exists()
        assert (adapter / "README.md").exists()
