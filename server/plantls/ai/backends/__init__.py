"""Model backends behind one small interface (see :mod:`plantls.ai.backends.base`)."""

from __future__ import annotations

from pathlib import Path

from plantls.ai.backends.base import Backend, BackendError
from plantls.core.settings import ModelSettings

BACKENDS = ("transformers", "llamacpp", "ctransformers", "openai")


def create_backend(model: ModelSettings) -> Backend | None:
    """The backend the settings ask for (not loaded yet), or None for ``none``.

    Raises BackendError when the settings cannot name a usable backend.
    """
    kind = model.backend
    if kind == "none":
        return None
    if kind == "transformers":
        from plantls.ai.backends.transformers_backend import TransformersBackend

        return TransformersBackend(
            model.path, model.adapter, model.device, model.merge_adapter, model.threads
        )
    if kind == "llamacpp":
        from plantls.ai.backends.llamacpp_backend import LlamaCppBackend

        return LlamaCppBackend(model.path, threads=model.threads)
    if kind == "ctransformers":
        from plantls.ai.backends.ctransformers_backend import CTransformersBackend

        path = Path(model.path).expanduser()
        tokenizer_dir = path.parent if path.is_file() else None
        return CTransformersBackend(path, tokenizer_dir, threads=model.threads or None)
    if kind == "openai":
        from plantls.ai.backends.openai_backend import OpenAIBackend

        if not model.url:
            raise BackendError("model.backend is 'openai' but model.url is empty")
        return OpenAIBackend(
            model.url,
            model=model.name,
            api_key_env=model.api_key_env,
            timeout_s=model.timeout_ms / 1000,
            tokenizer_path=model.path,
        )
    raise BackendError(f"unknown model.backend {kind!r}; use one of {', '.join(BACKENDS)}")
