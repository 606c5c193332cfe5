"""ST texts and analyses for tests that compare a fast path with a walk over many sources."""

from __future__ import annotations

from pathlib import Path

from plantls.core.documents import Document
from plantls.core.workspace import Workspace
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.language import ST_EXTENSIONS, StLanguage

ROOT = Path(__file__).resolve().parents[4]


def example_sources() -> list[tuple[str, str]]:
    """(uri, text) of every ST and TwinCAT file under ``examples/``, in path order."""
    return [
        (path.as_uri(), path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted((ROOT / "examples").rglob("*"))
        if path.is_file() and path.suffix.lower() in ST_EXTENSIONS
    ]


def analyse(uri: str, text: str) -> StAnalysis:
    """The ST analysis of one text, indexed alone in a fresh workspace."""
    workspace = Workspace()
    lang = StLanguage()
    doc = Document(uri, text, lang.id, 1)
    lang.index(doc, workspace)
    analysis = lang.analysis(doc, workspace)
    assert analysis is not None
    return analysis
