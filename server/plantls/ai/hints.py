"""AI101: lines that are unusual for this codebase under the loaded model.

Each line's mean surprisal (bits per token, from the model's own log-probabilities) is compared
with the file's own distribution (median and median absolute deviation): lines far above it
are reported as hints. With a model fine-tuned on a plant's files, this flags what does not
look like that plant's code.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from plantls.ai.backends.base import Tokenizer
from plantls.ai.fim import lang_token
from plantls.ai.prompt import vocabulary
from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.positions import Position, Range, split_lines
from plantls.core.rules import Rule, RuleDoc

MIN_Z = 3.5
"""Robust z-score a line must reach."""
MIN_LINES = 8
"""Files with fewer scored lines get no hints (no distribution to compare with)."""
MIN_EXCESS_BITS = 1.0
"""A line must also be at least this many bits per token above the file's median."""


class UnusualLine(Rule):
    """AI101."""

    code = "AI101"
    name = "unusual-line"
    language = "*"
    severity = Severity.HINT
    summary = "A line is much less likely under the model than the rest of the file"
    doc = RuleDoc(
        why=(
            "The loaded model (ideally one fine-tuned on your plant's files with `plantls "
            "train`) finds this line's tokens much more surprising than the other lines of the "
            "file: its mean surprisal in bits per token is far above the file's median. Such "
            "lines are often typos, copy-paste slips or conventions broken by accident. It is "
            "a statistical hint, not a proof: unusual code can be right."
        ),
        example="fbValve(bOpen := bStrat);   (* bStrat: a typo the model has never seen *)",
        fix=(
            "Read the line. If it is right, ignore the hint (it is shown at the lowest "
            "severity). Turn the hints off with `hints.unusual_lines = false`."
        ),
    )

    def check(self, document: object, analysis: object) -> list[Diagnostic]:
        """Computed by :func:`unusual_lines` with a model, not by the rule engine."""
        return []


AI_RULES: tuple[Rule, ...] = (UnusualLine(),)


@dataclass(frozen=True)
class LineScore:
    """One line's mean surprisal and how far it is from the file's median."""

    line: int
    bits: float
    z: float
    start: int
    end: int


def line_surprisal(text: str, tokenizer: Tokenizer, logprobs_of: object,
                   language_id: str = "") -> dict[int, list[float]]:
    """Surprisal (bits) of each token, grouped by the line where the token starts."""
    prefix = lang_token(language_id)
    if prefix not in vocabulary(tokenizer):
        prefix = ""
    encoded = tokenizer(prefix + text, return_offsets_mapping=True, add_special_tokens=False)  # type: ignore[operator]
    ids = list(encoded["input_ids"])
    offsets = list(encoded["offset_mapping"])
    logprobs = logprobs_of(ids)  # type: ignore[operator]
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    out: dict[int, list[float]] = {}
    import bisect

    for k in range(1, len(ids)):
        start = offsets[k][0] - len(prefix)
        if start < 0 or k - 1 >= len(logprobs):
            continue
        piece = text[start : offsets[k][1] - len(prefix)]
        if not piece.strip():
            continue
        line = bisect.bisect_right(line_starts, start) - 1
        out.setdefault(line, []).append(-logprobs[k - 1] / math.log(2))
    return out


def score_lines(per_line: dict[int, list[float]]) -> list[LineScore]:
    """Robust z-scores of the lines' mean surprisal."""
    means = {line: sum(v) / len(v) for line, v in per_line.items() if v}
    if len(means) < MIN_LINES:
        return []
    values = list(means.values())
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values) or 1e-6
    scale = 1.4826 * mad
    return [
        LineScore(line, bits, (bits - median) / scale, 0, 0)
        for line, bits in sorted(means.items())
    ]


def unusual_lines(
    text: str,
    tokenizer: Tokenizer | None,
    logprobs_of: object,
    language_id: str = "",
    max_hints: int = 5,
) -> list[Diagnostic]:
    """AI101 hints for the most unusual lines of ``text`` (at most ``max_hints``)."""
    if tokenizer is None:
        return []
    per_line = line_surprisal(text, tokenizer, logprobs_of, language_id)
    scores = score_lines(per_line)
    if not scores:
        return []
    median = statistics.median(s.bits for s in scores)
    picked = sorted(
        (s for s in scores if s.z >= MIN_Z and s.bits - median >= MIN_EXCESS_BITS),
        key=lambda s: -s.z,
    )[:max_hints]
    lines = split_lines(text)
    out = []
    for s in sorted(picked, key=lambda s: s.line):
        body = lines[s.line]
        start = len(body) - len(body.lstrip())
        out.append(
            Diagnostic(
                code="AI101",
                message=(
                    f"unusual line for this codebase: {s.bits:.1f} bits/token against the "
                    f"file's median {median:.1f} (model-based hint)"
                ),
                range=Range(Position(s.line, start), Position(s.line, len(body.rstrip()))),
                severity=Severity.HINT,
            )
        )
    return out
