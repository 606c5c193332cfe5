"""The transformers backend with the tiny trained model: loading, generation, stops,
cancellation that stops generation early, scoring, and the refusals (pickle, corrupt weights,
an adapter for another base, missing folders)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plantls.ai.backends import create_backend
from plantls.ai.backends.base import BackendError, CancelToken, GenerationRequest
from plantls.ai.backends.transformers_backend import TransformersBackend, line_break_ids
from plantls.core.settings import ModelSettings

PROMPT = "<|lang:iec-st|>PROGRAM P_Motor\nVAR\n    bStart : BOOL;\n"


@pytest.fixture(scope="module")
def backend(tiny_model_dir: Path) -> TransformersBackend:
    b = TransformersBackend(str(tiny_model_dir))
    b.load()
    return b


def test_loads_offline_and_generates(backend: TransformersBackend) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert backend.context_length == 512
    result = backend.generate(GenerationRequest(PROMPT, max_new_tokens=12))
    assert result.generated_tokens == 12 or result.finish == "stop"
    assert result.prompt_tokens > 5
    assert result.text
    assert result.tokens_per_second > 0
    assert result.first_token_seconds is not None


def test_prompt_ids_take_precedence(backend: TransformersBackend) -> None:
    tok = backend.tokenizer()
    assert tok is not None
    ids = tuple(tok.encode(PROMPT, add_special_tokens=False))
    a = backend.generate(GenerationRequest("ignored", max_new_tokens=6, prompt_ids=ids))
    b = backend.generate(GenerationRequest(PROMPT, max_new_tokens=6))
    assert a.text == b.text


def test_stop_sequence(backend: TransformersBackend) -> None:
    result = backend.generate(GenerationRequest(PROMPT, max_new_tokens=60, stop=("\n",)))
    assert "\n" not in result.text
    assert result.finish == "stop"
    assert result.generated_tokens < 60


def test_lead_newline(backend: TransformersBackend) -> None:
    """A prompt one line break short: the model writes the line break, the stops apply after it
    (plantls eval's prompts for holes at a line start)."""
    request = GenerationRequest(PROMPT[:-1], max_new_tokens=60, stop=("\n",))
    plain = backend.generate(request)
    assert plain.text == "" and plain.finish == "stop"  # stopped by the model's line break
    led = backend.generate(request, lead_newline=True)
    assert led.text.strip() and "\n" not in led.text, led.text
    assert led.finish == "stop" and led.generated_tokens > plain.generated_tokens


def test_lead_newline_starts_a_new_line(backend: TransformersBackend) -> None:
    """With ``lead_newline`` the first token starts with a line break even where the model
    would rather go on with the line before, so the answer is always a next line."""
    request = GenerationRequest(PROMPT + "    bSt", max_new_tokens=1)
    plain = backend.generate(request)
    assert plain.text.strip(), plain.text  # the model goes on with the identifier
    led = backend.generate(request, lead_newline=True)
    assert led.generated_tokens == 1 and not led.text.strip(), led.text


def test_line_break_ids(backend: TransformersBackend) -> None:
    tok = backend.tokenizer()
    ids = line_break_ids(tok)
    assert tok.encode("\n", add_special_tokens=False)[0] in ids
    assert all(tok.decode([i]).startswith("\n") for i in ids)
    assert tok.encode("VAR", add_special_tokens=False)[0] not in ids


class CancelAfter(CancelToken):
    """Cancelled after the backend has looked at it ``n`` times (once per generated token)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.checks = 0

    @property
    def cancelled(self) -> bool:
        self.checks += 1
        return self.checks > self.n or super().cancelled


def test_cancellation_stops_generation_early(backend: TransformersBackend) -> None:
    token = CancelAfter(3)
    result = backend.generate(GenerationRequest(PROMPT, max_new_tokens=200), token)
    assert result.finish == "cancelled"
    assert result.generated_tokens <= 5  # stopped right after the 4th token, not at 200


def test_cancelled_before_start(backend: TransformersBackend) -> None:
    token = CancelToken()
    token.cancel()
    result = backend.generate(GenerationRequest(PROMPT, max_new_tokens=50), token)
    assert (result.finish, result.generated_tokens) == ("cancelled", 0)


def test_token_logprobs(backend: TransformersBackend) -> None:
    tok = backend.tokenizer()
    assert tok is not None
    ids = tok.encode("PROGRAM P_Motor\nVAR\n    bStart : BOOL;\n", add_special_tokens=False)
    logprobs = backend.token_logprobs(ids)
    assert len(logprobs) == len(ids) - 1
    assert all(lp <= 0 for lp in logprobs)


def test_adapter_loaded_and_merged(tiny_model_dir: Path, adapter_dir: Path,
                                   backend: TransformersBackend) -> None:
    base = backend.generate(GenerationRequest(PROMPT, max_new_tokens=8))
    merged = TransformersBackend(str(tiny_model_dir), str(adapter_dir), merge_adapter=True)
    merged.load()
    unmerged = TransformersBackend(str(tiny_model_dir), str(adapter_dir), merge_adapter=False)
    unmerged.load()
    assert type(unmerged._model).__name__.startswith("PeftModel")
    assert type(merged._model).__name__ == "GPT2LMHeadModel"
    a = merged.generate(GenerationRequest(PROMPT, max_new_tokens=8))
    b = unmerged.generate(GenerationRequest(PROMPT, max_new_tokens=8))
    assert a.text == b.text
    assert a.text != base.text  # the adapter changes what the model says


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d["missing"], "does not exist"),
        (lambda d: d["corrupt"], "corrupt or truncated"),
        (lambda d: d["pickle"], "safetensors only"),
        (lambda d: d["file"], "not a .gguf file"),
    ],
)
def test_clear_errors(make, needle: str, tiny_model_dir: Path, corrupt_model_dir: Path,
                      pickle_model_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "weights.txt").write_text("x")
    dirs = {
        "missing": tmp_path / "nope",
        "corrupt": corrupt_model_dir,
        "pickle": pickle_model_dir,
        "file": tmp_path / "weights.txt",
    }
    with pytest.raises(BackendError, match=needle):
        TransformersBackend(str(make(dirs))).load()


def test_adapter_for_another_base(tiny_model_dir: Path, foreign_adapter_dir: Path) -> None:
    with pytest.raises(BackendError, match="another base model"):
        TransformersBackend(str(tiny_model_dir), str(foreign_adapter_dir)).load()


def test_pickle_adapter_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "adapter_config.json").write_text("{}")
    (tmp_path / "adapter_model.bin").write_bytes(b"x")
    with pytest.raises(BackendError, match="safetensors only"):
        TransformersBackend(str(tiny_model_dir), str(tmp_path)).load()


def test_cuda_requested_without_cuda_falls_back(tiny_model_dir: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    b = create_backend(ModelSettings(backend="transformers", path=str(tiny_model_dir),
                                     device="cuda"))
    assert b is not None
    b.load()
    assert b.device == "cpu"  # type: ignore[attr-defined]
    assert "CUDA is not available" in b.notes[0]  # type: ignore[attr-defined]


def test_factory() -> None:
    assert create_backend(ModelSettings()) is None
    with pytest.raises(BackendError, match=r"model\.url is empty"):
        create_backend(ModelSettings(backend="openai"))
