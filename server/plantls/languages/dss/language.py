"""The OpenDSS language object: modelling, indexing and caching, then delegation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Position, Range
from plantls.core.rules import Rule
from plantls.core.symbols import CompletionItem, Hover, Location, SignatureInfo, Symbol
from plantls.core.workspace import Workspace, read_document
from plantls.languages.dss.analysis import DssAnalysis, analyze
from plantls.languages.dss.index import DssIndex
from plantls.languages.dss.model import FileModel, build_model

DSS_EXTENSIONS = (".dss",)
MAX_ANALYSIS_CHARS = 5_000_000


@dataclass
class _State:
    """Per-workspace OpenDSS state."""

    index: DssIndex = field(default_factory=DssIndex)
    engine_cache: dict[str, object] = field(default_factory=dict)


def file_model(document: Document) -> FileModel:
    """Model a document once per version."""
    cached = document._cache.get("dss")
    if isinstance(cached, FileModel):
        return cached
    model = build_model(document.uri, document.text, document.path)
    document._cache["dss"] = model
    return model


def model_from_disk(path: Path, index: DssIndex) -> FileModel | None:
    """Model (and index) a file that the workspace has not seen yet."""
    doc = read_document(path, DSS_LANGUAGE)
    if doc.decode_problem and not doc.text:
        return None
    model = file_model(doc)
    index.update(model)
    return model


class DssLanguage:
    """OpenDSS scripts."""

    id = "opendss"
    analysis_limit_chars = MAX_ANALYSIS_CHARS
    name = "OpenDSS"
    extensions: tuple[str, ...] = DSS_EXTENSIONS

    def detect(self, path: str) -> bool:
        """OpenDSS by extension."""
        return path.lower().endswith(self.extensions)

    def rules(self) -> list[Rule]:
        """All OpenDSS rules."""
        from plantls.languages.dss.rules import ALL_RULES

        return list(ALL_RULES)

    # -- index --------------------------------------------------------------------------
    def state(self, workspace: Workspace) -> _State:
        """The workspace's OpenDSS state."""
        state: _State = workspace.state(self.id, _State)
        return state

    def index(self, document: Document, workspace: Workspace) -> None:
        """Index one document."""
        self.state(workspace).index.update(file_model(document))

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Drop a document."""
        self.state(workspace).index.remove(uri)

    def analysis(self, document: Document, workspace: Workspace) -> DssAnalysis | None:
        """The document analysed inside its root script (cached per index generation)."""
        if len(document.text) > MAX_ANALYSIS_CHARS:
            return None
        index = self.state(workspace).index
        model = file_model(document)
        if index.files.get(document.uri) is not model:
            index.update(model)
        key = index.generation
        cached = document._cache.get("dss-analysis")
        if isinstance(cached, tuple) and cached[0] == key:
            return cached[1]
        result = analyze(document, model, index, workspace.roots)
        document._cache["dss-analysis"] = (index.generation, result)
        return result

    # -- findings -----------------------------------------------------------------------
    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Every rule's findings, plus the engine's when ``dss.engine`` is on."""
        out: list[Diagnostic] = []
        if document.decode_problem:
            out.append(
                Diagnostic(
                    "DSS100", document.decode_problem, Range(Position(0, 0), Position(0, 0)),
                    Severity.WARNING,
                )
            )
        if len(document.text) > MAX_ANALYSIS_CHARS:
            from plantls.core.limits import too_large

            return [*out, *filter(None, [too_large(document)])]
        analysis = self.analysis(document, workspace)
        if analysis is None or analysis.index.is_data(document.uri):
            return out
        if workspace.settings.dss.engine:
            from plantls.languages.dss.engine import attach_engine

            attach_engine(analysis, self.state(workspace).engine_cache, workspace)
        for rule in self.rules():
            out.extend(rule.check(document, analysis))
        return out

    # -- IDE features -------------------------------------------------------------------
    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """Outline: elements grouped by class, includes and commands."""
        from plantls.languages.dss.outline import outline

        return outline(document, file_model(document))

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Help for commands, classes, properties, options; element and bus details."""
        from plantls.languages.dss.hover import hover

        analysis = self.analysis(document, workspace)
        return hover(analysis, pos) if analysis else None

    def definition(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[Location]:
        """Where the referenced element, bus or included file is defined."""
        from plantls.languages.dss.navigation import definition

        analysis = self.analysis(document, workspace)
        return definition(analysis, pos) if analysis else []

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Commands, classes, properties, enum values and defined names."""
        from plantls.languages.dss.completion import complete

        analysis = self.analysis(document, workspace)
        return complete(analysis, pos) if analysis else []

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """OpenDSS has no calls."""
        return None

    def model_context(self, document: Document, workspace: Workspace, pos: Position) -> str:
        """Domain context for the model: the element edited, linecodes and buses."""
        from plantls.languages.dss.context import model_context

        analysis = self.analysis(document, workspace)
        return model_context(analysis, pos) if analysis else ""


DSS_LANGUAGE = DssLanguage()
