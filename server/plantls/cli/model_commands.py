"""``plantls train``, ``plantls eval`` and ``plantls export``.

    plantls train DATA... --base MODEL_DIR --out ADAPTER_DIR [--epochs N] [--max-steps N] [--seed N] [--resume]
    plantls train DATA... --from-scratch --out MODEL_DIR [...]
    plantls eval DATA... --model MODEL_DIR [--adapter ADAPTER_DIR] [--format markdown|json] [--out REPORT_DIR]
    plantls export --model MODEL_DIR [--adapter ADAPTER_DIR] --format gguf|ggml --out FILE
"""  # noqa: E501

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR = 0, 2


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the three model subcommands to the ``plantls`` parser."""
    train = sub.add_parser("train", help="fine-tune a LoRA adapter (or a model from scratch)")
    train.add_argument("data", nargs="+", type=Path, metavar="DATA")
    train.add_argument("--base", type=Path, metavar="MODEL_DIR",
                       help="base model directory (Hugging Face layout) or GGUF file")
    train.add_argument("--from-scratch", action="store_true",
                       help="train a tokenizer and a small GPT-2 model from scratch")
    train.add_argument("--out", type=Path, required=True, metavar="DIR")
    train.add_argument("--epochs", type=float, default=None)
    train.add_argument("--max-steps", type=int, default=None)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--resume", action="store_true",
                       help="continue the interrupted run for --out from its checkpoint")
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--max-length", type=int, default=None, help="tokens per example")
    train.add_argument("--lr", type=float, default=None, help="learning rate")
    train.add_argument("--lora-r", type=int, default=None)
    train.add_argument("--checkpoint-every", type=int, default=None)
    train.add_argument("--max-examples", type=int, default=None)
    train.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    train.add_argument("--n-embd", type=int, default=None, help="from scratch: width")
    train.add_argument("--n-layer", type=int, default=None, help="from scratch: layers")
    train.add_argument("--vocab-size", type=int, default=None, help="from scratch: BPE size")
    train.add_argument("--sampled-softmax", action="store_true",
                       help="score the training data's tokens plus a random sample of the "
                       "others at each step, not the whole vocabulary: 2-3x faster for "
                       "large-vocabulary bases (Gemma 3), sometimes less accurate")
    train.add_argument("--holdout", type=float, default=None,
                       help="share of files held out for validation and eval (default 0.1)")
    train.add_argument("--no-progress", action="store_true")

    ev = sub.add_parser("eval", help="measure completions on held-out files (base vs adapter)")
    ev.add_argument("data", nargs="+", type=Path, metavar="DATA")
    ev.add_argument("--model", type=Path, required=True, metavar="MODEL_DIR")
    ev.add_argument("--adapter", type=Path, metavar="ADAPTER_DIR")
    ev.add_argument("--format", choices=["markdown", "json"], default="markdown")
    ev.add_argument("--out", type=Path, metavar="REPORT_DIR",
                    help="write report.md, results.json and plots here")
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--samples", type=int, default=60, help="holes per kind")
    ev.add_argument("--kinds", default="next-line,block,span",
                    help="hole kinds, comma-separated: next-line, block, span")
    ev.add_argument("--max-new-tokens", type=int, default=48)
    ev.add_argument("--prompt", choices=["auto", "fim", "prefix"], default="auto",
                    help="FIM prompts (prefix and suffix) or prefix-only; auto: FIM when the "
                    "model has plantls's FIM tokens")
    ev.add_argument("--all-files", action="store_true",
                    help="use every file (default: only the validation split of `train`)")
    ev.add_argument("--holdout", type=float, default=0.1,
                    help="share of files held out by `train` (use the same value)")
    ev.add_argument("--threads", type=int, default=None)

    ex = sub.add_parser("export", help="merge an adapter and write a GGML/GGUF file")
    ex.add_argument("--model", type=Path, required=True, metavar="MODEL_DIR")
    ex.add_argument("--adapter", type=Path, metavar="ADAPTER_DIR")
    ex.add_argument("--format", choices=["gguf", "ggml"], required=True)
    ex.add_argument("--out", type=Path, required=True, metavar="FILE")
    ex.add_argument("--dtype", choices=["f32", "f16"], default="f32")
    ex.add_argument("--no-check", action="store_true",
                    help="skip the check that ctransformers gives the same first tokens")


def cmd_train(args: argparse.Namespace) -> int:
    """Run ``plantls train``."""
    from plantls.train.trainer import (
        TrainConfig,
        TrainingInterrupted,
        train_adapter,
        train_from_scratch,
    )

    missing = [p for p in args.data if not p.exists()]
    if missing:
        print(f"plantls: no such file or folder: {missing[0]}", file=sys.stderr)
        return EXIT_ERROR
    if args.from_scratch == (args.base is not None):
        print("plantls: give either --base MODEL_DIR or --from-scratch", file=sys.stderr)
        return EXIT_ERROR
    if args.from_scratch:
        cfg = TrainConfig(learning_rate=3e-3, batch_size=16, max_length=256, fim_per_file=6,
                          context_chars=1000, warmup_steps=30, checkpoint_every=50)
    else:
        cfg = TrainConfig()
    overrides = {
        "epochs": args.epochs, "max_steps": args.max_steps, "batch_size": args.batch_size,
        "max_length": args.max_length, "learning_rate": args.lr, "lora_r": args.lora_r,
        "checkpoint_every": args.checkpoint_every, "max_examples": args.max_examples,
        "threads": args.threads, "n_embd": args.n_embd, "n_layer": args.n_layer,
        "vocab_size": args.vocab_size, "validation_share": args.holdout,
    }
    for key, value in overrides.items():
        if value is not None:
            setattr(cfg, key, value)
    if args.lora_r is not None:
        cfg.lora_alpha = 2 * args.lora_r
    cfg.sampled_softmax = args.sampled_softmax
    cfg.seed = args.seed
    try:
        if args.from_scratch:
            result = train_from_scratch(args.data, args.out, cfg, resume=args.resume,
                                        progress=not args.no_progress)
        else:
            result = train_adapter(args.data, args.base, args.out, cfg, resume=args.resume,
                                   progress=not args.no_progress)
    except TrainingInterrupted as exc:
        print(f"plantls: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {result.out} ({result.steps} steps, {result.seconds:.0f} s, "
          f"{100 * result.trainable_share:.2f}% trainable); card: "
          f"{result.out / 'training_card.md'}")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Run ``plantls eval``."""
    from plantls.eval.runner import EvalConfig, evaluate, write_report

    missing = [p for p in [*args.data, args.model] if not p.exists()]
    if args.adapter is not None and not args.adapter.exists():
        missing.append(args.adapter)
    if missing:
        print(f"plantls: no such file or folder: {missing[0]}", file=sys.stderr)
        return EXIT_ERROR
    cfg = EvalConfig(seed=args.seed, samples_per_kind=args.samples,
                     kinds=tuple(k.strip() for k in args.kinds.split(",") if k.strip()),
                     max_new_tokens=args.max_new_tokens, held_out_only=not args.all_files,
                     threads=args.threads, validation_share=args.holdout,
                     prompt=args.prompt)
    report = evaluate(args.data, args.model, args.adapter, cfg)
    if args.out is not None:
        write_report(report, args.out)
    if args.format == "json":
        print(json.dumps(report.summary(), indent=1))
    else:
        print(report.markdown())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``plantls export``."""
    from plantls.train.export import ExportError, export

    try:
        result = export(args.model, args.adapter, args.format, args.out, dtype=args.dtype,
                        check=not args.no_check)
    except ExportError as exc:
        print(f"plantls: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(result.describe())
    return EXIT_OK


HANDLERS = {"train": cmd_train, "eval": cmd_eval, "export": cmd_export}
