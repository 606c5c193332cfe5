"""Fill-in-the-middle tokens: plantls's own, and those of the model families users load.

plantls's own models (see :mod:`plantls.train.special_tokens`) use StarCoder-style tokens in
PSM order (prefix, suffix, middle), end with ``<|endoftext|>`` and mark the file type with
``<|lang:iec-st|>``-style tokens. Other models are recognised from their tokenizer vocabulary;
a model without FIM tokens (Gemma 3, GPT-2) gets a plain prefix prompt.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from plantls.train.special_tokens import EOS as END_OF_TEXT
from plantls.train.special_tokens import FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX, LANG_TOKENS


def lang_token(language_id: str) -> str:
    """plantls's file-type token for a language id (``<|lang:iec-st|>``)."""
    return LANG_TOKENS.get(language_id, f"<|lang:{language_id}|>")


@dataclass(frozen=True)
class FimStyle:
    """One model family's FIM tokens and the stop strings that end a middle."""

    name: str
    prefix: str
    suffix: str
    middle: str
    stops: tuple[str, ...]
    spm: bool = False
    """Suffix-prefix-middle order (CodeLlama's alternative); PSM otherwise."""

    def prompt(self, prefix: str, suffix: str) -> str:
        """The prompt text around the hole."""
        if self.spm:
            return f"{self.prefix}{self.suffix}{suffix}{self.middle}{prefix}"
        return f"{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}"


STYLES: tuple[FimStyle, ...] = (
    FimStyle("plantls/starcoder", FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE, (END_OF_TEXT, "<file_sep>")),
    FimStyle(
        "qwen2.5-coder",
        "<|fim_prefix|>",
        "<|fim_suffix|>",
        "<|fim_middle|>",
        ("<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|im_end|>", "<|file_separator|>"),
    ),
    FimStyle(
        "deepseek-coder",
        "<｜fim▁begin｜>",
        "<｜fim▁hole｜>",
        "<｜fim▁end｜>",
        ("<｜end▁of▁sentence｜>", "<|EOT|>"),
    ),
    FimStyle("codellama", "▁<PRE>", "▁<SUF>", "▁<MID>", ("▁<EOT>", "</s>")),
)


def detect(vocab: Container[str]) -> FimStyle | None:
    """The FIM style whose three tokens are all in the vocabulary, or None (prefix prompts)."""
    for style in STYLES:
        if style.prefix in vocab and style.suffix in vocab and style.middle in vocab:
            if style.name == "codellama":
                # Its tokens print without the ▁ marker.
                return FimStyle(style.name, "<PRE> ", " <SUF>", " <MID>", ("<EOT>", "</s>"))
            return style
    return None
