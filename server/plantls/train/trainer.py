"""``plantls train``: LoRA fine-tuning of a local causal LM, and pretraining from scratch.

The loop is small and explicit so that it can be exact about three promises:

* **Deterministic**: with the same data, options and ``--seed``, two runs give the same weights
  (one torch thread pool, seeded initialisation, seeded data order per epoch).
* **Resumable**: every ``checkpoint_every`` steps the trainable weights, the optimizer, the
  schedule position and the RNG states go to ``.<name>.partial/checkpoint`` next to the output.
  ``--resume`` continues from there and ends with the same weights as an uninterrupted run.
* **Never overwrites, never half-written**: the result is written to a temporary directory
  next to the output and renamed into place at the end. When the output directory exists, the
  result goes to the next free ``<out>-v2``, ``<out>-v3``, ... An interrupted run leaves only the
  ``.partial`` state, which ``--resume`` uses.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from plantls.ai.prompt import model_prompt_style
from plantls.train.corpus import Corpus, Example, build_examples, collect, file_text
from plantls.train.loss import OutputVocab, causal_lm_loss
from plantls.train.models import (
    bos_ids,
    count_parameters,
    has_plantls_fim,
    load_model,
    load_tokenizer,
    lora_targets,
    tiny_config,
    train_tokenizer,
)
from plantls.train.special_tokens import FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX


@dataclass
class TrainConfig:
    """Hyper-parameters of a run (all of them go into the training card)."""

    epochs: float = 1.0
    max_steps: int | None = None
    seed: int = 0
    batch_size: int = 8
    max_length: int = 256
    learning_rate: float = 2e-3
    warmup_steps: int = 10
    weight_decay: float = 0.0
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.0
    fim_per_file: int = 4
    fim_loss_middle_only: bool = False
    """True: FIM examples carry loss on their middle (after ``<fim_middle>``) only. Off by
    default: for plantls-tiny (400 steps) it made both FIM and prefix completion worse than
    loss on every token (models/plantls-tiny/README.md)."""
    context_chars: int = 1000
    validation_share: float = 0.1
    checkpoint_every: int = 50
    max_examples: int | None = None
    max_validation_examples: int = 64
    max_validations: int = 20
    """Validation runs after each epoch; when a run has more epochs than this (small data,
    many steps), after every k-th epoch instead, so validation stays a small part of the run."""
    threads: int | None = None
    sampled_softmax: bool = False
    """Train with a softmax over the training data's tokens plus ``sampled_vocab`` random
    others per step instead of the whole vocabulary (``plantls.train.loss``): 2-3x faster
    steps for large-vocabulary bases such as Gemma 3, but not always as good (models/README)."""
    sampled_vocab: int = 16384
    # from scratch only
    vocab_size: int = 4096
    n_embd: int = 256
    n_layer: int = 4
    n_head: int = 4
    n_positions: int = 512


@dataclass
class TrainResult:
    """What a run produced."""

    out: Path
    steps: int
    seconds: float
    train_tokens: int
    trainable_params: int
    total_params: int
    losses: list[tuple[int, float]] = field(default_factory=list)
    val_losses: list[tuple[int, float]] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)

    @property
    def trainable_share(self) -> float:
        """Trainable parameters as a share of all parameters."""
        return self.trainable_params / self.total_params if self.total_params else 0.0


class TrainingInterrupted(Exception):
    """Raised by a step callback (tests) or on Ctrl-C; the checkpoint stays for --resume."""


def versioned(out: Path) -> Path:
    """``out`` when free, else the first free ``out-v2``, ``out-v3``, ..."""
    if not out.exists():
        return out
    n = 2
    while (out.parent / f"{out.name}-v{n}").exists():
        n += 1
    return out.parent / f"{out.name}-v{n}"


def partial_dir(out: Path) -> Path:
    """Where an unfinished run keeps its checkpoint."""
    return out.parent / f".{out.name}.partial"


def _set_determinism(seed: int, threads: int | None) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _encode_fim(tokenizer: Any, text: str, max_length: int, bos: list[int]) -> list[int]:
    """A FIM example cut to ``max_length`` tokens the way prompts are cut at run time.

    The middle is kept (at most a third of the budget), the suffix gets up to a quarter of
    what is left and the prefix the rest, cut from the left, so ``<fim_middle>`` and the
    middle are always inside the window.
    """

    def enc(s: str) -> list[int]:
        return list(tokenizer.encode(s, add_special_tokens=False))

    head, rest = text.split(FIM_PREFIX, 1)
    prefix, rest = rest.split(FIM_SUFFIX, 1)
    suffix, middle = rest.split(FIM_MIDDLE, 1)
    fp, fs, fm = enc(FIM_PREFIX), enc(FIM_SUFFIX), enc(FIM_MIDDLE)
    lead = bos + enc(head)
    mid = enc(middle)[: max(8, max_length // 3)]
    room = max_length - len(lead) - len(fp) - len(fs) - len(fm) - len(mid)
    suf = enc(suffix)[: max(0, room // 4)]
    keep = room - len(suf)
    pre = enc(prefix)[-keep:] if keep > 0 else []
    return lead + fp + pre + fs + suf + fm + mid


def token_windows(lead: list[int], body: list[int], max_length: int) -> list[list[int]]:
    """``lead + body`` when it fits in ``max_length`` tokens, else overlapping windows of
    ``lead`` plus a slice of ``body`` that together cover every token of ``body``.

    Windows overlap by a quarter, so most tokens are also seen with a long left context (as
    in a prompt cut from the left at run time). Cutting instead of truncating matters: a
    text window of ``context_chars`` is often longer than ``max_length`` tokens, and its tail
    would never be trained on.
    """
    width = max(1, max_length - len(lead))
    if len(body) <= width:
        return [lead + body]
    stride = max(1, width * 3 // 4)
    starts = [*range(0, len(body) - width, stride), len(body) - width]
    return [lead + body[s : s + width] for s in starts]


def _tokenize(tokenizer: Any, examples: list[Example], max_length: int) -> list[list[int]]:
    out: list[list[int]] = []
    bos = bos_ids(tokenizer)

    def enc(s: str) -> list[int]:
        return list(tokenizer.encode(s, add_special_tokens=False))

    for ex in examples:
        if ex.kind.startswith("fim"):
            seqs = [_encode_fim(tokenizer, ex.text, max_length, bos)[:max_length]]
        else:
            lead = bos + enc(ex.lead)
            seqs = token_windows(lead, enc(ex.text[len(ex.lead) :]), max_length)
        out.extend(s for s in seqs if len(s) >= 2)
    return out


def _fim_middle_id(tokenizer: Any, cfg: TrainConfig) -> int | None:
    """The ``<fim_middle>`` id when FIM examples are scored on their middle only."""
    if not cfg.fim_loss_middle_only or not has_plantls_fim(tokenizer):
        return None
    return int(tokenizer.convert_tokens_to_ids(FIM_MIDDLE))


def _cap(seqs: list[list[int]], cfg: TrainConfig) -> list[list[int]]:
    """At most ``max_validation_examples`` validation sequences, chosen by the seed."""
    if len(seqs) <= cfg.max_validation_examples:
        return seqs
    return random.Random(cfg.seed).sample(seqs, cfg.max_validation_examples)


def _batches(n: int, batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(f"{seed}:{epoch}").shuffle(order)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def _collate(
    seqs: list[list[int]], pad_id: int, fim_middle: int | None = None
) -> tuple[Any, Any, Any]:
    """Padded ids, attention mask and labels (-100 on padding; with ``fim_middle``, also on
    everything up to and including that token, so a FIM example is scored on its middle)."""
    import torch

    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    labels = torch.full((len(seqs), width), -100, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
        labels[i, : len(s)] = torch.tensor(s)
        if fim_middle is not None and fim_middle in s:
            labels[i, : s.index(fim_middle) + 1] = -100
    return ids, mask, labels


def _validation_loss(
    model: Any, seqs: list[list[int]], batch_size: int, pad_id: int, fim_middle: int | None
) -> float:
    import torch

    if not seqs:
        return float("nan")
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(seqs), batch_size):
            ids, mask, labels = _collate(seqs[i : i + batch_size], pad_id, fim_middle)
            loss = causal_lm_loss(model, ids, mask, labels)
            n = int((labels[:, 1:] != -100).sum())
            total += float(loss) * n
            count += n
    model.train()
    return total / max(count, 1)


def _fingerprint(cfg: TrainConfig, seqs: list[list[int]], extra: str) -> str:
    h = hashlib.sha256()
    h.update(json.dumps(asdict(cfg), sort_keys=True, default=str).encode())
    h.update(extra.encode())
    for s in seqs:
        h.update(len(s).to_bytes(4, "little"))
        h.update(b"".join(i.to_bytes(4, "little") for i in s[:64]))
    return h.hexdigest()[:16]


StepCallback = Callable[[int, float], None]


@dataclass
class _Run:
    """What the shared loop needs of a run: the model, its token sequences and options."""

    model: Any
    train: list[list[int]]
    val: list[list[int]]
    cfg: TrainConfig
    pad_id: int
    fim_middle: int | None
    out: Path
    resume: bool
    on_step: StepCallback | None
    progress: bool
    vocab: OutputVocab | None = None


def _loop(
    run: _Run, state_dir: Path, fingerprint: str
) -> tuple[int, int, list[tuple[int, float]], list[tuple[int, float]], float]:
    """The training loop; returns steps, tokens, losses, validation losses, seconds."""
    import torch

    model, train, val, cfg = run.model, run.train, run.val, run.cfg
    pad_id, fim_middle, vocab = run.pad_id, run.fim_middle, run.vocab

    params = [p for p in model.parameters() if p.requires_grad]
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    per_epoch = math.ceil(len(train) / cfg.batch_size)
    total = cfg.max_steps or max(1, math.ceil(per_epoch * cfg.epochs))
    validate_every = per_epoch * max(1, math.ceil(total / per_epoch / cfg.max_validations))

    def lr_at(step: int) -> float:
        if step < cfg.warmup_steps:
            return (step + 1) / cfg.warmup_steps
        frac = (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))

    step, tokens, seconds = 0, 0, 0.0
    losses: list[tuple[int, float]] = []
    val_losses: list[tuple[int, float]] = []
    ckpt = state_dir / "checkpoint"
    if run.resume and (ckpt / "state.pt").exists():
        state = torch.load(ckpt / "state.pt", weights_only=False)
        if state["fingerprint"] != fingerprint:
            raise ValueError(
                f"{state_dir}: the checkpoint is from a run with other data or options; "
                "rerun without --resume to start over"
            )
        weights = state["weights"]
        with torch.no_grad():
            for n, p in zip(names, params, strict=True):
                p.copy_(weights[n])
        opt.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        random.setstate(state["py_rng"])
        step, tokens, seconds = state["step"], state["tokens"], state["seconds"]
        losses, val_losses = state["losses"], state["val_losses"]

    def save_checkpoint() -> None:
        tmp = state_dir / "checkpoint.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        torch.save(
            {
                "fingerprint": fingerprint,
                "weights": {n: p.detach().clone() for n, p in zip(names, params, strict=True)},
                "optimizer": opt.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "py_rng": random.getstate(),
                "step": step,
                "tokens": tokens,
                "seconds": seconds,
                "losses": losses,
                "val_losses": val_losses,
            },
            tmp / "state.pt",
        )
        shutil.rmtree(ckpt, ignore_errors=True)
        os.replace(tmp, ckpt)

    bar = None
    task = None
    if run.progress:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("training"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]:.3f}"),
            TextColumn("{task.fields[tps]:.0f} tok/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            transient=False,
        )
        bar.start()
        task = bar.add_task("train", total=total, completed=step, loss=float("nan"), tps=0.0)
    model.train()
    try:
        while step < total:
            epoch, within = divmod(step, per_epoch)
            batch = _batches(len(train), cfg.batch_size, cfg.seed, epoch)[within]
            t0 = time.perf_counter()
            for g in opt.param_groups:
                g["lr"] = cfg.learning_rate * lr_at(step)
            ids, mask, labels = _collate([train[i] for i in batch], pad_id, fim_middle)
            candidates, offsets = vocab.for_step(step) if vocab is not None else (None, None)
            loss_t = causal_lm_loss(model, ids, mask, labels, candidates, offsets)
            loss_t.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            dt = time.perf_counter() - t0
            n_tok = int(mask.sum())  # tokens processed (scored or not)
            tokens += n_tok
            seconds += dt
            step += 1
            loss = float(loss_t.detach())
            losses.append((step, loss))
            if bar is not None and task is not None:
                bar.update(task, completed=step, loss=loss, tps=n_tok / dt if dt else 0.0)
            if step % validate_every == 0 or step == total:
                v = _validation_loss(model, val, cfg.batch_size, pad_id, fim_middle)
                val_losses.append((step, v))
                if bar is not None:
                    bar.console.print(
                        f"step {step}: epoch {step / per_epoch:.2f}, "
                        f"validation loss {val_losses[-1][1]:.3f}"
                    )
            if cfg.checkpoint_every and step % cfg.checkpoint_every == 0 and step < total:
                save_checkpoint()
            if run.on_step is not None:
                run.on_step(step, loss)
    except (KeyboardInterrupt, TrainingInterrupted):
        raise TrainingInterrupted(
            f"training interrupted at step {step}; the last checkpoint is in {state_dir} "
            "(rerun with --resume to continue)"
        ) from None
    finally:
        if bar is not None:
            bar.stop()
    return step, tokens, losses, val_losses, seconds


def _plot(losses: list[tuple[int, float]], val: list[tuple[int, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    if losses:
        ax.plot([s for s, _ in losses], [v for _, v in losses], label="train", linewidth=1)
    if val:
        ax.plot([s for s, _ in val], [v for _, v in val], "o-", label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def _card(title: str, result: TrainResult, cfg: TrainConfig, extra: dict[str, object]) -> str:
    val = result.val_losses[-1][1] if result.val_losses else float("nan")
    lines = [
        f"# {title}",
        "",
        "Written by `plantls train`.",
        "",
        "## Data",
        "",
        *(f"- {k}: {v}" for k, v in result.data.items()),
        "",
        "## Run",
        "",
        f"- steps: {result.steps}",
        f"- training tokens: {result.train_tokens}",
        f"- training time: {result.seconds:.1f} s "
        f"({result.train_tokens / max(result.seconds, 1e-9):.0f} tokens/s)",
        f"- trainable parameters: {result.trainable_params:,} of {result.total_params:,} "
        f"({100 * result.trainable_share:.2f}%)",
        f"- final training loss: {result.losses[-1][1]:.3f}" if result.losses else "",
        f"- final validation loss: {val:.3f}",
        *(f"- {k}: {v}" for k, v in extra.items()),
        "",
        "## Hyper-parameters",
        "",
        *(f"- {k}: {v}" for k, v in asdict(cfg).items()),
        "",
        "## Loss",
        "",
        "![loss curve](loss.png)",
        "",
    ]
    return "\n".join(lines)


def trim_positions(model: Any, length: int) -> None:
    """Cut a GPT-2's position table to the length it was trained on.

    Rows past the training length were never updated (random initialisation), so the model's
    declared context (``n_positions``) must not promise them: runtimes size prompts by it.
    """
    import torch

    if model.config.n_positions <= length:
        return
    wpe = model.transformer.wpe
    new = torch.nn.Embedding(length, wpe.embedding_dim)
    with torch.no_grad():
        new.weight.copy_(wpe.weight[:length])
    model.transformer.wpe = new
    model.config.n_positions = length
    model.config.n_ctx = length


def _finish(tmp: Path, out: Path, state_dir: Path) -> Path:
    dest = versioned(out)
    os.replace(tmp, dest)
    shutil.rmtree(state_dir, ignore_errors=True)
    return dest


def _write_result(
    model: Any,
    tokenizer: Any,
    result: TrainResult,
    cfg: TrainConfig,
    title: str,
    extra: dict[str, object],
    tmp: Path,
    state_dir: Path,
) -> Path:
    """Write the weights (and ``tokenizer`` when given), loss plot, training card and
    ``training.json`` into ``tmp``, then move it to a free output name; returns that name."""
    try:
        tmp.mkdir(parents=True)
        model.save_pretrained(str(tmp), safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(str(tmp))
        _plot(result.losses, result.val_losses, tmp / "loss.png")
        (tmp / "training_card.md").write_text(_card(title, result, cfg, extra), encoding="utf-8")
        record = {
            "config": asdict(cfg),
            "data": result.data,
            "steps": result.steps,
            "seconds": result.seconds,
            "tokens": result.train_tokens,
            "trainable_params": result.trainable_params,
            "total_params": result.total_params,
            "losses": result.losses,
            "val_losses": result.val_losses,
            **extra,
        }
        (tmp / "training.json").write_text(
            json.dumps(record, indent=1, default=str), encoding="utf-8"
        )
        return _finish(tmp, result.out, state_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _prepare_dirs(out: Path, resume: bool) -> tuple[Path, Path]:
    state_dir = partial_dir(out)
    if not resume and state_dir.exists():
        shutil.rmtree(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    return state_dir, tmp


def _examples(corpus: Corpus, cfg: TrainConfig, fim: bool) -> tuple[list[Example], list[Example]]:
    """Training and validation examples, at most ``max_examples`` (and an eighth of that)."""
    train_ex = build_examples(corpus.train, cfg.seed, cfg.fim_per_file, cfg.context_chars, fim)
    val_ex = build_examples(
        corpus.validation, cfg.seed + 1, cfg.fim_per_file, cfg.context_chars, fim
    )
    if cfg.max_examples:
        random.Random(cfg.seed).shuffle(train_ex)
        train_ex = train_ex[: cfg.max_examples]
        val_ex = val_ex[: max(1, cfg.max_examples // 8)]
    return train_ex, val_ex


def _train(
    run: _Run,
    key: str,
    data: dict[str, object],
    title: str,
    extra: dict[str, object],
    tokenizer: Any = None,
) -> TrainResult:
    """Train ``run.model`` (resuming when asked), then write it (with ``tokenizer`` when
    given), its card and ``training.json``; ``key`` tells this run's checkpoints apart."""
    trainable, total = count_parameters(run.model)
    state_dir, tmp = _prepare_dirs(run.out, run.resume)
    steps, tokens, losses, val_losses, seconds = _loop(
        run, state_dir, _fingerprint(run.cfg, run.train, key)
    )
    result = TrainResult(
        run.out, steps, seconds, tokens, trainable, total, losses, val_losses, data
    )
    result.out = _write_result(run.model, tokenizer, result, run.cfg, title, extra, tmp, state_dir)
    return result


