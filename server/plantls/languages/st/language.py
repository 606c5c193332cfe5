"""The Structured Text language object: parsing, indexing and caching, then delegation."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from pathlib import Path

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document, path_to_uri
from plantls.core.positions import Position, Range
from plantls.core.rules import Rule
from plantls.core.symbols import CompletionItem, Hover, Location, SignatureInfo, Symbol
from plantls.core.workspace import Workspace, iter_files, read_document
from plantls.languages.st import regions, syntax, twincat
from plantls.languages.st.analysis import StAnalysis, analyze
from plantls.languages.st.completion import complete, signature_help
from plantls.languages.st.hover import hover
from plantls.languages.st.index import StIndex
from plantls.languages.st.model import FileModel, build_model
from plantls.languages.st.navigation import definition
from plantls.languages.st.outline import outline

ST_EXTENSIONS = (".st", ".iecst", ".tcpou", ".tcgvl", ".tcdut", ".tcio", ".fun", ".typ", ".var")
MAX_ANALYSIS_CHARS = 1_000_000
"""Above this size a file is parsed for syntax errors only; rules and resolution are skipped
(and the editor analyses nothing of it: see ``core/limits.py``)."""


@dataclass
class _Parsed:
    tree: syntax.SyntaxTree
    model: FileModel


@dataclass
class _Checked:
    """The findings of one checked version of an open document, by top-level region: what
    :meth:`StLanguage.incremental_diagnostics` reuses for the regions an edit left alone."""

    text: str
    regions: list[regions.Region]
    offsets: list[int]
    """String offset where each region starts."""
    findings: list[list[Diagnostic]]


@dataclass
class _State:
    """Per-workspace ST state: the index and the library stubs it has loaded."""

    index: StIndex = field(default_factory=StIndex)
    libraries: tuple[str, ...] | None = None
    pending: dict[str, Document] = field(default_factory=dict)
    """Documents to (re-)index before the index is next read, by URI: an editor sends a
    change per keystroke, and only the version that is checked needs parsing."""
    checked: dict[str, _Checked] = field(default_factory=dict)
    """The latest fully checked version of each open document, by URI."""
    units: dict[str, tuple[Document, dict[int, StAnalysis]]] = field(default_factory=dict)
    """By URI: the latest edited version of an open document and the analyses of single
    units of it (by first line) that requests needed while the user typed."""


def _parsed(document: Document) -> _Parsed:
    """Parse and model a document once per version."""
    cached = document._cache.get("st")
    if isinstance(cached, _Parsed):
        return cached
    earlier = document.previous  # read once: a check on another thread may clear it
    before = earlier._cache.get("st") if earlier is not None else None
    previous = before.tree if isinstance(before, _Parsed) else None
    tree = syntax.parse(document.text, document.uri, previous)
    parsed = _Parsed(tree, build_model(tree, document.uri))
    document._cache["st"] = parsed
    document.previous = None
    if earlier is not None:  # a later version supersedes it
        _release(earlier._cache.pop("st-analysis", None))
    return parsed


def _release(cached: object) -> None:
    """Let reference counting free a superseded analysis at once: it points to its document,
    whose cache points to it, and what rules memoise on it (an expression typer, node
    tables) points back to it; such cycles would wait for Python's full garbage
    collection, which pauses every thread."""
    analysis = cached[1] if isinstance(cached, tuple) and len(cached) == 2 else cached
    if isinstance(analysis, StAnalysis):
        analysis.memo.clear()


def _syntax_findings(parsed: _Parsed) -> list[Diagnostic]:
    """ST001 for each syntax error of a parse."""
    return [
        Diagnostic("ST001", message, rng, Severity.ERROR)
        for rng, message in syntax.syntax_errors(parsed.tree)
    ]


def _region_document(document: Document, region: regions.Region) -> Document:
    """One region of ``document`` as a document of its own at the region's lines (blank
    lines stand for the rest of the file, so positions are the file's)."""
    padded = "\n" * region.start_line + region.text
    return Document(document.uri, padded, document.language_id, document.version)


