"""Adaptation figures for models/README.md: base vs LoRA-adapted, per public ST project.

For each project folder under the corpus root (default ../shared/corpus/st), this runs, as
subprocesses, exactly the commands reported in models/README.md:

    plantls train PROJECT --base BASE --out OUT/ADAPTER --holdout 0.3 --max-steps N --seed 0
    plantls eval PROJECT --model BASE --adapter OUT/ADAPTER --holdout 0.3 --kinds next-line \
        --samples S --format json

(`train` trains on 70% of the project's files; `eval` cuts next-line holes in the other 30%.)
Only figures are written (OUT/figures.json and a markdown table on stdout); nothing from the
corpus is copied. Never run as a test.

    .venv/bin/python bench/adaptation.py --base models/plantls-tiny --out /tmp/adapt/tiny
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

PLANTLS = [sys.executable, "-m", "plantls"]


def run_project(project: Path, args: argparse.Namespace) -> dict[str, object]:
    """Train and evaluate one project; returns its figures."""
    adapter = args.out / project.name
    train_cmd = [
        *PLANTLS,
        "train",
        str(project),
        "--base",
        str(args.base),
        "--out",
        str(adapter),
        "--holdout",
        str(args.holdout),
        "--max-steps",
        str(args.max_steps),
        "--seed",
        "0",
        "--no-progress",
        *args.train_args,
    ]
    load_before = _load()
    t0 = time.perf_counter()
    if args.eval_only:
        written = args.eval_only / project.name
        if not (written / "training.json").is_file():
            return {"project": project.name, "error": f"{written}: no adapter to evaluate"}
    else:
        done = subprocess.run(train_cmd, capture_output=True, text=True)
        if done.returncode != 0:
            return {"project": project.name, "error": done.stderr[-2000:]}
        written = Path(done.stdout.strip().split()[1])
    wall = time.perf_counter() - t0
    meta = json.loads((written / "training.json").read_text())
    row: dict[str, object] = {
        "project": project.name,
        "train_files": meta["data"]["train_files"],
        "eval_files": meta["data"]["validation_files"],
        "steps": meta["steps"],
        "train_tokens": meta["tokens"],
        "train_seconds_steps": round(meta["seconds"], 1),
        # eval-only: the steps' time from the adapter's training.json, not a wall-clock
        "train_seconds_wall": None if args.eval_only else round(wall, 1),
        "trainable_share": meta["trainable_params"] / meta["total_params"],
        "train_cmd": f"(not run: the adapter in {written})"
        if args.eval_only
        else " ".join(train_cmd[2:]),
        "load_before_train": load_before,
        "load_after_train": _load(),
    }
    for n, prompt in enumerate(p for p in args.prompt.split(",") if p):
        report = args.out / f"{project.name}-eval-{prompt}"
        eval_cmd = [
            *PLANTLS,
            "eval",
            str(project),
            "--model",
            str(args.base),
            "--adapter",
            str(written),
            "--holdout",
            str(args.holdout),
            "--kinds",
            "next-line",
            "--samples",
            str(args.samples),
            "--prompt",
            prompt,
            "--format",
            "json",
            "--out",
            str(report),
        ]
        t1 = time.perf_counter()
        ev = subprocess.run(eval_cmd, capture_output=True, text=True)
        eval_wall = time.perf_counter() - t1
        if ev.returncode != 0:
            return {"project": project.name, "error": ev.stderr[-2000:]}
        res = json.loads(ev.stdout)
        base, tuned = res["base"], res["adapter"]
        figures = {
            "prompt": prompt,
            "eval_seconds_wall": round(eval_wall, 1),
            "samples": base["samples"],
            "base_exact_match": base["exact_match"],
            "adapter_exact_match": tuned["exact_match"],
            "base_edit_similarity": base["edit_similarity"],
            "adapter_edit_similarity": tuned["edit_similarity"],
            "base_parse_rate": base["parse_rate"],
            "adapter_parse_rate": tuned["parse_rate"],
            "latency_ms_p50": tuned["latency_ms_p50"],
            **_hole_changes(report),
            "eval_cmd": " ".join(eval_cmd[2:]),
        }
        # the first prompt's figures at the top level, every prompt's under its name
        if n == 0:
            row.update(figures)
        row[prompt] = figures
    return row


def _hole_changes(report: Path) -> dict[str, int | None]:
    """``gained``: holes the adapter gets right and the base wrong; ``lost``: the other way
    round (from the samples in an eval report folder; None when it cannot be read)."""
    try:
        samples = json.loads((report / "results.json").read_text())["samples"]
    except (OSError, ValueError, KeyError):
        return {"gained": None, "lost": None}
    pairs = [
        (b["exact"], t["exact"]) for b, t in zip(samples["base"], samples["adapter"], strict=True)
    ]
    return {
        "gained": sum(t and not b for b, t in pairs),
        "lost": sum(b and not t for b, t in pairs),
    }


def _load() -> str:
    """The load averages (1, 5, 15 min) of this machine, as `uptime` shows them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def loss_speed(args: argparse.Namespace) -> int:
    """Training tokens/s of ``--speed-steps`` LoRA steps on the first project's files, with the
    full-logits loss (transformers' ``labels=``), with plantls's target-positions loss, and
    with that loss over the candidate vocabulary (``plantls.train.loss.OutputVocab``)."""
    import torch

    from plantls.train.corpus import build_examples, collect
    from plantls.train.loss import OutputVocab, causal_lm_loss
    from plantls.train.models import has_plantls_fim, load_model, load_tokenizer, lora_targets
    from plantls.train.trainer import TrainConfig, _collate, _tokenize

    torch.set_num_threads(args.threads)
    project = sorted(
        p
        for p in args.corpus.iterdir()
        if p.is_dir() and (not args.projects or p.name in args.projects.split(","))
    )[0]
    tok = load_tokenizer(args.base)
    corpus = collect([project], args.holdout, 0)
    seqs = _tokenize(
        tok, build_examples(corpus.train, 0, 4, 1000, has_plantls_fim(tok)), args.speed_length
    )
    from peft import LoraConfig, get_peft_model

    model = load_model(args.base)
    model = get_peft_model(
        model,
        LoraConfig(
            r=8,
            lora_alpha=16,
            target_modules=lora_targets(model.config.model_type),
            task_type="CAUSAL_LM",
            fan_in_fan_out=model.config.model_type == "gpt2",
        ),
    )
    model.train()
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    vocab = OutputVocab.for_run(model, seqs, TrainConfig().sampled_vocab, 0)
    figures = {}
    names = ["full logits", "target positions"]
    if vocab is not None:
        names.append("candidate vocabulary")
    for name in names:
        done, seconds = 0, 0.0
        for step in range(args.speed_steps + 1):  # step 0 warms up, not counted
            batch = [
                seqs[(step * args.speed_batch + i) % len(seqs)] for i in range(args.speed_batch)
            ]
            ids, mask, labels = _collate(batch, pad)
            t0 = time.perf_counter()
            if name == "full logits":
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            elif name == "target positions":
                loss = causal_lm_loss(model, ids, mask, labels)
            else:
                assert vocab is not None
                loss = causal_lm_loss(model, ids, mask, labels, *vocab.for_step(step))
            loss.backward()
            model.zero_grad(set_to_none=True)
            if step:
                seconds += time.perf_counter() - t0
                done += int(mask.sum())
        figures[name] = done / seconds
        print(
            f"{name}: {done} tokens in {seconds:.1f} s = {done / seconds:.1f} tokens/s "
            f"({project.name}, batch {args.speed_batch} x {args.speed_length} tokens, "
            f"{args.threads} threads)",
            flush=True,
        )
    return 0


