"""The Structured Text language object (filled in by the analysis and IDE modules)."""

from __future__ import annotations

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Position
from plantls.core.rules import Rule
from plantls.core.symbols import CompletionItem, Hover, Location, SignatureInfo, Symbol
from plantls.core.workspace import Workspace
from plantls.languages.st import syntax

ST_EXTENSIONS = (".st", ".iecst", ".tcpou", ".tcgvl", ".tcdut", ".tcio", ".fun", ".typ", ".var")


class StLanguage:
    """IEC 61131-3 Structured Text."""

    id = "iec-st"
    name = "Structured Text"
    extensions = ST_EXTENSIONS

    def detect(self, path: str) -> bool:
        """ST by extension."""
        return path.lower().endswith(self.extensions)

    def rules(self) -> list[Rule]:
        """All ST rules."""
        return []

    def index(self, document: Document, workspace: Workspace) -> None:
        """Index declarations."""

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Drop declarations."""

    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Findings."""
        tree = syntax.parse(document.text)
        from plantls.core.diagnostics import Diagnostic as D

        return [
            D("ST001", msg, rng, Severity.ERROR) for rng, msg in syntax.syntax_errors(tree)
        ]

    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """Outline."""
        return []

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Hover."""
        return None

    def definition(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[Location]:
        """Definition."""
        return []

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Completion."""
        return []

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """Signature help."""
        return None
