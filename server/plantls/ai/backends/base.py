"""The one interface every model backend implements.

A backend turns a prompt into text with a token budget, stop sequences and cancellation, and
reports token counts and timings. Backends raise :class:`BackendError` with a message meant
for the user (what is wrong and what to do) and never let library exceptions escape.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal, Protocol


class BackendError(Exception):
    """A model problem explained for the user (missing files, bad weights, server down)."""


class CancelToken:
    """Set by the caller to stop a generation early; backends check it between tokens."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the generation to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate.

    ``prompt_ids`` (token ids from the model's own tokenizer) take precedence over ``prompt``
    when a backend can take ids, so every backend sees the same tokens.
    """

    prompt: str
    max_new_tokens: int = 48
    stop: tuple[str, ...] = ()
    prompt_ids: tuple[int, ...] | None = None
    temperature: float = 0.0
    suffix: str = ""
    """Text after the hole, for servers that build the FIM prompt themselves (``openai``'s
    ``suffix``); backends given a finished FIM ``prompt`` ignore it."""


@dataclass
class GenerationResult:
    """What came back, with counts and timings."""

    text: str
    prompt_tokens: int
    generated_tokens: int
    seconds: float
    first_token_seconds: float | None = None
    finish: Literal["stop", "length", "cancelled"] = "length"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def tokens_per_second(self) -> float:
        """Generated tokens per second of generation."""
        return self.generated_tokens / self.seconds if self.seconds > 0 else 0.0


class Tokenizer(Protocol):
    """The part of a tokenizer plantls needs (a Hugging Face tokenizer fits)."""

    def encode(self, text: str, add_special_tokens: bool = ...) -> list[int]:
        """Token ids of a text."""
        ...

    def decode(self, ids: list[int], skip_special_tokens: bool = ...) -> str:
        """Text of token ids."""
        ...


class Scorer(Protocol):
    """Optional: a backend that can score text (used for unusual-line hints)."""

    def token_logprobs(self, ids: list[int]) -> list[float]:
        """Natural-log probability of each token after the first, given those before it."""
        ...


class Backend(Protocol):
    """A loaded (or loadable) model."""

    name: str

    def load(self) -> None:
        """Load weights or connect; raise BackendError with a clear message on failure."""
        ...

    def generate(
        self, request: GenerationRequest, cancel: CancelToken | None = None
    ) -> GenerationResult:
        """Generate text; stop at a stop sequence, the token budget or cancellation."""
        ...

    def tokenizer(self) -> Tokenizer | None:
        """The model's tokenizer, when the backend has one locally."""
        ...

    def close(self) -> None:
        """Free memory and connections."""
        ...


def context_length(backend: object, default: int = 2048) -> int:
    """The model's context window in tokens: the backend's optional ``context_length``
    attribute (or method), else ``default``."""
    value = getattr(backend, "context_length", None)
    if callable(value):
        value = value()
    return value if isinstance(value, int) and value > 0 else default