def _checked_by(rule: Rule, document: Document, analysis: StAnalysis) -> list[Diagnostic]:
    """One rule's findings (an ST002 note when the code is nested too deeply for it)."""
    try:
        return list(rule.check(document, analysis))
    except RecursionError:
        return [_skipped(f"{rule.code} was skipped: the code is nested too deeply")]


def _shifted(d: Diagnostic, lines: int) -> Diagnostic:
    """A finding moved down by ``lines`` lines."""
    if not lines:
        return d
    start, end = d.range.start, d.range.end
    moved = Range(
        Position(start.line + lines, start.character), Position(end.line + lines, end.character)
    )
    return replace(d, range=moved)


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix (binary search over slice comparisons, in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    lo, hi = 0, min(len(a), len(b), limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _edited_region(checked: _Checked, text: str) -> tuple[int, regions.Region] | None:
    """The region of ``checked`` that holds the whole difference to ``text``, as it reads in
    ``text``; None when the edit spans regions or changes how the file splits."""
    old = checked.text
    prefix = _common_prefix(old, text)
    suffix = _common_suffix(old, text, min(len(old), len(text)) - prefix)
    old_end = len(old) - suffix
    i = bisect.bisect_right(checked.offsets, prefix) - 1
    begin = checked.offsets[i]
    end = checked.offsets[i + 1] if i + 1 < len(checked.offsets) else len(old)
    if old_end > end:
        return None
    new_text = text[begin : end + len(text) - len(old)]
    last = i + 1 == len(checked.regions)
    parts = regions.split(new_text)
    if len(parts) != 1 or not regions.self_contained(new_text, unit_may_stay_open=last):
        return None
    if not last and (
        not new_text.endswith(("\n", "\r"))
        or (new_text.endswith("\r") and text.startswith("\n", begin + len(new_text)))
    ):
        return None  # the edit joined the region's last line with the next region's first
    lines = parts[0].line_count if last else regions.line_breaks(new_text)
    return i, regions.Region(checked.regions[i].start_line, lines, new_text)


_QUOTED = re.compile(r"'([^']*)'")
_LINE_REFERENCE = re.compile(r"\bline \d")


def _once_per_file(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop repeats of the findings the rules give once per name and file (a library name
    the workspace does not declare): each region reports its own first use."""
    seen: set[tuple[str, str]] = set()
    out = []
    for d in sorted(found, key=Diagnostic.sort_key):
        if d.code in ("ST101", "ST107") and d.severity == Severity.INFORMATION:
            name = _QUOTED.search(d.message)
            key = (d.code, name.group(1).upper() if name else d.message)
            if key in seen:
                continue
            seen.add(key)
        out.append(d)
    return out


def _skipped(message: str, severity: Severity = Severity.INFORMATION) -> Diagnostic:
    """A finding at the top of the file about checking that could not be done fully."""
    return Diagnostic("ST002", message, Range(Position(0, 0), Position(0, 0)), severity)


class StLanguage:
    """IEC 61131-3 Structured Text."""

    id = "iec-st"
    name = "Structured Text"
    extensions: tuple[str, ...] = ST_EXTENSIONS
    analysis_limit_chars = MAX_ANALYSIS_CHARS

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
            try:  # popitem: atomic, while the editor's thread may add documents
                _, pending = state.pending.popitem()
            except KeyError:
                break
            state.index.update(_parsed(pending).model)
        return state

    def index(self, document: Document, workspace: Workspace) -> None:
        """Index the declarations of one document (parsed when the index is next read)."""
        state: _State = workspace.state(self.id, _State)
        state.pending[document.uri] = document
        if document.uri not in workspace.open_documents:
            state.checked.pop(document.uri, None)
            state.units.pop(document.uri, None)

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Drop a document's declarations."""
        state: _State = workspace.state(self.id, _State)
        state.pending.pop(uri, None)
        state.checked.pop(uri, None)
        state.units.pop(uri, None)
        self.state(workspace).index.remove(uri)

    def analysis(self, document: Document, workspace: Workspace) -> StAnalysis | None:
        """Resolved names for a document (None above the size limit)."""
        if len(document.text) > MAX_ANALYSIS_CHARS:
            return None
        state = self.state(workspace)
        index = state.index
        if (
            document.uri not in index.files
            or index.files[document.uri] is not _parsed(document).model
        ):
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
        _release(cached)
        document._cache["st-analysis"] = (key, result)
        return result

    # -- findings -----------------------------------------------------------------------
    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Syntax errors, then every rule's findings."""
        steps = self.diagnostic_steps(document, workspace)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def diagnostic_steps(
        self, document: Document, workspace: Workspace
    ) -> Generator[None, None, list[Diagnostic]]:
        """:meth:`diagnostics` in short steps (parsing, resolving, each rule), so that an
        editor's keystrokes can be handled between them; returns the findings."""
        out: list[Diagnostic] = []
        if document.decode_problem:
            out.append(_skipped(document.decode_problem, Severity.WARNING))
        out.extend(_syntax_findings(_parsed(document)))
        yield
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
            yield
            out.extend(_checked_by(rule, document, analysis))
        if document.uri in workspace.open_documents and not document.decode_problem:
            self._remember(document, out, workspace)
        return out

    def _rule_findings(self, document: Document, analysis: StAnalysis) -> list[Diagnostic]:
        return [d for rule in self.rules() for d in _checked_by(rule, document, analysis)]

    # -- incremental findings -------------------------------------------------------------
    def _remember(self, document: Document, found: list[Diagnostic], workspace: Workspace) -> None:
        """Keep an open document's findings by region, for the next edit."""
        state: _State = workspace.state(self.id, _State)
        state.checked.pop(document.uri, None)
        if twincat.is_twincat(document.uri, document.text) or any(d.code == "ST002" for d in found):
            return
        parts = regions.split(document.text)
        if len(parts) < 2:
            return
        offsets = list(itertools.accumulate((len(r.text) for r in parts[:-1]), initial=0))
        firsts = [r.start_line for r in parts]
        by_region: list[list[Diagnostic]] = [[] for _ in parts]
        for d in found:
            by_region[max(0, bisect.bisect_right(firsts, d.range.start.line) - 1)].append(d)
        state.checked[document.uri] = _Checked(document.text, parts, offsets, by_region)

    def incremental_diagnostics(
        self, document: Document, workspace: Workspace
    ) -> list[Diagnostic] | None:
        """Findings after an edit inside one top-level unit, re-checking only that unit.

        The other units keep the findings of the latest fully checked version (moved with
        the lines the edit added or removed); the edited unit is parsed and checked on its
        own against the workspace index. This is what the editor shows while the user
        types; a full check follows when typing pauses, because a unit's findings can
        depend on the others (an unused local read from elsewhere, a recursive call through
        another block). None when the edit does not lie inside one unit.
        """
        state: _State = workspace.state(self.id, _State)
        checked = state.checked.get(document.uri)
        if checked is None or document.decode_problem or document.text == checked.text:
            return None
        located = _edited_region(checked, document.text)
        if located is None:
            return None
        i, region = located
        delta = region.line_count - checked.regions[i].line_count
        try:
            out = [d for part in checked.findings[:i] for d in part]
            fresh = self._region_findings(document, region, state.index)
            if fresh is None:
                return None
            out.extend(fresh)
            for old, found in zip(
                checked.regions[i + 1 :], checked.findings[i + 1 :], strict=True
            ):
                moved = [_shifted(d, delta) for d in found]
                if delta and any(_LINE_REFERENCE.search(d.message) for d in found):
                    # a message quotes a line number: check the unit again where it is now,
                    # and keep what only the whole file shows (it may quote a stale line
                    # until the full check)
                    now = regions.Region(old.start_line + delta, old.line_count, old.text)
                    again = self._region_findings(document, now, state.index)
                    if again is None:
                        return None
                    fresh_at = {(d.code, d.range): d for d in again}
                    moved = [fresh_at.get((d.code, d.range), d) for d in moved]
                out.extend(moved)
        except Exception:  # the full check that follows reports what went wrong
            return None
        return _once_per_file(out)

    def _region_findings(
        self, document: Document, region: regions.Region, index: StIndex
    ) -> list[Diagnostic] | None:
        """Every finding in one region, checked as a file of its own at the region's lines
        (blank lines stand for the rest of the file, so positions and line numbers in
        messages are the file's)."""
        part = _region_document(document, region)
        parsed = _parsed(part)
        found = _syntax_findings(parsed)
        try:
            analysis = analyze(part, parsed.tree, parsed.model, index)
        except RecursionError:
            return None
        found.extend(self._rule_findings(part, analysis))
        _release(analysis)
        if any(d.code == "ST002" for d in found):
            return None
        return found

    def _analysis_at(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> StAnalysis | None:
        """The analysis for a request at ``pos``: while the user types (no full analysis of
        this version yet, and the edits since the last full check lie in one unit), the
        analysis of the unit around ``pos`` alone, which costs milliseconds instead of a
        re-analysis of the whole file; else the whole file's."""
        if "st-analysis" not in document._cache:
            try:
                local = self._unit_analysis(document, workspace, pos.line)
            except Exception:  # the whole file's analysis reports what went wrong
                local = None
            if local is not None:
                return local
        return self.analysis(document, workspace)

    def _unit_analysis(
        self, document: Document, workspace: Workspace, line: int
    ) -> StAnalysis | None:
        state: _State = workspace.state(self.id, _State)
        checked = state.checked.get(document.uri)
        if checked is None or document.decode_problem:
            return None
        if document.text == checked.text:
            return None
        located = _edited_region(checked, document.text)
        if located is None:
            return None
        i, edited = located
        delta = edited.line_count - checked.regions[i].line_count
        if line < edited.start_line:
            region = next(r for r in checked.regions if r.start_line <= line < r.end_line)
        elif line < edited.end_line or i + 1 == len(checked.regions):
            region = edited
        else:
            old = next(
                (r for r in checked.regions[i + 1 :] if r.start_line <= line - delta < r.end_line),
                None,
            )
            if old is None:
                return None
            region = regions.Region(old.start_line + delta, old.line_count, old.text)
        owner, units = state.units.get(document.uri, (None, {}))
        if owner is not document:
            for superseded in units.values():
                _release(superseded)
            units = {}
            state.units[document.uri] = (document, units)
        if region.start_line not in units:
            part = _region_document(document, region)
            parsed = _parsed(part)
            units[region.start_line] = analyze(part, parsed.tree, parsed.model, state.index)
        return units[region.start_line]

    # -- IDE features -------------------------------------------------------------------
    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """Outline: POUs, their VAR sections and variables, methods and actions; types; GVLs."""
        return outline(_parsed(document).model)

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Hover on declared symbols and standard blocks."""
        analysis = self._analysis_at(document, workspace, pos)
        return hover(analysis, pos) if analysis else None

    def definition(self, document: Document, workspace: Workspace, pos: Position) -> list[Location]:
        """Where the name under the cursor is declared."""
        analysis = self.analysis(document, workspace)
        return definition(analysis, pos) if analysis else []

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Keywords, names in scope, members after a dot, standard blocks."""
        analysis = self._analysis_at(document, workspace, pos)
        return complete(analysis, pos) if analysis else []

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """Parameters of the call around the cursor."""
        analysis = self._analysis_at(document, workspace, pos)
        return signature_help(analysis, pos) if analysis else None

    def model_context(self, document: Document, workspace: Workspace, pos: Position) -> str:
        """Domain context for the model: enclosing POU, variables in scope, FB members."""
        from plantls.languages.st.context import model_context

        analysis = self._analysis_at(document, workspace, pos)
        return model_context(analysis, pos) if analysis else ""

    def quick_errors(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Syntax errors and undeclared names only: what validating a suggestion needs."""
        from plantls.languages.st.rules.declarations import UndeclaredIdentifier

        out = _syntax_findings(_parsed(document))
        analysis = self.analysis(document, workspace)
        if analysis is not None:
            out.extend(UndeclaredIdentifier().check(document, analysis))
        return out
