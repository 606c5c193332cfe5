"""Export: merged GGML that ctransformers loads with the same tokens as transformers; GGUF."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantls.ai.backends.base import CancelToken, GenerationRequest
from plantls.ai.backends.ctransformers_backend import CTransformersBackend
from plantls.eval.runner import load_models
from plantls.train.export import ExportError, check_prompt_ids, export
from plantls.train.tiny import tiny_adapter

pytest.importorskip("ctransformers")


@pytest.fixture(scope="module")
def adapter_dir(base_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_adapter(base_dir, tmp_path_factory.mktemp("adapter") / "a", steps=4)


def test_ggml_round_trip_with_adapter(base_dir: Path, adapter_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "export" / "model.bin"
    result = export(base_dir, adapter_dir, "ggml", out, check_tokens=12)
    assert result.checked and result.match
    assert len(result.check_tokens_transformers) == 12
    assert (out.parent / "tokenizer.json").exists()
    with pytest.raises(ExportError, match="never overwrites"):
        export(base_dir, adapter_dir, "ggml", out)

    # the backend gives the same text as transformers on the merged model
    backend = CTransformersBackend(out)
    backend.load()
    tuned = load_models(base_dir, adapter_dir)[1]
    ids = tuple(check_prompt_ids(tuned.backend.tokenizer()))
    req = GenerationRequest(prompt="", prompt_ids=ids, max_new_tokens=10)
    a, b = backend.generate(req), tuned.backend.generate(req)
    assert a.text == b.text and a.generated_tokens == b.generated_tokens
    assert a.prompt_tokens == len(ids)
    cancel = CancelToken()
    cancel.cancel()
    assert backend.generate(req, cancel).finish == "cancelled"
    backend.close()


def test_ggml_f16_and_gguf(base_dir: Path, tmp_path: Path) -> None:
    f16 = export(base_dir, None, "ggml", tmp_path / "f16" / "m.bin", dtype="f16", check=False)
    f32 = export(base_dir, None, "ggml", tmp_path / "f32" / "m.bin", check=False)
    assert f16.bytes < f32.bytes
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "g" / "m.gguf"
    export(base_dir, None, "gguf", path)
    reader = gguf.GGUFReader(str(path))
    names = {t.name for t in reader.tensors}
    assert {"token_embd.weight", "blk.0.attn_qkv.weight", "output_norm.weight"} <= names


def test_backend_errors_are_clear(tmp_path: Path) -> None:
    from plantls.ai.backends.base import BackendError

    with pytest.raises(BackendError, match="not found"):
        CTransformersBackend(tmp_path / "missing.bin").load()
    bad = tmp_path / "bad" / "m.bin"
    bad.parent.mkdir()
    bad.write_bytes(b"ggml" + b"\0" * 64)
    with pytest.raises(BackendError, match="tokenizer"):
        CTransformersBackend(bad).load()
