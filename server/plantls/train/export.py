"""``plantls export``: merge a LoRA adapter into its base and write a GGML or GGUF file.

plantls's own models are GPT-2 decoders, the architecture that ctransformers (and ggml's
reference example) reads as ``model_type="gpt2"`` in the GGML format:

    magic "ggml" (0x67676d6c), int32 hparams: n_vocab, n_ctx, n_embd, n_head, n_layer, ftype;
    int32 n_vocab again, then n_vocab tokens as (uint32 length, bytes); then per tensor:
    int32 n_dims, name length, type (0 f32, 1 f16), the dims (innermost first), the name,
    the data.

Tensor names follow ggml's GPT-2 converter (``model/h0/attn/c_attn/w`` ...). Hugging Face
stores GPT-2's projections as ``Conv1D`` (in, out); ggml wants (out, in) rows, so those are
transposed. The GGUF variant writes the same tensors with llama.cpp's ``gpt2`` architecture
names (for llama.cpp-based runtimes). After writing, the file is loaded with ctransformers and
the first greedy tokens are compared with transformers on the same prompt ids.

The tokenizer files of the model go next to the output file (the ctransformers backend
tokenises with them and passes token ids).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

GGML_MAGIC = 0x67676D6C


class ExportError(Exception):
    """An export problem explained for the user."""


@dataclass
class ExportResult:
    """What was written and how the check went."""

    path: Path
    format: str
    tensors: int
    bytes: int
    check_tokens_transformers: list[int] = field(default_factory=list)
    check_tokens_ctransformers: list[int] = field(default_factory=list)
    checked: bool = False

    @property
    def match(self) -> bool:
        """True when both backends gave the same first tokens."""
        return self.checked and self.check_tokens_transformers == self.check_tokens_ctransformers

    def describe(self) -> str:
        """One paragraph for the command line."""
        text = f"wrote {self.path} ({self.format}, {self.tensors} tensors, {self.bytes:,} bytes)"
        if self.checked:
            verdict = "same" if self.match else "DIFFERENT"
            text += (
                f"\nfirst tokens: transformers {self.check_tokens_transformers}, "
                f"ctransformers {self.check_tokens_ctransformers}: {verdict}"
            )
        return text


def merged_model(model_dir: Path, adapter: Path | None) -> tuple[Any, Any]:
    """The base model with the adapter merged in, and its tokenizer."""
    from plantls.train.models import load_model, load_tokenizer

    model = load_model(model_dir)
    tokenizer = load_tokenizer(
        adapter if adapter and (adapter / "tokenizer.json").exists() else model_dir
    )
    if adapter is not None:
        from peft import PeftModel

        if not (adapter / "adapter_config.json").exists():
            raise ExportError(f"{adapter}: not a peft adapter (no adapter_config.json)")
        model = PeftModel.from_pretrained(model, str(adapter), is_trainable=False)
        model = model.merge_and_unload()
    model.eval()
    return model, tokenizer


def _gpt2_tensors(model: Any) -> list[tuple[str, np.ndarray]]:
    """(ggml name, array in ggml row order) for a GPT2LMHeadModel."""
    sd = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    cfg = model.config
    out: list[tuple[str, np.ndarray]] = [
        ("model/ln_f/g", sd["transformer.ln_f.weight"]),
        ("model/ln_f/b", sd["transformer.ln_f.bias"]),
        ("model/wte", sd["transformer.wte.weight"]),
        ("model/wpe", sd["transformer.wpe.weight"]),
        ("model/lm_head", sd.get("lm_head.weight", sd["transformer.wte.weight"])),
    ]
    for i in range(cfg.n_layer):
        p = f"transformer.h.{i}."
        q = f"model/h{i}/"
        out += [
            (q + "ln_1/g", sd[p + "ln_1.weight"]),
            (q + "ln_1/b", sd[p + "ln_1.bias"]),
            (q + "ln_2/g", sd[p + "ln_2.weight"]),
            (q + "ln_2/b", sd[p + "ln_2.bias"]),
            (q + "attn/c_attn/w", sd[p + "attn.c_attn.weight"].T),
            (q + "attn/c_attn/b", sd[p + "attn.c_attn.bias"]),
            (q + "attn/c_proj/w", sd[p + "attn.c_proj.weight"].T),
            (q + "attn/c_proj/b", sd[p + "attn.c_proj.bias"]),
            (q + "mlp/c_fc/w", sd[p + "mlp.c_fc.weight"].T),
            (q + "mlp/c_fc/b", sd[p + "mlp.c_fc.bias"]),
            (q + "mlp/c_proj/w", sd[p + "mlp.c_proj.weight"].T),
            (q + "mlp/c_proj/b", sd[p + "mlp.c_proj.bias"]),
        ]
    return [(n, np.ascontiguousarray(a, dtype=np.float32)) for n, a in out]


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte to printable-character table (byte-level BPE symbols)."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("\xa1"), ord("\xac") + 1))
        + list(range(ord("\xae"), ord("\xff") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


def _token_bytes(tokenizer: Any) -> list[bytes]:
    """Each token id's text as bytes (byte-level BPE symbols mapped back to bytes)."""
    decoder = {v: k for k, v in _bytes_to_unicode().items()}
    vocab = tokenizer.get_vocab()
    by_id = {i: t for t, i in vocab.items()}
    out = []
    for i in range(max(by_id) + 1):
        tok = by_id.get(i, "")
        try:
            out.append(bytes(decoder[c] for c in tok))
        except KeyError:
            out.append(tok.encode("utf-8"))
    return out


