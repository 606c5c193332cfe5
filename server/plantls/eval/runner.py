"""``plantls eval``: held-out fill-in-the-middle holes, scored, base vs adapter in one run.

Holes are cut at reproducible positions (a seeded RNG over the sorted files):

* ``next-line``: a whole non-blank line; the suggestion is cut at its first line break.
* ``block``: a line that opens a block and the block's body (the following, more indented
  lines) with its closing ``END_*`` line, at most 7 lines; the suggestion is cut to as many
  lines.
* ``span``: a random span of 3 to 40 characters inside one line (FIM models only: without a
  suffix in the prompt a model cannot know where a span ends).

Scores: exact match (after stripping surrounding whitespace), edit similarity
(1 - Levenshtein distance / longer length), parse rate (the completed file has no more syntax
errors than the original, by plantls's own parsers), latency p50/p95 of the generate call and
generated tokens per second. Models with plantls's FIM tokens get PSM prompts
(prefix and suffix); others get the prefix only, both with the file-type token first.
"""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantls.ai.backends.base import BackendError, GenerationRequest
from plantls.ai.backends.transformers_backend import TransformersBackend
from plantls.train.corpus import SourceFile, collect
from plantls.train.special_tokens import FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX, lang_token

KINDS = ("next-line", "block", "span")


@dataclass
class EvalConfig:
    """Options of an evaluation run."""

    seed: int = 0
    samples_per_kind: int = 60
    kinds: tuple[str, ...] = KINDS
    max_new_tokens: int = 48
    max_prompt_tokens: int = 384
    suffix_share: float = 0.25
    held_out_only: bool = True
    prompt: str = "auto"
    """``fim`` (prefix and suffix), ``prefix`` (prefix only) or ``auto`` (FIM when the model
    has plantls's FIM tokens)."""
    validation_share: float = 0.1
    threads: int | None = None


@dataclass(frozen=True)
class Hole:
    """One hole: the file, the character span removed and its kind."""

    file: SourceFile
    start: int
    end: int
    kind: str

    @property
    def target(self) -> str:
        """The removed text."""
        return self.file.text[self.start : self.end]


@dataclass
class Sample:
    """One scored suggestion."""

    kind: str
    path: str
    target: str
    prediction: str
    exact: bool
    similarity: float
    parses: bool
    seconds: float
    tokens: int


@dataclass
class ModelScores:
    """All samples of one model."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    def metrics(self, kind: str | None = None) -> dict[str, Any]:
        """The summary metrics, over all samples or one kind."""
        rows = [s for s in self.samples if kind is None or s.kind == kind]
        if not rows:
            return {"samples": 0}
        lat = sorted(1000 * s.seconds for s in rows)
        total_s = sum(s.seconds for s in rows)
        return {
            "exact_match": sum(s.exact for s in rows) / len(rows),
            "edit_similarity": statistics.fmean(s.similarity for s in rows),
            "parse_rate": sum(s.parses for s in rows) / len(rows),
            "latency_ms_p50": _percentile(lat, 50),
            "latency_ms_p95": _percentile(lat, 95),
            "tokens_per_second": sum(s.tokens for s in rows) / total_s if total_s else 0.0,
            "samples": len(rows),
        }


@dataclass
class EvalReport:
    """Scores for the base and (optionally) the adapter."""

    config: EvalConfig
    model: str
    adapter: str | None
    files: int
    models: list[ModelScores] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """``{"base": {...}, "adapter": {...}}`` with overall metrics and ``by_kind``."""
        out: dict[str, Any] = {}
        for m in self.models:
            entry = m.metrics()
            entry["by_kind"] = {
                k: m.metrics(k) for k in self.config.kinds if m.metrics(k)["samples"]
            }
            out[m.name] = entry
        return out

    def markdown(self) -> str:
        """The report as markdown."""
        s = self.summary()
        lines = [
            "# plantls eval",
            "",
            f"- model: `{self.model}`" + (f", adapter: `{self.adapter}`" if self.adapter else ""),
            f"- held-out files: {self.files}; seed {self.config.seed}; "
            f"up to {self.config.samples_per_kind} holes per kind",
            "",
            "| model | kind | samples | exact match | edit similarity | parse rate | "
            "p50 ms | p95 ms | tokens/s |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, entry in s.items():
            rows = [("all", entry), *list(entry.get("by_kind", {}).items())]
            for kind, m in rows:
                if not m.get("samples"):
                    continue
                lines.append(
                    f"| {name} | {kind} | {m['samples']} | {100 * m['exact_match']:.1f}% | "
                    f"{m['edit_similarity']:.3f} | {100 * m['parse_rate']:.1f}% | "
                    f"{m['latency_ms_p50']:.0f} | {m['latency_ms_p95']:.0f} | "
                    f"{m['tokens_per_second']:.1f} |"
                )
        lines.append("")
        return "\n".join(lines)


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / length of the longer string (1.0 for two empty strings)."""
    if not a and not b:
        return 1.0
    return 1.0 - levenshtein(a, b) / max(len(a), len(b))


