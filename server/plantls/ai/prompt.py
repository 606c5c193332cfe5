"""Prompt building: FIM (or prefix-only) prompts within the model's real token budget.

The budget is the model's context minus the generation budget. The domain-context header from
the language layer gets at most :data:`HEADER_SHARE` of it; the prefix gets
:data:`PREFIX_SHARE` of the rest and the suffix the remainder (unused room on one side goes to
the other). Lengths are measured with the model's own tokenizer; without one (a remote server),
they are estimated at :data:`CHARS_PER_TOKEN`.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from plantls.ai.backends.base import Tokenizer
from plantls.ai.fim import END_OF_TEXT, FimStyle, detect, lang_token

HEADER_SHARE = 0.15
PREFIX_SHARE = 0.75
CHARS_PER_TOKEN = 3.5
RESERVED_TOKENS = 8
MAX_CONTEXT = 4096
"""Even with a large model window, prompts stay small: latency grows with the prompt."""


@dataclass(frozen=True)
class Prompt:
    """A built prompt and what went into it."""

    text: str
    ids: tuple[int, ...] | None
    style: FimStyle | None
    header: str
    prefix: str
    suffix: str
    tokens: int
    stops: tuple[str, ...]
    server_suffix: str = ""
    """For servers that do FIM themselves (``suffix`` of /v1/completions)."""


class Budget:
    """Counting and cutting text in tokens of one tokenizer (or estimated)."""

    def __init__(self, tokenizer: Tokenizer | None) -> None:
        self.tok = tokenizer

    def count(self, text: str) -> int:
        """Tokens in ``text``."""
        if not text:
            return 0
        if self.tok is None:
            return int(len(text) / CHARS_PER_TOKEN) + 1
        return len(self.tok.encode(text, add_special_tokens=False))

    def tail(self, text: str, tokens: int) -> str:
        """The end of ``text`` that fits in ``tokens``, starting at a line start."""
        if tokens <= 0:
            return ""
        text = text[-int(tokens * 8) :] if len(text) > tokens * 8 else text
        if self.count(text) <= tokens:
            return text
        if self.tok is None:
            cut = text[-int(tokens * CHARS_PER_TOKEN) :]
        else:
            ids = self.tok.encode(text, add_special_tokens=False)[-tokens:]
            cut = self.tok.decode(ids[1:], skip_special_tokens=False)  # first may be partial
        newline = cut.find("\n")
        return cut[newline + 1 :] if 0 <= newline < len(cut) - 1 else cut

    def head(self, text: str, tokens: int) -> str:
        """The start of ``text`` that fits in ``tokens``, ending at a line end."""
        if tokens <= 0:
            return ""
        text = text[: int(tokens * 8)] if len(text) > tokens * 8 else text
        if self.count(text) <= tokens:
            return text
        if self.tok is None:
            cut = text[: int(tokens * CHARS_PER_TOKEN)]
        else:
            ids = self.tok.encode(text, add_special_tokens=False)[: max(0, tokens - 1)]
            cut = self.tok.decode(ids, skip_special_tokens=False)
        newline = cut.rfind("\n")
        return cut[: newline + 1] if newline > 0 else cut


def vocabulary(tokenizer: Tokenizer | None) -> Container[str]:
    """The tokenizer's vocabulary (strings), for FIM detection; empty without a tokenizer."""
    if tokenizer is None:
        return ()
    get_vocab = getattr(tokenizer, "get_vocab", None)
    if callable(get_vocab):
        try:
            vocab = get_vocab()
            if isinstance(vocab, dict):
                return vocab
        except Exception:
            return ()
    if hasattr(tokenizer, "__contains__"):
        return tokenizer  # type: ignore[return-value]
    return ()


MODEL_CARD_FILE = "plantls.json"
"""An optional file in a model folder with plantls's settings for that model."""


def model_prompt_style(model_path: str) -> str:
    """``"prefix"`` when the model folder's ``plantls.json`` says ``{"prompt": "prefix"}``:
    its FIM tokens exist but its fill-in-the-middle completions are poor (the shipped
    plantls-tiny, measured in its model card); else ``"auto"`` (FIM when the tokens exist)."""
    if not model_path:
        return "auto"
    try:
        data = json.loads((Path(model_path).expanduser() / MODEL_CARD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return "auto"
    style = data.get("prompt") if isinstance(data, dict) else None
    return style if style in ("prefix", "fim", "auto") else "auto"


def build_prompt(
    prefix: str,
    suffix: str,
    header: str,
    language_id: str,
    tokenizer: Tokenizer | None,
    context_length: int,
    max_new_tokens: int,
    server_fim: bool = False,
    vocab: Container[str] | None = None,
    fim: bool = True,
) -> Prompt:
    """The prompt for a completion at the end of ``prefix`` and before ``suffix``.

    ``server_fim``: no local FIM tokens are known, but the server takes a ``suffix`` (OpenAI
    /v1/completions), so the suffix is passed there instead of being dropped.
    ``fim``: False for a model that has FIM tokens but completes better from a plain prefix
    (see :func:`model_prompt_style`).
    """
    vocab = vocabulary(tokenizer) if vocab is None else vocab
    style = detect(vocab) if fim else None
    budget = Budget(tokenizer)
    total = min(context_length, MAX_CONTEXT) - max_new_tokens - RESERVED_TOKENS
    total = max(total, 16)
    header_room = int(total * HEADER_SHARE)
    if header and budget.count(header) > header_room:
        header = budget.head(header, header_room)
    room = total - budget.count(header)
    use_suffix = style is not None or server_fim
    prefix_room = int(room * PREFIX_SHARE) if use_suffix else room
    suffix_room = room - prefix_room if use_suffix else 0
    suffix_tokens = budget.count(suffix[: suffix_room * 8]) if suffix_room else 0
    if suffix_tokens < suffix_room:
        prefix_room += suffix_room - suffix_tokens  # the suffix is short: give the room back
        suffix_room = suffix_tokens
    kept_prefix = budget.tail(prefix, prefix_room)
    kept_suffix = budget.head(suffix, suffix_room) if suffix_room else ""
    if suffix_room and budget.count(kept_prefix) < prefix_room // 2:
        kept_suffix = budget.head(suffix, room - budget.count(kept_prefix))
    lang = lang_token(language_id)
    lang = lang if lang in vocab else ""
    if style is not None:
        body = style.prompt(header + kept_prefix, kept_suffix)
        text = lang + body
        stops = (*style.stops, style.prefix, style.suffix, style.middle)
        server_suffix = ""
    else:
        text = lang + header + kept_prefix
        stops = (END_OF_TEXT,) if END_OF_TEXT in vocab else ()
        server_suffix = kept_suffix if server_fim else ""
    ids: tuple[int, ...] | None = None
    if tokenizer is not None:
        ids = tuple(tokenizer.encode(text, add_special_tokens=style is None and not lang))
    tokens = len(ids) if ids is not None else budget.count(text)
    return Prompt(
        text=text,
        ids=ids,
        style=style,
        header=header,
        prefix=kept_prefix,
        suffix=kept_suffix,
        tokens=tokens,
        stops=stops,
        server_suffix=server_suffix,
    )
