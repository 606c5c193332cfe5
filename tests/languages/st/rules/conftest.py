"""Shared helper for ST rule tests: check source texts through a real Workspace and ST language.

Use the ``check_st`` fixture::

    def test_something(check_st):
        found = check_st("PROGRAM P ... END_PROGRAM", select="ST101")
        assert found.codes == ["ST101"]

        found = check_st({"GVL.st": "...", "Main.st": "..."}, select=["ST101", "ST104"])
        assert found.in_file("Main.st").codes == ["ST104"]
        assert found.texts == ["nSpeed"]   # what each finding's range covers

Files are opened in memory (nothing touches the disk), all of them are indexed before any is
checked, and every file's findings are returned, in file order and then by position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from textwrap import dedent

import pytest

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document, path_to_uri
from plantls.core.settings import Settings
from plantls.core.workspace import Workspace

WORKSPACE_URI = "file:///workspace/"
DEFAULT_FILE = "main.st"


class Findings(list[Diagnostic]):
    """Findings of one check, with the file each came from."""

    def __init__(
        self, items: Iterable[tuple[str, Diagnostic]] = (), sources: Mapping[str, str] | None = None
    ) -> None:
        pairs = list(items)
        super().__init__(d for _, d in pairs)
        self.files = [name for name, _ in pairs]
        self.sources = dict(sources or {})

    @property
    def texts(self) -> list[str]:
        """The source text each finding's range covers (to the end of its first line)."""
        return [text_at(self.sources.get(f, ""), d) for f, d in zip(self.files, self, strict=True)]

    @property
    def codes(self) -> list[str]:
        """Codes in order."""
        return [d.code for d in self]

    @property
    def messages(self) -> list[str]:
        """Messages in order."""
        return [d.message for d in self]

    @property
    def lines(self) -> list[int]:
        """1-based start lines in order."""
        return [d.range.start.line + 1 for d in self]

    def in_file(self, name: str) -> Findings:
        """Only the findings of one file."""
        pairs = zip(self.files, self, strict=True)
        return Findings(((f, d) for f, d in pairs if f == name), self.sources)

    def with_code(self, code: str) -> Findings:
        """Only the findings of one rule."""
        pairs = zip(self.files, self, strict=True)
        return Findings(((f, d) for f, d in pairs if d.code == code), self.sources)


def text_at(source: str, diagnostic: Diagnostic) -> str:
    """The source text a single-line finding's range covers."""
    lines = source.splitlines()
    start, end = diagnostic.range.start, diagnostic.range.end
    if start.line >= len(lines):
        return ""
    if start.line != end.line:
        return lines[start.line][start.character :]
    return lines[start.line][start.character : end.character]


def run_check(
    sources: str | Mapping[str, str],
    select: str | Iterable[str] | None = None,
    *,
    settings: Settings | None = None,
    known_libraries: Iterable[str] = (),
    library_paths: Iterable[str] = (),
    folder: Path | None = None,
) -> Findings:
    """Check ST texts (one text, or file name to text) and return their findings.

    ``select`` limits the findings to codes or code prefixes (``"ST1"``, ``["ST101"]``).
    Texts are dedented, so tests can indent them with the test code. Names may contain
    folders (``"Lib/Lib.fun"``). With ``folder`` the files are also written below it (rules
    that look at the disk, such as project boundaries, see them); otherwise they live only in
    memory under ``file:///workspace/``.
    """
    files = {DEFAULT_FILE: sources} if isinstance(sources, str) else dict(sources)
    files = {name: dedent(text) for name, text in files.items()}
    settings = settings or Settings()
    st = replace(
        settings.st,
        known_libraries=tuple(known_libraries) or settings.st.known_libraries,
        library_paths=tuple(library_paths) or settings.st.library_paths,
    )
    codes = (select,) if isinstance(select, str) else tuple(select or ())
    rules = replace(settings.rules, select=codes or settings.rules.select)
    workspace = Workspace(settings=replace(settings, st=st, rules=rules))
    docs = [_document(name, text, folder) for name, text in files.items()]
    for doc in docs:
        workspace.open(doc)
    out: list[tuple[str, Diagnostic]] = []
    for name, doc in zip(files, docs, strict=True):
        out.extend((name, d) for d in workspace.diagnostics(doc))
    return Findings(out, files)


def _document(name: str, text: str, folder: Path | None) -> Document:
    """An in-memory document, also written below ``folder`` when one is given."""
    if folder is None:
        return Document(uri=WORKSPACE_URI + name, text=text, language_id="iec-st")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return Document(uri=path_to_uri(path), text=text, language_id="iec-st")


@pytest.fixture
def check_st() -> Callable[..., Findings]:
    """The :func:`run_check` function (see the module docstring)."""
    return run_check
