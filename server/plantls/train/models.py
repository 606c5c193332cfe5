"""Loading base models offline, LoRA targets per architecture, and the from-scratch model.

Everything loads from local files only (``HF_HUB_OFFLINE=1``, ``local_files_only=True``), from
safetensors, without ``trust_remote_code``. A base may be a Hugging Face model directory or a
GGUF file (transformers dequantizes it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")

from plantls.train.special_tokens import EOS, FIM_TOKENS, PAD, SPECIAL_TOKENS

# LoRA target modules by model_type. Attention projections everywhere; the small models get
# the MLP too (it is where most of the capacity is), within the 5% trainable budget.
LORA_TARGETS: dict[str, list[str]] = {
    "gpt2": ["c_attn", "c_proj", "c_fc"],
    "gptj": ["q_proj", "k_proj", "v_proj", "out_proj"],
    "gpt_neox": ["query_key_value", "dense"],
    "gpt_bigcode": ["c_attn", "c_proj"],
    "falcon": ["query_key_value", "dense"],
    "mpt": ["Wqkv", "out_proj"],
    "bloom": ["query_key_value", "dense"],
    "phi": ["q_proj", "k_proj", "v_proj", "dense"],
    "phi3": ["qkv_proj", "o_proj"],
}
_LLAMA_LIKE = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def lora_targets(model_type: str) -> list[str]:
    """Sensible LoRA target modules for an architecture (llama-like names by default)."""
    return LORA_TARGETS.get(model_type, _LLAMA_LIKE)


def _model_source(path: Path) -> tuple[str, dict[str, Any]]:
    """The from_pretrained location and keyword arguments for a directory or a GGUF file."""
    if path.is_file() and path.suffix.lower() == ".gguf":
        return str(path.parent), {"gguf_file": path.name}
    return str(path), {}


def load_tokenizer(path: Path) -> Any:
    """The tokenizer of a model directory or GGUF file, offline."""
    from transformers import AutoTokenizer

    where, extra = _model_source(path)
    tok = AutoTokenizer.from_pretrained(
        where, local_files_only=True, trust_remote_code=False, **extra
    )
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.model_max_length = 1 << 30  # plantls cuts sequences itself; no length warnings
    return tok


def load_model(path: Path, dtype: Any = None) -> Any:
    """A causal LM from a model directory (safetensors) or a GGUF file, offline, on CPU."""
    import torch
    from transformers import AutoModelForCausalLM

    if not path.exists():
        raise FileNotFoundError(f"model not found: {path}")
    where, extra = _model_source(path)
    if not extra and not list(Path(where).glob("*.safetensors")):
        raise ValueError(f"{path}: no *.safetensors weights (plantls loads safetensors only)")
    kwargs: dict[str, Any] = dict(
        local_files_only=True, trust_remote_code=False, dtype=dtype or torch.float32, **extra
    )
    if not extra:
        kwargs["use_safetensors"] = True
    model = AutoModelForCausalLM.from_pretrained(where, **kwargs)
    model.config.use_cache = True
    return model


def has_plantls_fim(tokenizer: Any) -> bool:
    """True when the tokenizer has plantls's FIM tokens as single tokens."""
    vocab = tokenizer.get_vocab()
    return all(t in vocab for t in FIM_TOKENS)


def bos_ids(tokenizer: Any) -> list[int]:
    """The token ids a prompt starts with: the model's BOS when it has its own (Gemma, Llama).

    plantls's own models use ``<|endoftext|>`` as BOS and EOS and start with the file-type
    token instead, so they get nothing here.
    """
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    return [int(bos)] if bos is not None and bos != eos else []


def count_parameters(model: Any) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total


# --------------------------------------------------------------- from scratch


def train_tokenizer(texts: list[str], vocab_size: int = 4096) -> Any:
    """A byte-level BPE tokenizer with plantls's special tokens, as a fast HF tokenizer."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator(
        texts,
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=list(SPECIAL_TOKENS),
        show_progress=False,
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer,
        eos_token=EOS,
        bos_token=EOS,
        unk_token=EOS,
        pad_token=PAD,
        additional_special_tokens=[t for t in SPECIAL_TOKENS if t not in (EOS, PAD)],
        clean_up_tokenization_spaces=False,
    )
    tok.model_max_length = 1024
    return tok


def tiny_config(
    tokenizer: Any, n_embd: int = 256, n_layer: int = 4, n_head: int = 4, n_positions: int = 512
) -> Any:
    """A GPT-2 configuration (the architecture ``plantls export`` writes for ctransformers)."""
    from transformers import GPT2Config

    eos = tokenizer.convert_tokens_to_ids(EOS)
    pad = tokenizer.convert_tokens_to_ids(PAD)
    return GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=n_positions,
        n_embd=n_embd,
        n_layer=n_layer,
        n_head=n_head,
        bos_token_id=eos,
        eos_token_id=eos,
        pad_token_id=pad,
        tie_word_embeddings=True,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
    )