def train_adapter(
    data: list[Path],
    base: Path,
    out: Path,
    cfg: TrainConfig | None = None,
    resume: bool = False,
    on_step: StepCallback | None = None,
    progress: bool = True,
    corpus: Corpus | None = None,
) -> TrainResult:
    """Train a LoRA adapter for ``base`` on the files under ``data``; see the module doc."""
    import torch
    from peft import LoraConfig, get_peft_model

    cfg = cfg or TrainConfig()
    _set_determinism(cfg.seed, cfg.threads)
    corpus = corpus or collect(data, cfg.validation_share, cfg.seed)
    if not corpus.train:
        raise ValueError("no supported files (ST, TwinCAT, OpenDSS, recipes) under the data paths")
    tokenizer = load_tokenizer(base)
    # FIM examples only when the runtime will ask this base for FIM (plantls.json may say
    # prefix prompts, as for plantls-tiny): otherwise they would take most of the steps.
    fim = has_plantls_fim(tokenizer) and model_prompt_style(str(base)) != "prefix"
    train_ex, val_ex = _examples(corpus, cfg, fim)
    model = load_model(base)
    positions = getattr(model.config, "n_positions", None) or cfg.max_length
    max_len = min(cfg.max_length, positions)
    train_ids = _tokenize(tokenizer, train_ex, max_len)
    val_ids = _cap(_tokenize(tokenizer, val_ex, max_len), cfg)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    model_type = model.config.model_type
    targets = lora_targets(model_type)
    torch.manual_seed(cfg.seed)
    peft_cfg = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
        bias="none",
        fan_in_fan_out=model_type == "gpt2",
    )
    model = get_peft_model(model, peft_cfg)
    vocab = (
        OutputVocab.for_run(model, train_ids, cfg.sampled_vocab, cfg.seed)
        if cfg.sampled_softmax
        else None
    )
    run = _Run(
        model,
        train_ids,
        val_ids,
        cfg,
        pad_id,
        _fim_middle_id(tokenizer, cfg),
        out,
        resume,
        on_step,
        progress,
        vocab,
    )
    kinds = (
        "FIM (line, block, span) + next-line"
        if fim
        else "next-line only (the base has no plantls FIM tokens, or its plantls.json "
        "asks for prefix prompts)"
    )
    summary = corpus.summary() | {
        "train_examples": len(train_ids),
        "validation_examples": len(val_ids),
        "example_kinds": kinds,
    }
    extra = {
        "base": str(base),
        "architecture": model_type,
        "lora_targets": targets,
        "fim": fim,
        "output_layer": vocab.describe() if vocab is not None else "full softmax",
    }
    key = f"{base.resolve()}|{model_type}"
    return _train(run, key, summary, f"LoRA adapter for {base.name}", extra)