# ------------------------------------------------------------------ holes


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each line, without the line break."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def candidate_holes(src: SourceFile, kind: str) -> list[Hole]:
    """Every hole of a kind in a file (before sampling)."""
    text = src.text
    lines = _lines(text)
    out = []
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if i == 0 or len(line.strip()) < 3:
            continue
        if kind == "next-line":
            out.append(Hole(src, s, e, kind))
        elif kind == "block":
            ind = _indent(line)
            j = i + 1
            while j < len(lines) and j < i + 8:
                nxt = text[lines[j][0] : lines[j][1]]
                if nxt.strip() and _indent(nxt) <= ind:
                    if nxt.strip().upper().startswith("END"):
                        j += 1
                    break
                j += 1
            if j - i >= 2 and j < i + 8:
                out.append(Hole(src, s, lines[j - 1][1], kind))
        elif kind == "span":
            body = line.strip()
            if len(body) >= 8:
                out.append(Hole(src, s + _indent(line), e, kind))
    return out


def sample_holes(files: list[SourceFile], kind: str, n: int, seed: int) -> list[Hole]:
    """``n`` holes of a kind, the same for the same files and seed."""
    rng = random.Random(f"{seed}:{kind}")
    holes = [h for f in sorted(files, key=lambda f: f.path) for h in candidate_holes(f, kind)]
    chosen = rng.sample(holes, min(n, len(holes)))
    if kind == "span":
        cut = []
        for h in chosen:
            length = rng.randint(3, min(40, h.end - h.start))
            start = rng.randint(h.start, h.end - length)
            cut.append(Hole(h.file, start, start + length, kind))
        chosen = cut
    return sorted(chosen, key=lambda h: (h.file.path, h.start))


# ------------------------------------------------------------------ parsing


def syntax_error_count(text: str, language: str) -> int:
    """Syntax errors plantls's parser finds in a text of a language."""
    if language == "iec-st":
        from plantls.languages.st.syntax import parse, syntax_errors

        return len(syntax_errors(parse(text, "eval.st"), limit=1000))
    from plantls.core.documents import Document
    from plantls.core.language import language_by_id
    from plantls.core.workspace import Workspace

    lang = language_by_id(language)
    if lang is None:
        return 0
    ext = {"opendss": "eval.dss", "fab-recipe": "eval.recipe.yaml", "fab-tool": "eval.tool.yaml"}[
        language
    ]
    doc = Document(f"file:///eval/{ext}", text, language)
    codes = {"DSS101", "DSS102", "DSS103", "DSS104", "RCP100", "RCP101"}
    try:
        return sum(1 for d in lang.diagnostics(doc, Workspace()) if d.code in codes)
    except Exception:
        return 1


# ------------------------------------------------------------------ the model


@dataclass
class EvalModel:
    """A model under evaluation, ``base`` or ``adapter`` (merged into a copy of the base),
    generating through the transformers backend as the language server does."""

    name: str
    backend: TransformersBackend


def load_models(model_dir: Path, adapter: Path | None) -> list[EvalModel]:
    """The base model, then (when given) the same base with the adapter merged in."""
    from plantls.train.models import load_model, load_tokenizer

    try:
        tokenizer = load_tokenizer(model_dir)
        base = load_model(model_dir)
    except (OSError, ValueError) as exc:
        raise BackendError(f"cannot load {model_dir}: {exc}") from exc
    models = [EvalModel("base", TransformersBackend.around(base, tokenizer))]
    if adapter is not None:
        import copy

        from peft import PeftModel

        if not (adapter / "adapter_config.json").exists():
            raise BackendError(f"{adapter}: not a peft adapter (no adapter_config.json)")
        tuned = PeftModel.from_pretrained(copy.deepcopy(base), str(adapter), is_trainable=False)
        merged = tuned.merge_and_unload()
        models.append(EvalModel("adapter", TransformersBackend.around(merged, tokenizer)))
    return models


def _prompt_ids(
    tokenizer: Any, hole: Hole, fim: bool, cfg: EvalConfig, limit: int | None = None
) -> list[int]:
    text = hole.file.text
    from plantls.train.models import bos_ids

    enc = lambda s: list(tokenizer.encode(s, add_special_tokens=False))  # noqa: E731
    lang = bos_ids(tokenizer) + (
        enc(lang_token(hole.file.language)) if lang_token(hole.file.language) else []
    )
    budget = min(cfg.max_prompt_tokens, limit or cfg.max_prompt_tokens) - len(lang) - 3
    if not fim:
        end = hole.start - 1 if _heals(hole, fim) else hole.start
        prefix = enc(text[max(0, end - 4 * budget) : end])
        return lang + prefix[-budget:]
    suffix_budget = int(budget * cfg.suffix_share)
    prefix = enc(text[max(0, hole.start - 4 * budget) : hole.start])
    suffix = enc(text[hole.end : hole.end + 4 * suffix_budget])[:suffix_budget]
    prefix = prefix[-(budget - len(suffix)) :]
    return lang + enc(FIM_PREFIX) + prefix + enc(FIM_SUFFIX) + suffix + enc(FIM_MIDDLE)


