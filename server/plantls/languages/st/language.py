"""The Structured Text language object: parsing, indexing and caching, then delegation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document, path_to_uri
from plantls.core.positions import Position, Range
from plantls.core.rules import Rule
from plantls.core.symbols import CompletionItem, Hover, Location, SignatureInfo, Symbol
from plantls.core.workspace import Workspace, iter_files, read_document
from plantls.languages.st import syntax
from plantls.languages.st.analysis import StAnalysis, analyze
from plantls.languages.st.completion import complete, signature_help
from plantls.languages.st.hover import hover
from plantls.languages.st.index import StIndex
from plantls.languages.st.model import FileModel, build_model
from plantls.languages.st.navigation import definition
from plantls.languages.st.outline import outline

ST_EXTENSIONS = (".st", ".iecst", ".tcpou", ".tcgvl", ".tcdut", ".tcio", ".fun", ".typ", ".var")
MAX_ANALYSIS_CHARS = 2_000_000
"""Above this size a file is parsed for syntax errors only; rules and resolution are skipped."""


@dataclass
class _Parsed:
    tree: syntax.SyntaxTree
    model: FileModel


@dataclass
class _State:
    """Per-workspace ST state: the index and the library stubs it has loaded."""

    index: StIndex = field(default_factory=StIndex)
    libraries: tuple[str, ...] | None = None
    pending: dict[str, Document] = field(default_factory=dict)
    """Documents to (re-)index before the index is next read, by URI: an editor sends a
    change per keystroke, and only the version that is checked needs parsing."""


def _parsed(document: Document) -> _Parsed:
    """Parse and model a document once per version."""
    cached = document._cache.get("st")
    if isinstance(cached, _Parsed):
        return cached
    before = document.previous._cache.get("st") if document.previous is not None else None
    previous = before.tree if isinstance(before, _Parsed) else None
    tree = syntax.parse(document.text, document.uri, previous)
    parsed = _Parsed(tree, build_model(tree, document.uri))
    document._cache["st"] = parsed
    document.previous = None
    return parsed


def _skipped(message: str, severity: Severity = Severity.INFORMATION) -> Diagnostic:
    """A finding at the top of the file about checking that could not be done fully."""
    return Diagnostic("ST002", message, Range(Position(0, 0), Position(0, 0)), severity)


class StLanguage:
    """IEC 61131-3 Structured Text."""

    id = "iec-st"
    name = "Structured Text"
    extensions: tuple[str, ...] = ST_EXTENSIONS

    def detect(self, path: str) -> bool:
        """ST by extension."""
        return path.lower().endswith(self.extensions)

    def rules(self) -> list[Rule]:
        """All ST rules."""
        from plantls.languages.st.rules import ALL_RULES

        return list(ALL_RULES)

    # -- index --------------------------------------------------------------------------
    def state(self, workspace: Workspace) -> _State:
        """The workspace's ST state, with configured library stubs loaded."""
        state: _State = workspace.state(self.id, _State)
        wanted = workspace.settings.st.library_paths
        if state.libraries != wanted:
            for uri in state.index.library_uris:
                state.index.remove(uri)
            state.index.library_uris.clear()
            for path in iter_files([Path(p).expanduser() for p in wanted]):
                if not self.detect(path.name):
                    continue
                doc = read_document(path, self)
                state.index.update(_parsed(doc).model)
                state.index.library_uris.add(path_to_uri(path))
            state.libraries = wanted
        state.index.known_libraries = frozenset(
            name.upper() for name in workspace.settings.st.known_libraries
        )
        while state.pending:
            uri = next(iter(state.pending))
            state.index.update(_parsed(state.pending.pop(uri)).model)
        return state

    def index(self, document: Document, workspace: Workspace) -> None:
        """Index the declarations of one document (parsed when the index is next read)."""
        state: _State = workspace.state(self.id, _State)
        state.pending[document.uri] = document

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Drop a document's declarations."""
        state: _State = workspace.state(self.id, _State)
        state.pending.pop(uri, None)
        self.state(workspace).index.remove(uri)

    def analysis(self, document: Document, workspace: Workspace) -> StAnalysis | None:
        """Resolved names for a document (None above the size limit)."""
        if len(document.text) > MAX_ANALYSIS_CHARS:
            return None
        state = self.state(workspace)
        index = state.index
        if document.uri not in index.files or index.files[document.uri] is not _parsed(
            document
        ).model:
            index.update(_parsed(document).model)
        key = ("st-analysis", index.generation)
        cached = document._cache.get("st-analysis")
        if isinstance(cached, tuple) and cached[0] == key:
            return cached[1]
        parsed = _parsed(document)
        try:
            result = analyze(document, parsed.tree, parsed.model, index)
        except RecursionError:
            return None
        document._cache["st-analysis"] = (key, result)
        return result

    # -- findings -----------------------------------------------------------------------
    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Syntax errors, then every rule's findings."""
        out: list[Diagnostic] = []
        if document.decode_problem:
            out.append(_skipped(document.decode_problem, Severity.WARNING))
        parsed = _parsed(document)
        for rng, message in syntax.syntax_errors(parsed.tree):
            out.append(Diagnostic("ST001", message, rng, Severity.ERROR))
        analysis = self.analysis(document, workspace)
        if analysis is None:
            reason = (
                f"the file has {len(document.text):,} characters, over the "
                f"{MAX_ANALYSIS_CHARS:,} limit"
                if len(document.text) > MAX_ANALYSIS_CHARS
                else "the code is nested too deeply"
            )
            out.append(_skipped(f"only syntax was checked: {reason}"))
            return out
        if document.uri in self.state(workspace).index.library_uris:
            return out
        for rule in self.rules():
            try:
                out.extend(rule.check(document, analysis))
            except RecursionError:
                out.append(_skipped(f"{rule.code} was skipped: the code is nested too deeply"))
        return out

    # -- IDE features -------------------------------------------------------------------
    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """Outline: POUs, their VAR sections and variables, methods and actions; types; GVLs."""
        return outline(_parsed(document).model)

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Hover on declared symbols and standard blocks."""
        analysis = self.analysis(document, workspace)
        return hover(analysis, pos) if analysis else None

    def definition(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[Location]:
        """Where the name under the cursor is declared."""
        analysis = self.analysis(document, workspace)
        return definition(analysis, pos) if analysis else []

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Keywords, names in scope, members after a dot, standard blocks."""
        analysis = self.analysis(document, workspace)
        return complete(analysis, pos) if analysis else []

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """Parameters of the call around the cursor."""
        analysis = self.analysis(document, workspace)
        return signature_help(analysis, pos) if analysis else None

    def model_context(self, document: Document, workspace: Workspace, pos: Position) -> str:
        """Domain context for the model: enclosing POU, variables in scope, FB members."""
        from plantls.languages.st.context import model_context

        analysis = self.analysis(document, workspace)
        return model_context(analysis, pos) if analysis else ""

    def quick_errors(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Syntax errors and undeclared names only: what validating a suggestion needs."""
        from plantls.languages.st.rules.declarations import UndeclaredIdentifier

        parsed = _parsed(document)
        out = [
            Diagnostic("ST001", message, rng, Severity.ERROR)
            for rng, message in syntax.syntax_errors(parsed.tree)
        ]
        analysis = self.analysis(document, workspace)
        if analysis is not None:
            out.extend(UndeclaredIdentifier().check(document, analysis))
        return out
