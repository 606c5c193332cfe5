"""The two language objects: fab recipes and tool capability files."""

from __future__ import annotations

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Position, Range
from plantls.core.rules import Rule
from plantls.core.symbols import CompletionItem, Hover, Location, SignatureInfo, Symbol
from plantls.core.workspace import Workspace
from plantls.languages.recipe import ide
from plantls.languages.recipe.analysis import (
    RECIPE_SUFFIX,
    TOOL_SUFFIX,
    analyze_recipe,
    parse_tool,
    tool_index,
)
from plantls.languages.recipe.rules.schema_rules import SchemaViolation, UnitProblem, YamlSyntax
from plantls.languages.recipe.yamltree import MAX_CHARS


def _internal(code: str, message: str) -> Diagnostic:
    return Diagnostic(code, message, Range(Position(0, 0), Position(0, 0)), Severity.INFORMATION)


class RecipeLanguage:
    """Fab process recipes (``*.recipe.yaml``)."""

    id = "fab-recipe"
    analysis_limit_chars = MAX_CHARS
    name = "Fab recipe"
    extensions: tuple[str, ...] = (RECIPE_SUFFIX,)

    def detect(self, path: str) -> bool:
        """Recipes by their double suffix."""
        return path.lower().endswith(RECIPE_SUFFIX)

    def rules(self) -> list[Rule]:
        """All RCP rules (RCP100-RCP102 also run on tool files)."""
        from plantls.languages.recipe.rules import ALL_RULES

        return list(ALL_RULES)

    def index(self, document: Document, workspace: Workspace) -> None:
        """Recipes declare nothing other files use."""

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Nothing to forget."""

    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """Every rule's findings; semantic rules only when the YAML is sound."""
        from plantls.languages.recipe.rules import ALL_RULES

        analysis = analyze_recipe(document, workspace)
        out: list[Diagnostic] = []
        sound = analysis.tree.analysable
        for rule in ALL_RULES:
            if not sound and rule.code not in ("RCP100", "RCP101"):
                continue
            try:
                out.extend(rule.check(document, analysis))
            except (RecursionError, ArithmeticError, ValueError, TypeError) as exc:
                out.append(_internal(rule.code, f"{rule.code} was skipped on this file: {exc}"))
        if not sound and analysis.tree.root is not None:
            out.append(_internal("RCP100", "fix the YAML problems first; the recipe checks "
                                           "did not run"))
        return out

    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """Outline: metadata, parameters and steps (cycles with their nested steps)."""
        return ide.recipe_symbols(analyze_recipe(document, workspace))

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Keys, gases, generators and parameters."""
        return ide.recipe_hover(analyze_recipe(document, workspace), pos)

    def definition(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[Location]:
        """The tool file (and its chamber or gas line), or a ``${parameter}``'s declaration."""
        return ide.recipe_definition(analyze_recipe(document, workspace), workspace, pos)

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Keys, step types, the chamber's gases and generators, units, parameters."""
        return ide.recipe_completion(analyze_recipe(document, workspace), pos)

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """Recipes have no calls."""
        return None

    def model_context(self, document: Document, workspace: Workspace, pos: Position) -> str:
        """Domain context for the model: the step edited, the chamber's gases and limits."""
        from plantls.languages.recipe.context import model_context

        return model_context(analyze_recipe(document, workspace), pos)


class ToolLanguage:
    """Tool capability files (``*.tool.yaml``)."""

    id = "fab-tool"
    analysis_limit_chars = MAX_CHARS
    name = "Fab tool capability file"
    extensions: tuple[str, ...] = (TOOL_SUFFIX,)

    def detect(self, path: str) -> bool:
        """Tool files by their double suffix."""
        return path.lower().endswith(TOOL_SUFFIX)

    def rules(self) -> list[Rule]:
        """Tool files are checked by RCP100-RCP102, listed under fab-recipe."""
        return []

    def index(self, document: Document, workspace: Workspace) -> None:
        """Remember the tool for recipes that name it."""
        tool_index(workspace).tools[document.uri] = parse_tool(document).model

    def forget(self, uri: str, workspace: Workspace) -> None:
        """Drop the tool."""
        tool_index(workspace).tools.pop(uri, None)

    def diagnostics(self, document: Document, workspace: Workspace) -> list[Diagnostic]:
        """YAML, schema and unit findings."""
        parsed = parse_tool(document)
        out = list(YamlSyntax().findings(document, parsed.tree))
        if parsed.tree.root is not None and parsed.tree.analysable:
            out.extend(SchemaViolation().findings(document, parsed.schema))
            out.extend(UnitProblem().findings(document, parsed.model.problems))
        return out

    def symbols(self, document: Document, workspace: Workspace) -> list[Symbol]:
        """Outline: chambers with their gas lines and generators."""
        return ide.tool_symbols(document, parse_tool(document))

    def hover(self, document: Document, workspace: Workspace, pos: Position) -> Hover | None:
        """Keys of the tool file."""
        return ide.tool_hover(document, parse_tool(document), pos)

    def definition(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[Location]:
        """Nothing to jump to from a tool file."""
        return []

    def completion(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> list[CompletionItem]:
        """Keys of the tool file."""
        return ide.tool_completion(document, parse_tool(document), pos)

    def signature_help(
        self, document: Document, workspace: Workspace, pos: Position
    ) -> SignatureInfo | None:
        """Tool files have no calls."""
        return None

    def model_context(self, document: Document, workspace: Workspace, pos: Position) -> str:
        """Tool files get no extra context (the file itself is the context)."""
        return ""
