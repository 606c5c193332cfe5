"""Prompt-framing tokens (<fim_suffix>, file-type tokens, ...) never appear in a completion,
from the editor's transformers backend or from `plantls eval`, even from a model that
prefers them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import torch

from plantls.ai.backends.base import GenerationRequest
from plantls.ai.backends.transformers_backend import TransformersBackend
from plantls.eval.runner import load_models
from plantls.train.special_tokens import FIM_SUFFIX, NEVER_GENERATED

PROMPT = "<|lang:iec-st|>PROGRAM P_Motor\nVAR\n    bStart : BOOL;\n"
VISIBLE = "END"


def _visible_id(tok: Any) -> int:
    ids = tok.encode(VISIBLE, add_special_tokens=False)
    assert tok.decode(ids[:1]) == VISIBLE[: len(tok.decode(ids[:1]))]
    return int(ids[0])


@pytest.fixture(scope="module")
def fim_loving_model(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model changed so that <fim_suffix> is by far its most likely next token and
    the token of VISIBLE the runner-up."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path_factory.mktemp("fim-loving")
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model: Any = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    suffix_id = tok.convert_tokens_to_ids(FIM_SUFFIX)
    with torch.no_grad():
        direction = torch.randn(model.config.n_embd, generator=torch.Generator().manual_seed(0))
        direction = 5 * direction / direction.norm()
        model.transformer.wte.weight[suffix_id] = direction  # tied with the output layer
        model.transformer.wte.weight[_visible_id(tok)] = 0.9 * direction
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.copy_(10 * direction)
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (tiny_model_dir / name).exists():
            shutil.copy(tiny_model_dir / name, out / name)
    # without the suppression the model writes <fim_suffix> first: the tests below can fail
    ids = torch.tensor([tok.encode(PROMPT, add_special_tokens=False)])
    first = model.generate(ids, max_new_tokens=1, do_sample=False, pad_token_id=0)[0, -1]
    assert int(first) == suffix_id
    return out


def test_the_editor_backend_never_writes_framing_tokens(fim_loving_model: Path) -> None:
    backend = TransformersBackend(str(fim_loving_model))
    backend.load()
    result = backend.generate(GenerationRequest(PROMPT, max_new_tokens=8))
    assert result.generated_tokens == 8
    assert not any(token in result.text for token in NEVER_GENERATED), result.text
    assert result.text.startswith(VISIBLE[:1]), result.text


def test_eval_never_writes_framing_tokens(fim_loving_model: Path) -> None:
    (model,) = load_models(fim_loving_model, None)
    result = model.backend.generate(GenerationRequest(PROMPT, max_new_tokens=8))
    assert result.generated_tokens == 8
    assert not any(token in result.text for token in NEVER_GENERATED), result.text
    assert result.text.startswith(VISIBLE[:1]), result.text


def test_llamacpp_never_writes_framing_tokens(fim_loving_model: Path, tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("gguf")
    from plantls.ai.backends.llamacpp_backend import LlamaCppBackend
    from plantls.train.export import export

    gguf = export(fim_loving_model, None, "gguf", tmp_path / "m.gguf").path
    backend = LlamaCppBackend(str(gguf))
    backend.load()
    result = backend.generate(GenerationRequest(PROMPT, max_new_tokens=8))
    # llama.cpp leaves special tokens out of the text: without the suppression it would
    # generate eight invisible <fim_suffix> tokens and return ""
    assert result.text.startswith(VISIBLE[:1]), result.text


def test_llamacpp_keeps_prompts_within_the_trained_positions(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    # a GPT-2 GGUF has as many position rows as it was trained on; llama.cpp aborts the
    # process when a prompt runs past them, so the backend must cut long prompts to fit
    pytest.importorskip("llama_cpp")
    pytest.importorskip("gguf")
    from plantls.ai.backends.llamacpp_backend import LlamaCppBackend
    from plantls.train.export import export

    gguf = export(tiny_model_dir, None, "gguf", tmp_path / "m.gguf").path
    backend = LlamaCppBackend(str(gguf))
    backend.load()
    assert backend.context_length == 512
    long_prompt = PROMPT + "    nCount : INT;\n" * 400
    result = backend.generate(GenerationRequest(long_prompt, max_new_tokens=8))
    assert result.prompt_tokens <= 512 - 8
    assert result.generated_tokens > 0
