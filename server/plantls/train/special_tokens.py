"""plantls's special tokens: the contract between training (``train/``) and the runtime (``ai/``).

A fill-in-the-middle (FIM) example in PSM order is::

    <|lang:iec-st|><fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>{middle}<|endoftext|>

and a plain next-line (prefix-only) example is ``<|lang:iec-st|>{prefix}{line}``. The file-type
token always comes first. Models trained by plantls (``plantls train --from-scratch``) have all
of these in their vocabulary; for external models the runtime detects FIM tokens from the
tokenizer, and ``plantls train`` adds these ones when a model has none (see
:mod:`plantls.train.lora`).
"""

from __future__ import annotations

from typing import Any

FIM_PREFIX = "<fim_prefix>"
FIM_SUFFIX = "<fim_suffix>"
FIM_MIDDLE = "<fim_middle>"
EOS = "<|endoftext|>"
PAD = "<pad>"

LANG_TOKENS: dict[str, str] = {
    "iec-st": "<|lang:iec-st|>",
    "opendss": "<|lang:opendss|>",
    "fab-recipe": "<|lang:fab-recipe|>",
    "fab-tool": "<|lang:fab-tool|>",
}

FIM_TOKENS: tuple[str, str, str] = (FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE)

# The order is part of the contract: token ids 0.. in models trained from scratch.
SPECIAL_TOKENS: tuple[str, ...] = (
    EOS,
    PAD,
    FIM_PREFIX,
    FIM_SUFFIX,
    FIM_MIDDLE,
    *LANG_TOKENS.values(),
)

# Tokens that frame a prompt and never belong in a completion. A model that mostly saw FIM
# examples may write <fim_suffix> where those examples cut the text; generation keeps it from
# them (models without these tokens are unaffected).
NEVER_GENERATED: tuple[str, ...] = tuple(t for t in SPECIAL_TOKENS if t != EOS)


def never_generated_ids(tokenizer: Any) -> list[int]:
    """Ids of the :data:`NEVER_GENERATED` tokens that a transformers tokenizer has."""
    vocab = tokenizer.get_vocab()
    return sorted(vocab[t] for t in NEVER_GENERATED if t in vocab)


def lang_token(language_id: str) -> str:
    """The file-type token for a language id, or "" for an unknown language."""
    return LANG_TOKENS.get(language_id, "")


def fim_prompt(prefix: str, suffix: str, language_id: str = "") -> str:
    """A PSM fill-in-the-middle prompt; the model continues with the middle."""
    return f"{lang_token(language_id)}{FIM_PREFIX}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}"


def prefix_prompt(prefix: str, language_id: str = "") -> str:
    """A plain prefix prompt (for models trained without FIM)."""
    return f"{lang_token(language_id)}{prefix}"