def table(rows: list[dict[str, object]]) -> str:
    """The markdown table for models/README.md."""
    out = [
        "| project | train/eval files | next-line EM base → adapted | edit sim. base → adapted "
        "| training time (wall) | trainable |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['project']} | error | | | | |")
            continue
        out.append(
            f"| {r['project']} | {r['train_files']}/{r['eval_files']} | "
            f"{100 * float(r['base_exact_match']):.1f}% → "  # type: ignore[arg-type]
            f"{100 * float(r['adapter_exact_match']):.1f}% | "  # type: ignore[arg-type]
            f"{float(r['base_edit_similarity']):.3f} → "  # type: ignore[arg-type]
            f"{float(r['adapter_edit_similarity']):.3f} | "  # type: ignore[arg-type]
            f"{float(r['train_seconds_wall'] or r['train_seconds_steps']) / 60:.1f} min | "  # type: ignore[arg-type]
            f"{100 * float(r['trainable_share']):.2f}% |"  # type: ignore[arg-type]
        )
    return "\n".join(out)


def main() -> int:
    """Run the projects and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus/st"))
    parser.add_argument("--projects", default="", help="comma-separated names (default all)")
    parser.add_argument("--max-steps", type=int, default=150)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--holdout", type=float, default=0.3)
    parser.add_argument(
        "--prompt",
        default="prefix",
        help="eval prompts: prefix, fim or auto, or several comma-separated "
        "(each is one `plantls eval` run; the table shows the first)",
    )
    parser.add_argument(
        "--speed-steps",
        type=int,
        default=0,
        help="only measure training tokens/s of N steps, full vs target loss",
    )
    parser.add_argument("--speed-batch", type=int, default=4)
    parser.add_argument("--speed-length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--eval-only",
        type=Path,
        metavar="DIR",
        help="evaluate the adapters already in DIR/PROJECT instead of training new ones",
    )
    parser.add_argument("--train-args", nargs=argparse.REMAINDER, default=[])
    args = parser.parse_args()
    if args.speed_steps:
        return loss_speed(args)
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = [p for p in args.projects.split(",") if p]
    projects = sorted(p for p in args.corpus.iterdir() if p.is_dir())
    if wanted:
        projects = [p for p in projects if p.name in wanted]
    rows = []
    for project in projects:
        row = run_project(project, args)
        rows.append(row)
        print(json.dumps(row), flush=True)
        (args.out / "figures.json").write_text(json.dumps(rows, indent=1))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