def train_from_scratch(
    data: list[Path],
    out: Path,
    cfg: TrainConfig | None = None,
    resume: bool = False,
    on_step: StepCallback | None = None,
    progress: bool = True,
) -> TrainResult:
    """Train a byte-level BPE tokenizer and pretrain a small GPT-2 decoder on ``data``."""
    import torch
    from transformers import GPT2LMHeadModel

    cfg = cfg or TrainConfig(
        learning_rate=3e-3,
        batch_size=16,
        max_length=384,
        fim_per_file=6,
        context_chars=1400,
        warmup_steps=50,
    )
    _set_determinism(cfg.seed, cfg.threads)
    corpus = collect(data, cfg.validation_share, cfg.seed)
    if not corpus.train:
        raise ValueError("no supported files (ST, TwinCAT, OpenDSS, recipes) under the data paths")
    tokenizer = train_tokenizer([file_text(f) for f in corpus.train], cfg.vocab_size)
    train_ex, val_ex = _examples(corpus, cfg, True)
    max_len = min(cfg.max_length, cfg.n_positions)
    train_ids = _tokenize(tokenizer, train_ex, max_len)
    val_ids = _cap(_tokenize(tokenizer, val_ex, max_len), cfg)
    pad_id = tokenizer.pad_token_id
    torch.manual_seed(cfg.seed)
    config = tiny_config(tokenizer, cfg.n_embd, cfg.n_layer, cfg.n_head, cfg.n_positions)
    model = GPT2LMHeadModel(config)
    # Rows past the training length would never be updated; cutting them first leaves the
    # trained weights unchanged (same initial values, no gradient, no weight decay on them).
    trim_positions(model, max_len)
    run = _Run(
        model,
        train_ids,
        val_ids,
        cfg,
        pad_id,
        _fim_middle_id(tokenizer, cfg),
        out,
        resume,
        on_step,
        progress,
    )
    summary = corpus.summary() | {
        "train_examples": len(train_ids),
        "validation_examples": len(val_ids),
        "vocab_size": len(tokenizer),
    }
    extra = {"architecture": "gpt2", "n_embd": cfg.n_embd, "n_layer": cfg.n_layer}
    title = "plantls model trained from scratch"
    return _train(run, "from-scratch", summary, title, extra, tokenizer)
