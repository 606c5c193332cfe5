"""Parsing, caching, the workspace's tool index, and the analysis rules receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plantls.core.documents import Document, path_to_uri, uri_to_path
from plantls.core.positions import Range
from plantls.core.workspace import Workspace
from plantls.languages.recipe.model import (
    Chamber,
    RecipeModel,
    ToolModel,
    build_recipe,
    build_tool,
)
from plantls.languages.recipe.schema import RECIPE_SCHEMA, TOOL_SCHEMA, SchemaIssue, validate
from plantls.languages.recipe.yamltree import Node, YamlTree, parse_yaml

RECIPE_SUFFIX = ".recipe.yaml"
TOOL_SUFFIX = ".tool.yaml"
MAX_TOOL_FILES_SCANNED = 2000


@dataclass
class ToolParsed:
    """A parsed tool file."""

    tree: YamlTree
    schema: list[SchemaIssue]
    model: ToolModel


@dataclass
class RecipeParsed:
    """A parsed recipe (tool not yet resolved)."""

    tree: YamlTree
    schema: list[SchemaIssue]
    model: RecipeModel


def parse_tool(document: Document) -> ToolParsed:
    """Parse a tool file once per version."""
    cached = document._cache.get("fab-tool")
    if isinstance(cached, ToolParsed):
        return cached
    tree = parse_yaml(document.text)
    schema = validate(tree.root, TOOL_SCHEMA) if tree.root is not None else []
    model = build_tool(document.uri, tree.root if tree.analysable else None)
    parsed = ToolParsed(tree, schema, model)
    document._cache["fab-tool"] = parsed
    return parsed


def parse_recipe(document: Document) -> RecipeParsed:
    """Parse a recipe once per version."""
    cached = document._cache.get("fab-recipe")
    if isinstance(cached, RecipeParsed):
        return cached
    tree = parse_yaml(document.text)
    schema = validate(tree.root, RECIPE_SCHEMA) if tree.root is not None else []
    model = build_recipe(document.text, tree.root if tree.analysable else None)
    parsed = RecipeParsed(tree, schema, model)
    document._cache["fab-recipe"] = parsed
    return parsed


@dataclass
class ToolIndex:
    """Tool files known in a workspace, by uri."""

    tools: dict[str, ToolModel] = field(default_factory=dict)
    scanned: set[Path] = field(default_factory=set)

    def by_id(self, tool_id: str) -> ToolModel | None:
        """The tool file that declares ``tool.id == tool_id`` (the first by uri)."""
        for uri in sorted(self.tools):
            if self.tools[uri].id == tool_id:
                return self.tools[uri]
        return None


def tool_index(workspace: Workspace) -> ToolIndex:
    """The workspace's tool index."""
    index: ToolIndex = workspace.state("fab-tool", ToolIndex)
    return index


def _scan(folder: Path, workspace: Workspace, index: ToolIndex) -> None:
    """Index the tool files under ``folder`` once (for the CLI, which reads files on demand)."""
    if folder in index.scanned or not folder.is_dir():
        return
    index.scanned.add(folder)
    count = 0
    for path in sorted(folder.rglob(f"*{TOOL_SUFFIX}")):
        if any(part.startswith(".") or part in ("node_modules", "venv") for part in path.parts):
            continue
        count += 1
        if count > MAX_TOOL_FILES_SCANNED:
            break
        uri = path_to_uri(path)
        if uri in index.tools:
            continue
        doc = workspace.get(uri)
        if doc is not None:
            index.tools[uri] = parse_tool(doc).model


@dataclass
class RecipeAnalysis:
    """What recipe rules receive: the parse, the model, and the tool and chamber it runs on."""

    document: Document
    tree: YamlTree
    schema: list[SchemaIssue]
    model: RecipeModel
    tool: ToolModel | None = None
    tool_uri: str | None = None
    tool_problem: str | None = None
    chamber: Chamber | None = None

    def range(self, node: Node | tuple[int, int]) -> Range:
        """LSP range of a node or an offset span."""
        start, end = (node.start, node.end) if isinstance(node, Node) else node
        return self.document.lines.range_of_offsets(start, end)


def resolve_tool(
    document: Document, model: RecipeModel, workspace: Workspace
) -> tuple[ToolModel | None, str | None]:
    """The tool a recipe names: by ``tool_file`` relative to the recipe, else by tool id."""
    index = tool_index(workspace)
    tool_id = model.meta_text("tool")
    tool_file = model.meta_text("tool_file")
    here = uri_to_path(document.uri)
    if tool_file:
        path = (here.parent / tool_file) if here is not None else Path(tool_file)
        doc = workspace.get(path_to_uri(path)) if path.is_file() else None
        doc = doc or workspace.open_documents.get(path_to_uri(path))
        if doc is None:
            return None, f"tool file '{tool_file}' not found (looked for {path})"
        tool = parse_tool(doc).model
        index.tools[doc.uri] = tool
        return tool, None
    if not tool_id:
        return None, None
    found = index.by_id(tool_id)
    if found is None:
        for folder in [*workspace.roots, *([here.parent] if here is not None else [])]:
            _scan(folder, workspace, index)
        found = index.by_id(tool_id)
    if found is None:
        return None, (f"no tool file with tool id '{tool_id}' in the workspace; tool limit "
                      "checks were not run (add the *.tool.yaml file or set recipe.tool_file)")
    doc = workspace.get(found.uri)
    if doc is not None:
        fresh = parse_tool(doc).model
        index.tools[doc.uri] = fresh
        return fresh, None
    return found, None


def analyze_recipe(document: Document, workspace: Workspace) -> RecipeAnalysis:
    """The full analysis of a recipe, cached while neither it nor its tool file changes."""
    parsed = parse_recipe(document)
    tool, problem = (None, None)
    if parsed.tree.analysable:
        tool, problem = resolve_tool(document, parsed.model, workspace)
    cached = document._cache.get("fab-recipe-analysis")
    if isinstance(cached, RecipeAnalysis) and cached.tool is tool and (
        cached.tool_problem == problem
    ):
        return cached
    analysis = RecipeAnalysis(document, parsed.tree, parsed.schema, parsed.model, tool,
                              tool.uri if tool else None, problem)
    chamber_name = parsed.model.meta_text("chamber")
    if tool is not None and chamber_name:
        analysis.chamber = tool.chambers.get(chamber_name)
    document._cache["fab-recipe-analysis"] = analysis
    return analysis
