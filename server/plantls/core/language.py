"""The interface every language package implements, and the registry of languages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from plantls.core.diagnostics import Diagnostic
from plantls.core.positions import Position
from plantls.core.rules import Rule
from plantls.core.symbols import CompletionItem, Hover, Location, SignatureInfo, Symbol

if TYPE_CHECKING:
    from plantls.core.documents import Document
    from plantls.core.workspace import Workspace


class Language(Protocol):
    """What plantls needs from a language: detection, findings and IDE features.

    Every method takes the document and the workspace it belongs to and returns
    LSP-free results. Methods never raise for bad input: they return nothing.
    """

    id: str
    name: str
    extensions: tuple[str, ...]

    def detect(self, path: str) -> bool:
        """True when a file with this name belongs to the language."""
        ...

    def rules(self) -> list[Rule]:
        """The language's rules."""
        ...

    def index(self, document: Document, workspace: Workspace) -> None:
        """Update the workspace index with this document's declarations."""
        ...

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Drop this document's declarations from the workspace index."""
        ...

    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """All findings for the document, before select/ignore filtering."""
        ...

    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """The document's outline."""
        ...

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Hover text at a position."""
        ...

    def definition(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[Location]:
        """Where the name at a position is declared."""
        ...

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Completion candidates at a position."""
        ...

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """Signature of the call around a position."""
        ...

    def model_context(self, document: Document, workspace: Workspace, pos: Position) -> str:
        """A short header of domain context for the model at a position (the enclosing
        block, names in scope with their types), written as a comment of the language."""
        ...


_LANGUAGES: list[Language] = []


def languages() -> list[Language]:
    """All registered languages (loaded on first use)."""
    if not _LANGUAGES:
        from plantls.languages import REGISTRY

        _LANGUAGES.extend(REGISTRY)
    return _LANGUAGES


def language_for_path(path: str) -> Language | None:
    """The language a file name belongs to, if any."""
    for lang in languages():
        if lang.detect(path):
            return lang
    return None


def language_by_id(language_id: str) -> Language | None:
    """A language by its LSP language id (``iec-st``, ...)."""
    for lang in languages():
        if lang.id == language_id:
            return lang
    return None