def _heals(hole: Hole, fim: bool) -> bool:
    """Prefix-only prompts for holes at a line start end before the line break (see
    ``TransformersBackend.generate``'s ``lead_newline``)."""
    return not fim and hole.start > 0 and hole.file.text[hole.start - 1] == "\n"


def _postprocess(prediction: str, hole: Hole) -> str:
    target_lines = hole.target.count("\n") + 1
    if hole.kind == "span":
        return prediction.split("\n", 1)[0]
    return "\n".join(prediction.split("\n")[:target_lines])


def score_model(
    model: EvalModel, holes: list[Hole], cfg: EvalConfig, fim: bool, base_errors: dict[str, int]
) -> ModelScores:
    """Run the model on every hole and score it."""
    scores = ModelScores(model.name)
    tok = model.backend.tokenizer()
    positions = model.backend.context_length
    for hole in holes:
        n_lines = hole.target.count("\n") + 1
        new_tokens = cfg.max_new_tokens * (2 if n_lines > 1 else 1)
        limit = positions - new_tokens if positions else None
        ids = _prompt_ids(tok, hole, fim, cfg, limit)
        stop = ("\n",) if hole.kind in ("next-line", "span") else ()
        req = GenerationRequest(
            prompt="", prompt_ids=tuple(ids), stop=stop, max_new_tokens=new_tokens
        )
        res = model.backend.generate(req, lead_newline=_heals(hole, fim))
        pred = _postprocess(res.text, hole)
        text = hole.file.text
        completed = text[: hole.start] + pred + text[hole.end :]
        errors = syntax_error_count(completed, hole.file.language)
        scores.samples.append(
            Sample(
                kind=hole.kind,
                path=hole.file.path,
                target=hole.target,
                prediction=pred,
                exact=pred.strip() == hole.target.strip(),
                similarity=edit_similarity(pred.strip(), hole.target.strip()),
                parses=errors <= base_errors[hole.file.path],
                seconds=res.seconds,
                tokens=res.generated_tokens,
            )
        )
    return scores


def evaluate(
    data: list[Path], model_dir: Path, adapter: Path | None, cfg: EvalConfig | None = None
) -> EvalReport:
    """Evaluate the base (and adapter) on held-out files under ``data``."""
    import torch

    from plantls.train.models import has_plantls_fim

    cfg = cfg or EvalConfig()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    corpus = collect(data, cfg.validation_share, cfg.seed)
    files = corpus.validation if cfg.held_out_only else corpus.train + corpus.validation
    if not files:
        raise ValueError("no held-out files to evaluate on (give more files or --all-files)")
    models = load_models(model_dir, adapter)
    fim = has_plantls_fim(models[0].backend.tokenizer()) and cfg.prompt != "prefix"
    if cfg.prompt == "fim" and not fim:
        raise ValueError("this model has no plantls FIM tokens; use --prompt prefix")
    kinds = [k for k in cfg.kinds if fim or k != "span"]
    holes = [h for k in kinds for h in sample_holes(files, k, cfg.samples_per_kind, cfg.seed)]
    base_errors = {f.path: syntax_error_count(f.text, f.language) for f in files}
    report = EvalReport(cfg, str(model_dir), str(adapter) if adapter else None, len(files))
    report.config.kinds = tuple(kinds)
    for m in models:
        report.models.append(score_model(m, holes, cfg, fim, base_errors))
    return report


def write_report(report: EvalReport, out: Path) -> None:
    """report.md, results.json (with every sample) and the plots, in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    summary = report.summary()
    kinds = list(report.config.kinds)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), dpi=100)
    width = 0.8 / max(1, len(summary))
    for idx, (metric, label) in enumerate(
        [
            ("exact_match", "exact match"),
            ("edit_similarity", "edit similarity"),
            ("parse_rate", "parse rate"),
        ]
    ):
        ax = axes[idx]
        for j, (name, entry) in enumerate(summary.items()):
            vals = [entry["by_kind"].get(k, {}).get(metric, 0.0) for k in kinds]
            ax.bar([i + j * width for i in range(len(kinds))], vals, width, label=name)
        ax.set_xticks([i + width * (len(summary) - 1) / 2 for i in range(len(kinds))], kinds)
        ax.set_ylim(0, 1)
        ax.set_title(label)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(out / "scores.png", metadata={"Software": None})
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 3.4), dpi=100)
    for m in report.models:
        ax.hist([1000 * s.seconds for s in m.samples], bins=30, alpha=0.6, label=m.name)
    ax.set_xlabel("latency per suggestion (ms)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "latency.png", metadata={"Software": None})
    plt.close(fig)
    md = report.markdown() + "\n![scores](scores.png)\n\n![latency](latency.png)\n"
    (out / "report.md").write_text(md, encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps(
            {
                "summary": summary,
                "samples": {m.name: [s.__dict__ for s in m.samples] for m in report.models},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
