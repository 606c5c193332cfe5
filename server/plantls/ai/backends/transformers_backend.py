"""Hugging Face transformers backend: a local causal LM directory (or GGUF file), with an
optional peft LoRA adapter, on CPU or CUDA.

Safety: weights load from safetensors only (``.bin``/pickle files are refused), remote code is
never trusted and the hub is never contacted (``local_files_only`` and ``HF_HUB_OFFLINE``),
even when the network is up. A GGUF file is read through transformers' own ``gguf_file=``
support (dequantised to torch tensors).
"""

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
from plantls.train.special_tokens import never_generated_ids

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")


def force_offline() -> None:
    """Make every Hugging Face library refuse network access in this process."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:  # huggingface_hub reads the variable at import time
        from huggingface_hub import constants

        constants.HF_HUB_OFFLINE = True
    except Exception:
        pass


def check_safetensors(folder: Path, what: str, allow_empty: bool = False) -> list[Path]:
    """The folder's safetensors files, each with a readable header; BackendError otherwise."""
    tensors = sorted(folder.glob("*.safetensors"))
    if not tensors:
        pickles = [p.name for p in folder.iterdir() if p.suffix.lower() in PICKLE_SUFFIXES]
        if pickles:
            raise BackendError(
                f"{what} {folder} has only pickle weights ({', '.join(sorted(pickles)[:3])}); "
                "plantls loads safetensors only, because pickle files can run code. Convert "
                "them with `model.save_pretrained(dir, safe_serialization=True)` on a trusted "
                "machine."
            )
        if allow_empty:
            return []
        raise BackendError(f"{what} {folder} has no *.safetensors weights")
    from safetensors import safe_open

    for path in tensors:
        try:
            with safe_open(str(path), framework="pt") as f:
                keys = list(f.keys())
                if keys:
                    f.get_slice(keys[-1])
            size = path.stat().st_size
        except Exception as exc:
            raise BackendError(
                f"{what} weights {path} are corrupt or truncated ({_short(exc)}); "
                "copy or export the model again"
            ) from None
        if size < 8:
            raise BackendError(f"{what} weights {path} are empty")
    return tensors


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


class _Stopper:
    """A transformers StoppingCriteria: stop sequences, cancellation, first-token time."""

    def __init__(
        self,
        start: int,
        stops: tuple[str, ...],
        cancel: CancelToken | None,
        tokenizer: Any,
        t0: float,
        lead_newline: bool = False,
    ) -> None:
        self.start = start
        self.stops = stops
        self.cancel = cancel
        self.tokenizer = tokenizer
        self.t0 = t0
        self.lead_newline = lead_newline
        self.first: float | None = None
        self.cancelled = False
        self.stopped = False
        self.tail = max((len(s) for s in stops), default=0)

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        if self.first is None:
            self.first = time.perf_counter() - self.t0
        done = False
        if self.cancel is not None and self.cancel.cancelled:
            self.cancelled = done = True
        elif self.stops:
            new = input_ids[0, self.start :].tolist()
            # The stop can only end in the last token: look at a window of recent tokens.
            recent = new[-(self.tail + 8) :]
            window = self.tokenizer.decode(recent, skip_special_tokens=False)
            if self.lead_newline and len(recent) == len(new) and window.startswith("\n"):
                window = window[1:]
            if any(s in window for s in self.stops):
                self.stopped = done = True
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)


class _FirstTokenOnly:
    """A transformers LogitsProcessor: the first generated token is one of ``allowed``."""

    def __init__(self, start: int, allowed: list[int]) -> None:
        self.start = start
        self.allowed = allowed

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if input_ids.shape[1] != self.start:
            return scores
        keep = scores[:, self.allowed]
        scores = scores.clone().fill_(float("-inf"))
        scores[:, self.allowed] = keep
        return scores


def line_break_ids(tokenizer: Any) -> list[int]:
    """The ids of every token whose text starts with a line break."""
    texts = tokenizer.batch_decode([[i] for i in range(len(tokenizer))], skip_special_tokens=False)
    return [i for i, text in enumerate(texts) if text.startswith("\n")]


