"""The ``ctransformers`` backend: GGML/GGUF files of older architectures on CPU.

It exists to run the files ``plantls export`` writes for plantls's own GPT-2 models
(``model_type="gpt2"``), and any other GGML/GGUF file ctransformers knows (gpt2, gptj,
gpt_neox, llama, starcoder, falcon, mpt, ...). ctransformers is no longer maintained, so the
backend leans on as little of it as it can: prompts are tokenised with the model directory's
own tokenizer (the ``tokenizer.json`` that ``plantls export`` writes next to the file, or
``tokenizer_dir``) and token ids go in and out, so this backend sees exactly the tokens the
``transformers`` backend sees. Decoding is greedy (top-k 1, no repetition penalty) unless the
request asks for a temperature.
"""

from __future__ import annotations

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

_EXTENSIONS = (".bin", ".ggml", ".gguf")


def _find_model_file(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _EXTENSIONS)
        if len(files) == 1:
            return files[0]
        if not files:
            raise BackendError(f"{path}: no .bin/.ggml/.gguf model file in this folder")
        raise BackendError(f"{path}: several model files; set model.path to one of them")
    raise BackendError(f"model file not found: {path}")


def _model_type_of(path: Path) -> str:
    """``gguf`` for GGUF files (ctransformers reads the architecture), else ``gpt2``."""
    with path.open("rb") as f:
        head = f.read(4)
    return "gguf" if head == b"GGUF" else "gpt2"


class CTransformersBackend:
    """A GGML/GGUF model through ctransformers, with the model directory's tokenizer."""

    name = "ctransformers"

    def __init__(
        self,
        path: str | Path,
        tokenizer_dir: str | Path | None = None,
        model_type: str | None = None,
        threads: int | None = None,
        context_length: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.tokenizer_dir = Path(tokenizer_dir) if tokenizer_dir else None
        self.model_type = model_type
        self.threads = threads
        self.context_length = context_length
        self._llm: Any = None
        self._tokenizer: Any = None
        self._eos: set[int] = set()

    def load(self) -> None:
        """Load the file and the tokenizer; BackendError with a clear message on failure."""
        try:
            from ctransformers import AutoModelForCausalLM
        except ImportError as exc:
            raise BackendError(
                "the ctransformers backend needs the ctransformers package: "
                "pip install 'plantls[ctransformers]'"
            ) from exc
        file = _find_model_file(self.path)
        tok_dir = self.tokenizer_dir or file.parent
        if not (tok_dir / "tokenizer.json").exists() and not (
            tok_dir / "tokenizer_config.json"
        ).exists():
            raise BackendError(
                f"{tok_dir}: no tokenizer files; plantls export writes them next to the model "
                "file (or set the tokenizer folder)"
            )
        try:
            from plantls.train.models import load_tokenizer

            self._tokenizer = load_tokenizer(tok_dir)
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load the tokenizer in {tok_dir}: {exc}") from exc
        kwargs: dict[str, Any] = {"model_type": self.model_type or _model_type_of(file)}
        if self.threads:
            kwargs["threads"] = self.threads
        if self.context_length:
            kwargs["context_length"] = self.context_length
        try:
            self._llm = AutoModelForCausalLM.from_pretrained(str(file), **kwargs)
        except (OSError, ValueError, RuntimeError) as exc:
            raise BackendError(
                f"ctransformers cannot load {file}: {exc}. It reads GGML/GGUF files of the "
                "architectures it knows (gpt2, gptj, gpt_neox, llama, starcoder, falcon, mpt)."
            ) from exc
        eos = getattr(self._tokenizer, "eos_token_id", None)
        self._eos = {int(eos)} if eos is not None else set()

    def tokenizer(self) -> Tokenizer | None:
        """The model directory's tokenizer (after load)."""
        return self._tokenizer

    def generate(
        self, request: GenerationRequest, cancel: CancelToken | None = None
    ) -> GenerationResult:
        """Greedy (or sampled) generation from token ids, with stops and cancellation."""
        if self._llm is None:
            self.load()
        llm, tok = self._llm, self._tokenizer
        ids = list(request.prompt_ids) if request.prompt_ids is not None else [
            int(i) for i in tok.encode(request.prompt, add_special_tokens=False)
        ]
        ctx = llm.context_length
        budget = max(1, request.max_new_tokens)
        if len(ids) + budget > ctx:
            ids = ids[-max(1, ctx - budget):]
        start = time.perf_counter()
        first: float | None = None
        out: list[int] = []
        text = ""
        finish = "length"
        greedy = request.temperature <= 0
        try:
            todo = llm.prepare_inputs_for_generation(ids, reset=True)
            llm.eval(todo)
            while len(out) < budget:
                if cancel is not None and cancel.cancelled:
                    finish = "cancelled"
                    break
                token = int(llm.sample(
                    top_k=1 if greedy else 40, top_p=1.0,
                    temperature=1.0 if greedy else request.temperature,
                    repetition_penalty=1.0, last_n_tokens=64, seed=0,
                ))
                if first is None:
                    first = time.perf_counter() - start
                if token in self._eos:
                    finish = "stop"
                    break
                out.append(token)
                text = tok.decode(out, skip_special_tokens=False)
                cut = _stop_at(text, request.stop)
                if cut is not None:
                    text = text[:cut]
                    finish = "stop"
                    break
                if len(out) < budget:
                    llm.eval([token])
        except RuntimeError as exc:
            raise BackendError(f"ctransformers failed while generating: {exc}") from exc
        seconds = time.perf_counter() - start
        return GenerationResult(
            text=text, prompt_tokens=len(ids), generated_tokens=len(out), seconds=seconds,
            first_token_seconds=first, finish=finish,  # type: ignore[arg-type]
            extra={"token_ids": out},
        )

    def close(self) -> None:
        """Free the model."""
        self._llm = None


def _stop_at(text: str, stops: tuple[str, ...]) -> int | None:
    cuts = [i for i in (text.find(s) for s in stops if s) if i >= 0]
    return min(cuts) if cuts else None


def first_tokens(path: Path, ids: list[int], n: int) -> list[int]:
    """Greedy first ``n`` token ids for a prompt (the export check)."""
    from ctransformers import AutoModelForCausalLM

    llm = AutoModelForCausalLM.from_pretrained(str(path), model_type=_model_type_of(path))
    llm.eval(list(ids))
    out: list[int] = []
    for _ in range(n):
        token = int(llm.sample(top_k=1, top_p=1.0, temperature=1.0, repetition_penalty=1.0,
                               last_n_tokens=64, seed=0))
        out.append(token)
        llm.eval([token])
    return out
