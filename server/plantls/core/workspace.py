"""The workspace: folders, open documents that override the disk, and per-language indexes."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document, decode_text, path_to_uri, uri_to_path
from plantls.core.language import Language, language_by_id, language_for_path
from plantls.core.settings import Settings

SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", "_Boot"}
MAX_FILE_BYTES = 20 * 1024 * 1024
SEVERITY_NAMES = {"ERROR", "WARNING", "INFORMATION", "INFO", "HINT"}


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files under ``paths`` that some language handles, in a stable order."""
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            candidates: list[Path] = [root]
        else:
            candidates = []
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                base = Path(folder)
                candidates.extend(base / f for f in sorted(files))
        for path in candidates:
            if path in seen or language_for_path(path.name) is None:
                continue
            seen.add(path)
            yield path


def read_document(path: Path, language: Language | None = None) -> Document:
    """Load a file from disk as a Document; unreadable files become empty documents."""
    language = language or language_for_path(path.name)
    problem: str | None
    try:
        text, problem = _read_text(path)
    except OSError as exc:
        text, problem = "", f"cannot read file: {exc.strerror or exc}"
    return Document(
        uri=path_to_uri(path),
        text=text,
        language_id=language.id if language else "plaintext",
        decode_problem=problem,
    )


_O_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _too_large(size: int) -> tuple[str, str]:
    return "", f"file is {size // 1_000_000} MB, over the 20 MB limit; not checked"


def _read_text(path: Path) -> tuple[str, str | None]:
    """The text of a file and its problem, if any: one open, one ``fstat`` and the reads
    (``Path.stat`` then ``Path.read_bytes`` take twice as long)."""
    try:
        fd = os.open(path, _O_READ)
    except OSError:  # the plain way, which raises the error read_document reports
        size = path.stat().st_size
        return _too_large(size) if size > MAX_FILE_BYTES else decode_text(path.read_bytes())
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            return _too_large(size)
        data = os.read(fd, size + 1)
        if data:  # read to the end, as a file may grow or be read short
            chunks = [data]
            while chunk := os.read(fd, max(size, 1 << 16)):
                chunks.append(chunk)
            if len(chunks) > 1:
                data = b"".join(chunks)
    finally:
        os.close(fd)
    return decode_text(data)


class Workspace:
    """Folders plus open documents, with the language indexes built over them."""

    def __init__(self, roots: list[Path] | None = None, settings: Settings | None = None) -> None:
        self.roots = [r.resolve() for r in roots or []]
        self.settings = settings or Settings()
        self.open_documents: dict[str, Document] = {}
        self._disk: dict[str, Document] = {}
        self._state: dict[str, Any] = {}
        self.indexed = False

    # -- language state ---------------------------------------------------------------
    def state(self, key: str, factory: Any) -> Any:
        """Per-language state (such as a symbol index), created on first use."""
        if key not in self._state:
            self._state[key] = factory()
        return self._state[key]

    # -- documents --------------------------------------------------------------------
    def get(self, uri: str) -> Document | None:
        """The open document, else the file on disk, else None."""
        doc = self.open_documents.get(uri)
        if doc is not None:
            return doc
        doc = self._disk.get(uri)
        if doc is None:
            path = uri_to_path(uri)
            if path is None or not path.is_file():
                return None
            doc = read_document(path)
            self._disk[uri] = doc
        return doc

    def documents(self) -> Iterator[Document]:
        """Every known document: open ones first, then indexed files on disk."""
        yield from self.open_documents.values()
        for uri, doc in self._disk.items():
            if uri not in self.open_documents:
                yield doc

    def workspace_files(self) -> list[Path]:
        """All files of known languages under the workspace roots."""
        return list(iter_files(self.roots)) if self.roots else []

    def index_all(self, progress: Any = None) -> int:
        """Index every file under the roots; ``progress(done, total)`` is called as it goes."""
        files = self.workspace_files()
        for i, path in enumerate(files):
            uri = path_to_uri(path)
            if uri not in self.open_documents:
                doc = read_document(path)
                self._disk[uri] = doc
                self._index(doc)
            if progress is not None:
                progress(i + 1, len(files))
        self.indexed = True
        return len(files)

    def add_file(self, path: Path) -> Document:
        """Read and index one file from disk (used by the CLI)."""
        doc = read_document(path)
        self._disk[doc.uri] = doc
        self._index(doc)
        return doc

    def open(self, doc: Document) -> None:
        """A document opened or changed in the editor."""
        self.open_documents[doc.uri] = doc
        self._index(doc)

    def close(self, uri: str) -> None:
        """The editor closed a document: go back to the disk version, if any."""
        self.open_documents.pop(uri, None)
        self._disk.pop(uri, None)
        path = uri_to_path(uri)
        lang = language_for_path(uri)
        if path is not None and path.is_file() and any(r in path.parents for r in self.roots):
            self._index(self.get(uri))  # type: ignore[arg-type]
        elif lang is not None:
            lang.forget(uri, self)

    def file_changed(self, uri: str) -> None:
        """A file changed on disk (not open in the editor)."""
        if uri in self.open_documents:
            return
        self._disk.pop(uri, None)
        doc = self.get(uri)
        lang = language_for_path(uri)
        if doc is not None:
            self._index(doc)
        elif lang is not None:
            lang.forget(uri, self)

    def _index(self, doc: Document) -> None:
        lang = language_by_id(doc.language_id)
        if lang is not None:
            lang.index(doc, self)

    # -- findings ---------------------------------------------------------------------
    def diagnostics(self, doc: Document) -> list[Diagnostic]:
        """Findings for a document after settings (select, ignore, per-path ignores, severity)
        and suppression comments are applied (see ``core/suppressions.py``)."""
        from plantls.core.suppressions import apply_settings

        lang = language_by_id(doc.language_id)
        if lang is None:
            return []
        return apply_settings(doc, lang.diagnostics(doc, self), self.settings, self.roots)

    def diagnostic_steps(self, doc: Document) -> Generator[None, None, list[Diagnostic]]:
        """:meth:`diagnostics` as a generator that pauses between the language's steps (when
        it has them), so a server can answer other messages in between; returns the findings."""
        from plantls.core.suppressions import apply_settings

        lang = language_by_id(doc.language_id)
        if lang is None:
            return []
        stepped = getattr(lang, "diagnostic_steps", None)
        if stepped is None:
            found = lang.diagnostics(doc, self)
        else:
            found = yield from stepped(doc, self)
        return apply_settings(doc, found, self.settings, self.roots)

    def quick_diagnostics(self, doc: Document) -> list[Diagnostic] | None:
        """Findings for an edited document from re-checking only what the edit touched, when
        its language can (see ``StLanguage.incremental_diagnostics``), else None.

        They may differ from :meth:`diagnostics` where one part of a file depends on another;
        callers show them at once and replace them with a full check when the edits pause.
        """
        from plantls.core.suppressions import apply_settings

        lang = language_by_id(doc.language_id)
        incremental = getattr(lang, "incremental_diagnostics", None)
        if incremental is None:
            return None
        found = incremental(doc, self)
        if found is None:
            return None
        return apply_settings(doc, found, self.settings, self.roots)