class TransformersBackend:
    """A local model loaded with transformers (and peft for an adapter)."""

    name = "transformers"

    def __init__(
        self,
        path: str,
        adapter: str = "",
        device: str = "cpu",
        merge_adapter: bool = True,
        threads: int = 0,
    ) -> None:
        self.path = path
        self.adapter = adapter
        self.device = device or "cpu"
        self.merge_adapter = merge_adapter
        self.threads = threads
        self.notes: list[str] = []
        self.context_length: int | None = None
        self.has_chat_template = False
        self._model: Any = None
        self._tok: Any = None
        self._never: list[int] = []
        self._line_breaks: list[int] | None = None
        self._lock = threading.Lock()

    # -- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        """Load tokenizer, weights and adapter; BackendError with a clear message on failure."""
        force_offline()
        if not self.path:
            raise BackendError("model.path is empty: set it to a model folder or a .gguf file")
        path = Path(self.path).expanduser()
        if not path.exists():
            raise BackendError(f"model.path {path} does not exist")
        gguf_file: str | None = None
        folder = path
        if path.is_file():
            if path.suffix.lower() != ".gguf":
                raise BackendError(
                    f"model.path {path} is a file but not a .gguf file; point it at a model "
                    "folder (config.json, *.safetensors, tokenizer files) or a GGUF file"
                )
            folder, gguf_file = path.parent, path.name
        else:
            if not (path / "config.json").is_file():
                raise BackendError(
                    f"model.path {path} has no config.json; it is not a Hugging Face model folder"
                )
            check_safetensors(path, "model")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise BackendError(
                f"the transformers backend needs torch and transformers ({exc}); "
                "install plantls with the [model] extra"
            ) from None
        device = self.device
        if device.startswith("cuda") and not torch.cuda.is_available():
            self.notes.append(f"model.device is {device} but CUDA is not available; using CPU")
            device = "cpu"
        self.device = device
        if self.threads:
            torch.set_num_threads(self.threads)
        common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
        if gguf_file:
            common["gguf_file"] = gguf_file
        try:
            tok = AutoTokenizer.from_pretrained(str(folder), **common)
        except Exception as exc:
            raise BackendError(f"cannot load the tokenizer from {path}: {_short(exc)}") from None
        try:
            kwargs = dict(common)
            if not gguf_file:
                kwargs["use_safetensors"] = True
            if device.startswith("cuda"):
                kwargs["dtype"] = torch.float16
            model = AutoModelForCausalLM.from_pretrained(str(folder), **kwargs)
            model.to(device)  # type: ignore[arg-type]
        except (torch.OutOfMemoryError, MemoryError):
            raise BackendError(
                f"out of memory loading {path} on {device}; choose a smaller model or "
                "a quantized GGUF file with model.backend = 'llamacpp'"
            ) from None
        except Exception as exc:
            raise BackendError(f"cannot load the model from {path}: {_short(exc)}") from None
        if self.adapter:
            model = self._with_adapter(model, Path(self.adapter).expanduser())
        self._adopt(model, tok)

    @classmethod
    def around(cls, model: Any, tokenizer: Any) -> TransformersBackend:
        """A backend for a model and tokenizer already in memory (``plantls eval`` loads the
        base once and merges the adapter into a copy)."""
        backend = cls("")
        backend.device = str(next(model.parameters()).device)
        backend._adopt(model, tokenizer)
        return backend

    def _adopt(self, model: Any, tok: Any) -> None:
        model.eval()
        self._model, self._tok = model, tok
        self._never = never_generated_ids(tok)
        config = model.config
        for attr in ("max_position_embeddings", "n_positions", "max_sequence_length"):
            value = getattr(config, attr, None) or getattr(
                getattr(config, "text_config", None), attr, None
            )
            if isinstance(value, int) and value > 0:
                self.context_length = min(value, 8192)
                break
        self.has_chat_template = bool(getattr(tok, "chat_template", None))

    def _with_adapter(self, model: Any, adapter: Path) -> Any:
        if not adapter.is_dir() or not (adapter / "adapter_config.json").is_file():
            raise BackendError(
                f"model.adapter {adapter} is not a peft adapter folder (adapter_config.json)"
            )
        check_safetensors(adapter, "adapter")
        try:
            from peft import PeftModel
        except ImportError:
            raise BackendError("model.adapter needs peft; install plantls with [model]") from None
        try:
            peft_model = PeftModel.from_pretrained(
                model, str(adapter), is_trainable=False, local_files_only=True
            )
        except Exception as exc:
            text = str(exc)
            if "size mismatch" in text or "shape" in text or "Target modules" in text:
                raise BackendError(
                    f"the adapter {adapter} was trained for another base model than "
                    f"{self.path} ({_short(exc)}); point model.adapter at an adapter of this "
                    "model or model.path at the adapter's base"
                ) from None
            raise BackendError(f"cannot load the adapter {adapter}: {_short(exc)}") from None
        if self.merge_adapter:
            return peft_model.merge_and_unload()
        return peft_model

    # -- generation ---------------------------------------------------------------------------
    def tokenizer(self) -> Tokenizer | None:
        """The model's tokenizer."""
        tok: Tokenizer | None = self._tok
        return tok

    def _ids(self, request: GenerationRequest) -> list[int]:
        if request.prompt_ids is not None:
            return list(request.prompt_ids)
        return list(self._tok.encode(request.prompt, add_special_tokens=False))

    def generate(
        self,
        request: GenerationRequest,
        cancel: CancelToken | None = None,
        lead_newline: bool = False,
    ) -> GenerationResult:
        """Greedy (or sampled) generation with stops and cancellation between tokens.

        ``lead_newline``: the prompt ends one line break early (``plantls eval``'s prompts for
        holes at a line start, so that the model, not the prompt, picks the token for the line
        break and the indentation). The first token is then one that starts with a line break
        (the model may not go on with the line before), that line break is dropped from the
        text, and the stops apply after it.
        """
        if self._model is None:
            raise BackendError("the model is not loaded")
        import torch
        from transformers import StoppingCriteriaList

        t0 = time.perf_counter()
        ids = self._ids(request)
        room = (self.context_length or 2048) - request.max_new_tokens
        if room <= 0:
            raise BackendError("completion.max_tokens is larger than the model's context")
        ids = ids[-room:]
        if cancel is not None and cancel.cancelled:
            return GenerationResult("", len(ids), 0, 0.0, finish="cancelled")
        eos = self._tok.eos_token_id
        stopper = _Stopper(len(ids), request.stop, cancel, self._tok, t0, lead_newline)
        kwargs: dict[str, Any] = {
            "max_new_tokens": request.max_new_tokens,
            "stopping_criteria": StoppingCriteriaList([stopper]),
            "pad_token_id": self._tok.pad_token_id if self._tok.pad_token_id is not None else eos,
            "do_sample": request.temperature > 0,
        }
        if self._never:
            kwargs["suppress_tokens"] = self._never
        if lead_newline:
            from transformers import LogitsProcessorList

            if self._line_breaks is None:
                self._line_breaks = line_break_ids(self._tok)
            if self._line_breaks:
                first = _FirstTokenOnly(len(ids), self._line_breaks)
                kwargs["logits_processor"] = LogitsProcessorList([first])
        if request.temperature > 0:
            kwargs["temperature"] = request.temperature
        else:
            kwargs["temperature"] = None
            kwargs["top_p"] = None
            kwargs["top_k"] = None
        x = torch.tensor([ids], device=self.device)
        try:
            with self._lock, torch.inference_mode():
                out = self._model.generate(
                    input_ids=x, attention_mask=torch.ones_like(x), **kwargs
                )
        except (torch.OutOfMemoryError, MemoryError):
            raise BackendError(
                "out of memory while generating; lower completion.max_tokens"
            ) from None
        except Exception as exc:
            raise BackendError(f"generation failed: {_short(exc)}") from None
        seconds = time.perf_counter() - t0
        new = out[0, len(ids) :].tolist()
        finish: Any = "length"
        if eos is not None and eos in new:
            new = new[: new.index(eos)]
            finish = "stop"
        text = self._tok.decode(new, skip_special_tokens=False)
        if lead_newline and text.startswith("\n"):
            text = text[1:]
        cut = min((text.find(s) for s in request.stop if s in text), default=-1)
        if cut >= 0:
            text = text[:cut]
            finish = "stop"
        if stopper.cancelled:
            finish = "cancelled"
        return GenerationResult(
            text=text,
            prompt_tokens=len(ids),
            generated_tokens=len(out[0]) - len(ids),
            seconds=seconds,
            first_token_seconds=stopper.first,
            finish=finish,
            extra={"device": self.device},
        )

    def token_logprobs(self, ids: list[int]) -> list[float]:
        """Log-probability of each token after the first (one forward pass)."""
        import torch

        if self._model is None or len(ids) < 2:
            return []
        room = self.context_length or 2048
        out: list[float] = []
        start = 0
        while start < len(ids) - 1:
            chunk = ids[start : start + room]
            x = torch.tensor([chunk], device=self.device)
            with self._lock, torch.inference_mode():
                logits = self._model(input_ids=x).logits[0, :-1].float()
            logp = torch.log_softmax(logits, dim=-1)
            picked = logp.gather(1, x[0, 1:].unsqueeze(1)).squeeze(1)
            out.extend(picked.tolist())
            start += len(chunk) - 1
        return out

    def close(self) -> None:
        """Drop the weights."""
        self._model = None
        self._tok = None
