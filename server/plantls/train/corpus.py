"""Training corpus: collect plant files, deduplicate, split by file, build training examples.

Files are read the way plantls reads them everywhere (UTF-8 with a Latin-1 fallback); TwinCAT
XML becomes its Structured Text (the CDATA of declarations and implementations, with the
keywords TwinCAT leaves implicit), with the blanked XML lines squeezed out. Exact duplicates
(after normalising whitespace) are dropped. The train/validation split is by file, decided by a
hash of the file's text and the seed, so a file never lands on both sides and adding files
does not reshuffle the others.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from plantls.core.documents import decode_text
from plantls.train.special_tokens import EOS, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX, lang_token

_SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".tox", "build", "dist"}
MAX_FILE_BYTES = 512 * 1024


def language_of(path: Path) -> str | None:
    """The language id plantls trains on for this file name, or None."""
    name = path.name.lower()
    if name.endswith((".st", ".iecst", ".tcpou", ".tcgvl", ".tcdut", ".tcio")):
        return "iec-st"
    if name.endswith(".dss"):
        return "opendss"
    if name.endswith((".recipe.yaml", ".recipe.yml")):
        return "fab-recipe"
    if name.endswith((".tool.yaml", ".tool.yml")):
        return "fab-tool"
    return None


@dataclass(frozen=True)
class SourceFile:
    """One training file: where it came from, its language and its text."""

    path: str
    language: str
    text: str

    @property
    def digest(self) -> str:
        """Hash of the whitespace-normalised text (the dedup key)."""
        norm = re.sub(r"\s+", " ", self.text).strip()
        return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _squeeze_blank_lines(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def read_source(path: Path) -> SourceFile | None:
    """Read one file as training text; None when it is not a supported file or is empty."""
    language = language_of(path)
    if language is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    text, _problem = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() in (".tcpou", ".tcgvl", ".tcdut", ".tcio"):
        from plantls.languages.st.twincat import extract

        extracted = extract(text)
        if extracted.problems:
            return None
        text = extracted.text
    text = _squeeze_blank_lines(text.expandtabs(4))
    if not text.strip():
        return None
    return SourceFile(str(path), language, text)


def iter_paths(paths: Iterable[Path]) -> list[Path]:
    """Supported files under the given files and folders, sorted, without duplicates."""
    found: set[Path] = set()
    for root in paths:
        if root.is_file():
            if language_of(root):
                found.add(root.resolve())
            continue
        for path in root.rglob("*"):
            if any(part in _SKIP_DIRS for part in path.relative_to(root).parts):
                continue
            if path.is_file() and language_of(path):
                found.add(path.resolve())
    return sorted(found)


@dataclass
class Corpus:
    """Deduplicated files split by file into train and validation."""

    train: list[SourceFile] = field(default_factory=list)
    validation: list[SourceFile] = field(default_factory=list)
    duplicates: int = 0
    skipped: int = 0

    def summary(self) -> dict[str, object]:
        """Counts for the training card."""

        def count(files: list[SourceFile]) -> dict[str, int]:
            out: dict[str, int] = {}
            for f in files:
                out[f.language] = out.get(f.language, 0) + 1
            return out

        return {
            "train_files": len(self.train),
            "validation_files": len(self.validation),
            "train_chars": sum(len(f.text) for f in self.train),
            "validation_chars": sum(len(f.text) for f in self.validation),
            "languages_train": count(self.train),
            "languages_validation": count(self.validation),
            "duplicates_dropped": self.duplicates,
            "unreadable_or_empty": self.skipped,
        }


def _bucket(digest: str, seed: int) -> float:
    h = hashlib.sha256(f"{seed}:{digest}".encode()).hexdigest()
    return int(h[:12], 16) / float(1 << 48)


def collect(paths: Iterable[Path], validation_share: float = 0.1, seed: int = 0) -> Corpus:
    """Read, deduplicate and split the supported files under ``paths``.

    At least one file goes to validation when there are two or more files.
    """
    corpus = Corpus()
    seen: set[str] = set()
    files: list[SourceFile] = []
    for path in iter_paths(paths):
        src = read_source(path)
        if src is None:
            corpus.skipped += 1
            continue
        if src.digest in seen:
            corpus.duplicates += 1
            continue
        seen.add(src.digest)
        files.append(src)
    for src in files:
        if _bucket(src.digest, seed) < validation_share:
            corpus.validation.append(src)
        else:
            corpus.train.append(src)
    if not corpus.validation and len(corpus.train) > 1:
        # the file with the smallest bucket value goes to validation
        first = min(corpus.train, key=lambda s: _bucket(s.digest, seed))
        corpus.train.remove(first)
        corpus.validation.append(first)
    return corpus


# ------------------------------------------------------------------ examples


@dataclass(frozen=True)
class Example:
    """One training text, its kind (``next-line`` or ``fim-*``), and for plain text the lead
    (the file-type token) that every token window cut from it starts with."""

    text: str
    kind: str
    lead: str = ""


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def fim_text(prefix: str, middle: str, suffix: str, language: str) -> str:
    """A PSM fill-in-the-middle training text."""
    return (
        f"{lang_token(language)}{FIM_PREFIX}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}{middle}{EOS}"
    )


def file_text(src: SourceFile) -> str:
    """A whole file as a plain (next-token) training text."""
    return f"{lang_token(src.language)}{src.text}{EOS}"


def build_examples(
    files: list[SourceFile],
    seed: int = 0,
    fim_per_file: int = 4,
    context_chars: int = 1200,
    fim: bool = True,
) -> list[Example]:
    """Next-line (plain text windows) and FIM examples from files, reproducibly.

    Every file contributes its plain text (chunked to ``context_chars`` windows, so the model
    learns to continue lines), and ``fim_per_file`` FIM examples whose middle is a line, the
    rest of a block or a random span, with prefix and suffix windows of ``context_chars``.
    With ``fim=False`` (models without FIM tokens), only next-line windows are built.
    """
    rng = random.Random(seed)
    out: list[Example] = []
    for src in files:
        text = src.text
        # plain windows, overlapping by a quarter, cut at line starts
        starts = _line_starts(text)
        pos = 0
        while pos < len(text):
            end = min(len(text), pos + context_chars)
            if end < len(text):
                cut = text.rfind("\n", pos, end)
                end = cut + 1 if cut > pos else end
            chunk = text[pos:end]
            tail = EOS if end >= len(text) else ""
            lead = lang_token(src.language)
            out.append(Example(f"{lead}{chunk}{tail}", "next-line", lead))
            if end >= len(text):
                break
            back = max(pos + 1, end - context_chars // 4)
            nxt = next((s for s in starts if s >= back), end)
            pos = nxt if nxt > pos else end
        if not fim:
            continue
        lines = text.splitlines(keepends=True)
        if len(lines) < 3:
            continue
        for _ in range(fim_per_file):
            kind = rng.choice(["line", "line", "block", "span"])
            i = rng.randrange(1, len(lines))
            start = sum(len(x) for x in lines[:i])
            if kind == "line":
                end = start + len(lines[i])
            elif kind == "block":
                j = min(len(lines), i + rng.randint(2, 8))
                end = start + sum(len(x) for x in lines[i:j])
            else:
                start = rng.randrange(0, len(text) - 1)
                end = min(len(text), start + rng.randint(1, 80))
            prefix = text[max(0, start - context_chars) : start]
            suffix = text[end : end + context_chars // 2]
            out.append(
                Example(fim_text(prefix, text[start:end], suffix, src.language), f"fim-{kind}")
            )
    return out
