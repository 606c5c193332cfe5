"""Per-request telemetry: latency split, tokens, energy; aggregate stats; a rotating local log.

Nothing here talks to the network. The log lives under the user's cache folder
(``$XDG_CACHE_HOME/plantls`` or ``~/.cache/plantls``; ``%LOCALAPPDATA%`` on Windows).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import resource
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RAPL = Path("/sys/class/powercap/intel-rapl:0/energy_uj")
HISTORY = 2000
"""Requests kept in memory for percentiles."""


def cache_dir() -> Path:
    """The user's plantls cache folder."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "plantls"


@dataclass
class RequestRecord:
    """One model request: what happened and what it cost."""

    kind: str
    """``inline``, ``completion``, ``explain``, ``fix``, ``hints``."""
    outcome: str = "empty"
    """``shown``, ``empty``, ``cancelled``, ``cache``, ``type-through``, ``error``."""
    queue_ms: float = 0.0
    debounce_ms: float = 0.0
    prompt_ms: float = 0.0
    generation_ms: float = 0.0
    post_ms: float = 0.0
    total_ms: float = 0.0
    prompt_tokens: int = 0
    generated_tokens: int = 0
    tokens_per_second: float = 0.0
    first_token_ms: float | None = None
    finish: str = ""
    energy_j: float = 0.0
    energy_source: str = ""
    validation: str = ""
    """``kept``, ``cut``, ``dropped`` or "" (not validated)."""
    filters: list[str] = field(default_factory=list)
    time: float = field(default_factory=time.time)


class EnergyMeter:
    """Energy of a span of work: RAPL if readable, NVML on a GPU, else CPU time × W/core."""

    def __init__(self, watts_per_core: float = 15.0, device: str = "cpu") -> None:
        self.watts_per_core = watts_per_core
        self.device = device
        self.rapl = self._rapl_readable()

    @staticmethod
    def _rapl_readable() -> bool:
        try:
            int(RAPL.read_text())
            return True
        except (OSError, ValueError):
            return False

    def start(self) -> tuple[float, float, int | None]:
        """A reading to pass to :meth:`stop`."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        rapl = int(RAPL.read_text()) if self.rapl else None
        return time.perf_counter(), usage.ru_utime + usage.ru_stime, rapl

    def stop(self, start: tuple[float, float, int | None]) -> tuple[float, str]:
        """Joules since ``start`` and where the figure comes from."""
        t0, cpu0, rapl0 = start
        if rapl0 is not None:
            try:
                delta = int(RAPL.read_text()) - rapl0
                if delta >= 0:
                    return delta / 1e6, "rapl (package, whole machine)"
            except (OSError, ValueError):
                pass
        if self.device.startswith("cuda"):
            try:
                import torch

                watts = torch.cuda.power_draw() / 1000.0
                return watts * (time.perf_counter() - t0), "nvml (board power × time)"
            except Exception:
                pass
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime - cpu0
        return max(cpu, 0.0) * self.watts_per_core, (
            f"estimate (CPU time × {self.watts_per_core:g} W/core)"
        )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Telemetry:
    """Aggregates request records; writes them to a rotating JSON-lines log when enabled."""

    def __init__(self, log: bool = True, max_kb: int = 1024, folder: Path | None = None) -> None:
        self.records: deque[RequestRecord] = deque(maxlen=HISTORY)
        self.outcomes: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        """Inline items: shown, accepted, dismissed."""
        self.validation: Counter[str] = Counter()
        self.totals: Counter[str] = Counter()
        self.energy_source = ""
        self._lock = threading.Lock()
        self._logger: logging.Logger | None = None
        self.log_path: Path | None = None
        if log:
            self._open_log(folder or cache_dir(), max_kb)

    def _open_log(self, folder: Path, max_kb: int) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "requests.jsonl"
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=max(1, max_kb) * 1024, backupCount=3, encoding="utf-8"
            )
        except OSError:
            return
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.getLogger(f"plantls.telemetry.{id(self)}")
        logger.propagate = False
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        self._logger = logger
        self.log_path = path

    def record(self, rec: RequestRecord) -> None:
        """Add one request."""
        with self._lock:
            self.records.append(rec)
            self.outcomes[f"{rec.kind}:{rec.outcome}"] += 1
            if rec.validation:
                self.validation[rec.validation] += 1
            self.totals["requests"] += 1
            self.totals["prompt_tokens"] += rec.prompt_tokens
            self.totals["generated_tokens"] += rec.generated_tokens
            self.totals["energy_mj"] += int(rec.energy_j * 1000)
            self.totals["generation_ms"] += int(rec.generation_ms)
            if rec.energy_source:
                self.energy_source = rec.energy_source
        if self._logger is not None:
            self._logger.info(json.dumps(asdict(rec), separators=(",", ":")))

    def _by_kind(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for key, count in sorted(self.outcomes.items()):
            kind, _, outcome = key.partition(":")
            out.setdefault(kind, {})[outcome] = count
        return out

    def item(self, event: str) -> None:
        """Count an inline item event: shown, accepted or dismissed."""
        with self._lock:
            self.items[event] += 1

    def stats(self) -> dict[str, Any]:
        """Counts, p50/p95 latencies and totals."""
        with self._lock:
            records = list(self.records)
            generated = [r for r in records if r.generated_tokens]

            def pct(attr: str, rows: list[RequestRecord]) -> dict[str, float]:
                values = [float(getattr(r, attr)) for r in rows]
                return {
                    "p50": round(_percentile(values, 0.5), 2),
                    "p95": round(_percentile(values, 0.95), 2),
                }

            served = [
                r for r in records if r.outcome in ("shown", "empty", "cache", "type-through")
            ]
            gen_seconds = self.totals["generation_ms"] / 1000
            validated = sum(self.validation.values())
            changed = self.validation["cut"] + self.validation["dropped"]
            return {
                "requests": self._by_kind(),
                "items": {k: self.items[k] for k in ("shown", "accepted", "dismissed")},
                "latency_ms": {
                    "total": pct("total_ms", served),
                    "queue": pct("queue_ms", generated),
                    "prompt": pct("prompt_ms", generated),
                    "generation": pct("generation_ms", generated),
                    "post": pct("post_ms", generated),
                },
                "tokens": {
                    "prompt": self.totals["prompt_tokens"],
                    "generated": self.totals["generated_tokens"],
                    "per_second": round(
                        self.totals["generated_tokens"] / gen_seconds if gen_seconds else 0.0, 2
                    ),
                },
                "energy": {
                    "joules": round(self.totals["energy_mj"] / 1000, 3),
                    "source": self.energy_source,
                },
                "validation": {
                    "checked": validated,
                    "kept": self.validation["kept"],
                    "cut": self.validation["cut"],
                    "dropped": self.validation["dropped"],
                    "changed_rate": round(changed / validated, 3) if validated else 0.0,
                },
                "log": str(self.log_path) if self.log_path else None,
            }

    def close(self) -> None:
        """Close the log file."""
        if self._logger is not None:
            for handler in list(self._logger.handlers):
                handler.close()
                self._logger.removeHandler(handler)
            self._logger = None
