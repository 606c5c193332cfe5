"""Fixtures: a generated corpus and a tiny from-scratch model, trained once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from plantls.train.tiny import tiny_corpus, tiny_model


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated corpus of ST projects, a feeder and recipes."""
    return tiny_corpus(tmp_path_factory.mktemp("corpus"), seed=3)


@pytest.fixture(scope="session")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny GPT-2 with plantls's tokenizer, pretrained for a few steps."""
    return tiny_model(tmp_path_factory.mktemp("base") / "tiny", seed=0, steps=8)