def write_ggml(model: Any, tokenizer: Any, path: Path, dtype: str = "f32") -> int:
    """Write a GPT-2 model in the GGML format ctransformers reads; returns the tensor count."""
    cfg = model.config
    if cfg.model_type != "gpt2":
        raise ExportError(
            f"GGML export supports GPT-2 models (plantls's own); this one is {cfg.model_type!r}. "
            "Use --format gguf, or load the model directory with the transformers backend."
        )
    ftype = 1 if dtype == "f16" else 0
    tensors = _gpt2_tensors(model)
    vocab = _token_bytes(tokenizer)
    n_vocab = cfg.vocab_size
    vocab = (vocab + [b""] * n_vocab)[:n_vocab]
    with path.open("wb") as f:
        f.write(struct.pack("<i", GGML_MAGIC))
        f.write(
            struct.pack("<6i", n_vocab, cfg.n_positions, cfg.n_embd, cfg.n_head, cfg.n_layer, ftype)
        )
        f.write(struct.pack("<i", n_vocab))
        for tok in vocab:
            f.write(struct.pack("<I", len(tok)))
            f.write(tok)
        for name, arr in tensors:
            # ggml keeps 1-D tensors (biases, norms) in f32; matrices follow ftype
            as_f16 = ftype == 1 and arr.ndim == 2
            data = arr.astype(np.float16 if as_f16 else np.float32)
            raw = name.encode("utf-8")
            f.write(struct.pack("<3i", arr.ndim, len(raw), 1 if as_f16 else 0))
            for dim in reversed(arr.shape):
                f.write(struct.pack("<i", dim))
            f.write(raw)
            f.write(data.tobytes())
    return len(tensors)


