"""llama.cpp backend (llama-cpp-python, an optional extra): any GGUF file, quantized, on CPU."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from plantls.ai.backends.base import (
    BackendError,
    CancelToken,
    GenerationRequest,
    GenerationResult,
    Tokenizer,
)
from plantls.train.special_tokens import NEVER_GENERATED


class LlamaTokenizer:
    """llama.cpp's own tokenizer behind the plantls Tokenizer interface."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self.eos_token_id = llm.token_eos()

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        """Token ids (special tokens in the text are parsed as such)."""
        data = text.encode("utf-8")
        return list(self._llm.tokenize(data, add_bos=add_special_tokens, special=True))

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        """Text of token ids."""
        return bytes(self._llm.detokenize(ids)).decode("utf-8", errors="replace")

    def __contains__(self, token: object) -> bool:
        """True when ``token`` is one token of the vocabulary (used to detect FIM tokens)."""
        if not isinstance(token, str):
            return False
        try:
            return len(self._llm.tokenize(token.encode("utf-8"), add_bos=False, special=True)) == 1
        except Exception:
            return False


class LlamaCppBackend:
    """A GGUF model run by llama.cpp."""

    name = "llamacpp"

    def __init__(self, path: str, n_ctx: int = 2048, threads: int = 0) -> None:
        self.path = path
        self.n_ctx = n_ctx
        self.threads = threads or max(1, (os.cpu_count() or 2))
        self.context_length: int | None = None
        self.has_chat_template = False
        self._llm: Any = None
        self._tok: LlamaTokenizer | None = None
        self._never: dict[int, float] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Open the GGUF file."""
        path = Path(self.path).expanduser()
        if not self.path or not path.is_file():
            raise BackendError(f"model.path {path} is not a GGUF file")
        if path.suffix.lower() != ".gguf":
            raise BackendError(f"model.path {path} is not a .gguf file")
        try:
            from llama_cpp import Llama
        except ImportError:
            raise BackendError(
                "model.backend = 'llamacpp' needs llama-cpp-python: "
                "pip install 'plantls[llamacpp]' (it builds llama.cpp, about 8 minutes)"
            ) from None
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=self.n_ctx,
                n_threads=self.threads,
                verbose=False,
                logits_all=False,
            )
        except Exception as exc:
            raise BackendError(f"llama.cpp cannot load {path}: {str(exc)[:200]}") from None
        self._tok = LlamaTokenizer(self._llm)
        meta = getattr(self._llm, "metadata", {}) or {}
        # never past the positions the model was trained on: a GPT-2 GGUF has no more
        # position rows than that, and llama.cpp aborts the whole process beyond them
        trained = str(meta.get(f"{meta.get('general.architecture', '')}.context_length", ""))
        self.context_length = int(self._llm.n_ctx())
        if trained.isdigit() and int(trained) > 0:
            self.context_length = min(self.context_length, int(trained))
        self.has_chat_template = "tokenizer.chat_template" in meta
        self._never = {
            ids[0]: -100.0
            for token in NEVER_GENERATED
            if len(ids := self._llm.tokenize(token.encode(), add_bos=False, special=True)) == 1
        }

    def tokenizer(self) -> Tokenizer | None:
        """llama.cpp's tokenizer for the GGUF vocabulary."""
        return self._tok

    def generate(
        self, request: GenerationRequest, cancel: CancelToken | None = None
    ) -> GenerationResult:
        """Stream tokens; stop on a stop sequence, the budget or cancellation."""
        if self._llm is None or self._tok is None:
            raise BackendError("the model is not loaded")
        t0 = time.perf_counter()
        ids = (
            list(request.prompt_ids)
            if request.prompt_ids is not None
            else self._tok.encode(request.prompt)
        )
        room = (self.context_length or self.n_ctx) - request.max_new_tokens
        ids = ids[-max(1, room) :]
        first: float | None = None
        parts: list[str] = []
        generated = 0
        finish: Any = "length"
        with self._lock:
            try:
                stream = self._llm.create_completion(
                    prompt=ids,
                    max_tokens=request.max_new_tokens,
                    temperature=request.temperature,
                    stop=list(request.stop) or None,
                    logit_bias=self._never or None,
                    stream=True,
                )
                for chunk in stream:
                    if cancel is not None and cancel.cancelled:
                        finish = "cancelled"
                        break
                    choice = chunk["choices"][0]
                    if first is None:
                        first = time.perf_counter() - t0
                    parts.append(choice.get("text") or "")
                    generated += 1
                    if choice.get("finish_reason") == "stop":
                        finish = "stop"
                if finish == "cancelled":
                    stream.close()
            except Exception as exc:
                raise BackendError(f"llama.cpp generation failed: {str(exc)[:200]}") from None
        text = "".join(parts)
        generated = min(generated, request.max_new_tokens)
        if finish == "length" and generated < request.max_new_tokens:
            finish = "stop"
        return GenerationResult(
            text=text,
            prompt_tokens=len(ids),
            generated_tokens=generated,
            seconds=time.perf_counter() - t0,
            first_token_seconds=first,
            finish=finish,
        )

    def close(self) -> None:
        """Free the model."""
        if self._llm is not None:
            close = getattr(self._llm, "close", None)
            if callable(close):
                close()
        self._llm = None
        self._tok = None
