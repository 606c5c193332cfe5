"""A text document as plantls sees it, independent of any protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlparse

from plantls.core.positions import LineIndex


def path_to_uri(path: Path) -> str:
    """``file://`` URI for a local path."""
    return path.resolve().as_uri()


def uri_to_path(uri: str) -> Path | None:
    """Local path for a ``file://`` URI, or None for other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes as UTF-8 (BOM stripped), falling back to Latin-1.

    Returns the text and a problem description when the bytes were not clean UTF-8
    or look binary, so callers can report it instead of failing.
    """
    problem = None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("latin-1")
        problem = f"file is not valid UTF-8 (byte {exc.start}); read as Latin-1"
    if "\x00" in text:
        problem = "file contains NUL bytes; it may be binary"
        text = text.replace("\x00", " ")
    return text, problem


@dataclass
class Document:
    """The text of one file, its language and its version."""

    uri: str
    text: str
    language_id: str
    version: int = 0
    decode_problem: str | None = None
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    previous: Document | None = field(default=None, repr=False, compare=False)
    """An earlier version of this document whose results are cached (set by the editor sync),
    so a language can parse incrementally; the language drops it once it has parsed."""

    @cached_property
    def lines(self) -> LineIndex:
        """Line index for position conversions."""
        return LineIndex(self.text)

    @property
    def path(self) -> Path | None:
        """The local file path, when the document lives on disk."""
        return uri_to_path(self.uri)

    @property
    def name(self) -> str:
        """The file name."""
        return self.uri.rsplit("/", 1)[-1]
