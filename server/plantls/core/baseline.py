"""Baselines: accept today's findings, report only new ones.

A finding is identified by its file, its code and a *content fingerprint*, never by its line
number, so lines inserted or deleted above it do not turn it into a new finding:

    fingerprint = sha256(code + "\\n" + the finding's first line, whitespace collapsed)[:16]
                  + ":" + occurrence

The occurrence counts earlier findings in the same file with the same hash (top to bottom),
so two identical lines with the same finding stay two entries. The message is not part of
the fingerprint: rewording a message in a new plantls version keeps the baseline valid.
Editing the line of a finding makes it new, which is the point: someone touched it.

The same fingerprint goes into SARIF ``partialFingerprints``, so GitHub code scanning tracks
an alert across commits the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from plantls.core.diagnostics import Diagnostic
from plantls.core.positions import LineIndex

BASELINE_VERSION = 1
FINGERPRINT_KEY = "plantls/v1"
"""The key of plantls's fingerprint in SARIF ``partialFingerprints``."""


def line_hash(code: str, line: str) -> str:
    """Hash of a code and a line's text with whitespace runs collapsed."""
    normalised = " ".join(line.split())
    return hashlib.sha256(f"{code}\n{normalised}".encode()).hexdigest()[:16]


def fingerprints(diagnostics: Sequence[Diagnostic], text: str | LineIndex) -> list[str]:
    """One fingerprint per finding, in the order given (which should be the sorted order)."""
    lines = text if isinstance(text, LineIndex) else LineIndex(text)
    seen: Counter[str] = Counter()
    out = []
    for d in diagnostics:
        h = line_hash(d.code, lines.line_text(d.range.start.line))
        out.append(f"{h}:{seen[h]}")
        seen[h] += 1
    return out


@dataclass(frozen=True, order=True)
class BaselineEntry:
    """One accepted finding."""

    path: str
    """Posix path relative to the baseline file's folder."""
    code: str
    fingerprint: str
    line: int = 0
    """1-based line when the baseline was written (for readers; not used to match)."""
    message: str = ""
    """The message when the baseline was written (for readers; not used to match)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """What matching uses: file, code and fingerprint."""
        return (self.path, self.code, self.fingerprint)


def path_key(path: str | Path, baseline_file: Path) -> str:
    """A file's path as the baseline stores it: relative to the baseline's folder, posix."""
    folder = baseline_file.resolve().parent
    absolute = Path(path).resolve()
    try:
        rel = os.path.relpath(absolute, folder)
    except ValueError:  # another drive on Windows
        rel = str(absolute)
    return Path(rel).as_posix()


def entries_for(
    path: str | Path, text: str | LineIndex, diagnostics: Sequence[Diagnostic], baseline_file: Path
) -> list[BaselineEntry]:
    """Baseline entries for one file's findings."""
    key = path_key(path, baseline_file)
    return [
        BaselineEntry(key, d.code, fp, d.range.start.line + 1, d.message)
        for d, fp in zip(diagnostics, fingerprints(diagnostics, text), strict=True)
    ]


def write_baseline(baseline_file: Path, entries: Iterable[BaselineEntry]) -> int:
    """Write a baseline file; returns the number of entries."""
    items = sorted(entries)
    data = {
        "version": BASELINE_VERSION,
        "tool": "plantls",
        "findings": [
            {
                "path": e.path,
                "code": e.code,
                "fingerprint": e.fingerprint,
                "line": e.line,
                "message": e.message,
            }
            for e in items
        ],
    }
    baseline_file.parent.mkdir(parents=True, exist_ok=True)
    baseline_file.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return len(items)


def read_baseline(baseline_file: Path) -> set[tuple[str, str, str]]:
    """The keys of a baseline file; ValueError when it is not a plantls baseline."""
    try:
        data = json.loads(baseline_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read baseline {baseline_file}: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise ValueError(
            f"{baseline_file} is not a plantls baseline (version {BASELINE_VERSION}); "
            "delete it to write a new one"
        )
    keys = set()
    for item in data.get("findings", []):
        try:
            keys.add((str(item["path"]), str(item["code"]), str(item["fingerprint"])))
        except (KeyError, TypeError):
            raise ValueError(f"{baseline_file}: malformed entry {item!r}") from None
    return keys