def write_gguf(model: Any, tokenizer: Any, path: Path, dtype: str = "f32") -> int:
    """Write a GPT-2 model as GGUF (llama.cpp's ``gpt2`` architecture); returns tensors."""
    import gguf

    cfg = model.config
    if cfg.model_type != "gpt2":
        raise ExportError(
            f"GGUF export supports GPT-2 models (plantls's own); this one is "
            f"{cfg.model_type!r}. Convert other architectures with llama.cpp's converter."
        )
    w = gguf.GGUFWriter(str(path), "gpt2")
    w.add_name("plantls")
    w.add_context_length(cfg.n_positions)
    w.add_embedding_length(cfg.n_embd)
    w.add_feed_forward_length(4 * cfg.n_embd)
    w.add_block_count(cfg.n_layer)
    w.add_head_count(cfg.n_head)
    w.add_layer_norm_eps(cfg.layer_norm_epsilon)
    w.add_file_type(1 if dtype == "f16" else 0)
    vocab = tokenizer.get_vocab()
    by_id = {i: t for t, i in vocab.items()}
    tokens = [by_id.get(i, f"[PAD{i}]") for i in range(cfg.vocab_size)]
    special = set(tokenizer.all_special_ids)
    w.add_tokenizer_model("gpt2")
    w.add_token_list(tokens)
    w.add_token_types([3 if i in special else 1 for i in range(cfg.vocab_size)])
    merges = []
    tj = getattr(tokenizer, "backend_tokenizer", None)
    if tj is not None:
        import json

        model_json = json.loads(tj.to_str())["model"]
        merges = [m if isinstance(m, str) else " ".join(m) for m in model_json.get("merges", [])]
    w.add_token_merges(merges)
    w.add_eos_token_id(tokenizer.eos_token_id)
    w.add_bos_token_id(tokenizer.eos_token_id)
    if tokenizer.pad_token_id is not None:
        w.add_pad_token_id(tokenizer.pad_token_id)
    names = {
        "model/ln_f/g": "output_norm.weight",
        "model/ln_f/b": "output_norm.bias",
        "model/wte": "token_embd.weight",
        "model/wpe": "position_embd.weight",
        "model/lm_head": "output.weight",
    }
    per_layer = {
        "ln_1/g": "attn_norm.weight",
        "ln_1/b": "attn_norm.bias",
        "ln_2/g": "ffn_norm.weight",
        "ln_2/b": "ffn_norm.bias",
        "attn/c_attn/w": "attn_qkv.weight",
        "attn/c_attn/b": "attn_qkv.bias",
        "attn/c_proj/w": "attn_output.weight",
        "attn/c_proj/b": "attn_output.bias",
        "mlp/c_fc/w": "ffn_up.weight",
        "mlp/c_fc/b": "ffn_up.bias",
        "mlp/c_proj/w": "ffn_down.weight",
        "mlp/c_proj/b": "ffn_down.bias",
    }
    tensors = _gpt2_tensors(model)
    for name, arr in tensors:
        if name in names:
            gname = names[name]
        else:
            layer, rest = name.removeprefix("model/h").split("/", 1)
            gname = f"blk.{layer}.{per_layer[rest]}"
        data = arr.astype(np.float16) if dtype == "f16" and arr.ndim == 2 else arr
        w.add_tensor(gname, data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return len(tensors)


def first_tokens_transformers(model: Any, ids: list[int], n: int) -> list[int]:
    """Greedy first ``n`` tokens from transformers."""
    import torch

    with torch.no_grad():
        out = model.generate(
            torch.tensor([ids]),
            attention_mask=torch.ones((1, len(ids)), dtype=torch.long),
            max_new_tokens=n,
            do_sample=False,
            pad_token_id=model.config.eos_token_id,
            eos_token_id=None,
        )
    return [int(t) for t in out[0, len(ids) :]]


def check_prompt_ids(tokenizer: Any) -> list[int]:
    """The prompt the export check uses (an ST fragment with plantls's file-type token)."""
    from plantls.train.special_tokens import prefix_prompt

    text = prefix_prompt("FUNCTION_BLOCK FB_Pump\nVAR_INPUT\n    bStart : BOOL;\n", "iec-st")
    return [int(i) for i in tokenizer.encode(text, add_special_tokens=False)]


def export(
    model_dir: Path,
    adapter: Path | None,
    fmt: str,
    out: Path,
    dtype: str = "f32",
    check: bool = True,
    check_tokens: int = 8,
) -> ExportResult:
    """Merge, write ``out`` atomically (temp file, then rename) and check with ctransformers."""
    if out.exists():
        raise ExportError(f"{out} exists; plantls export never overwrites (choose another --out)")
    try:
        model, tokenizer = merged_model(model_dir, adapter)
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot load {model_dir}: {exc}") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        writer = write_ggml if fmt == "ggml" else write_gguf
        n = writer(model, tokenizer, tmp, dtype)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    if not (out.parent / "tokenizer.json").exists():
        tokenizer.save_pretrained(str(out.parent))
    result = ExportResult(out, fmt, n, out.stat().st_size)
    if check and fmt == "ggml":
        from plantls.ai.backends.ctransformers_backend import first_tokens

        ids = check_prompt_ids(tokenizer)
        result.check_tokens_transformers = first_tokens_transformers(model, ids, check_tokens)
        result.check_tokens_ctransformers = first_tokens(out, ids, check_tokens)
        result.checked = True
        if not result.match:
            raise ExportError(
                result.describe() + "\nthe exported file does not match; please report this"
            )
    return result
