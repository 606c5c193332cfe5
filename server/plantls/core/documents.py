"""A text document as plantls sees it, independent of any protocol."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote, urlparse

from plantls.core.positions import LineIndex

_FOLDERS: dict[str, str] | None = None
"""Real paths of the folders seen, while :func:`folders_resolved_once` is active."""


@contextmanager
def folders_resolved_once() -> Iterator[None]:
    """Within the block, :func:`path_to_uri` resolves each folder once and then only looks
    at the file itself (one ``lstat`` instead of one per folder of the path).

    For a batch such as ``plantls check``, during which the working directory and the
    folders do not change; the URIs are the same as without it. Nested blocks share the
    outer one's folders.
    """
    global _FOLDERS
    outer = _FOLDERS
    if outer is None:
        _FOLDERS = {}
    try:
        yield
    finally:
        _FOLDERS = outer


def path_to_uri(path: Path) -> str:
    """``file://`` URI for a local path."""
    folders = _FOLDERS
    if folders is not None and os.name == "posix":
        uri = _uri_in_resolved_folder(path, folders)
        if uri is not None:
            return uri
    return path.resolve().as_uri()


def _uri_in_resolved_folder(path: Path, folders: dict[str, str]) -> str | None:
    """The URI of ``path`` from its folder's real path (resolved once), when the file itself
    is no symbolic link (else None: it is resolved as a whole)."""
    folder, name = os.path.split(os.fspath(path))
    if name in ("", ".", ".."):
        return None
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = str(Path(folder or ".").resolve())
    if not real.startswith("/") or real.startswith("//"):
        return None
    full = f"{real}/{name}" if real != "/" else f"/{name}"
    try:
        mode = os.lstat(full).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return None
    return "file://" + quote_from_bytes(os.fsencode(full))  # as PurePosixPath.as_uri


def uri_to_path(uri: str) -> Path | None:
    """Local path for a ``file://`` URI, or None for other schemes."""
    if uri.startswith("file:///") and _URL_SPECIAL.search(uri) is None:
        return Path(unquote(uri[7:]))  # what urlparse gives: no host, query or fragment
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


_URL_SPECIAL = re.compile(r"[?#\t\r\n]")
"""Characters that ``urlparse`` splits at or removes."""


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
