"""Symbols, hovers, completions and other IDE results, in LSP-free form."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from plantls.core.positions import Range


class SymbolKind(Enum):
    """Kinds of symbols; the LSP layer maps them to LSP numbers."""

    FILE = "file"
    MODULE = "module"
    NAMESPACE = "namespace"
    CLASS = "class"
    METHOD = "method"
    PROPERTY = "property"
    FIELD = "field"
    FUNCTION = "function"
    VARIABLE = "variable"
    CONSTANT = "constant"
    ENUM = "enum"
    ENUM_MEMBER = "enum_member"
    STRUCT = "struct"
    INTERFACE = "interface"
    EVENT = "event"
    OBJECT = "object"
    KEYWORD = "keyword"
    SNIPPET = "snippet"
    TYPE = "type"


@dataclass
class Symbol:
    """A named thing in a document, with children for an outline."""

    name: str
    kind: SymbolKind
    range: Range
    selection_range: Range
    detail: str = ""
    children: list[Symbol] = field(default_factory=list)


@dataclass(frozen=True)
class Location:
    """A range in some document."""

    uri: str
    range: Range


@dataclass(frozen=True)
class Hover:
    """Markdown to show for a position."""

    markdown: str
    range: Range | None = None


@dataclass(frozen=True)
class CompletionItem:
    """A completion candidate. ``snippet`` is LSP snippet syntax when set."""

    label: str
    kind: SymbolKind
    detail: str = ""
    documentation: str = ""
    insert_text: str | None = None
    snippet: bool = False
    sort_text: str | None = None


@dataclass(frozen=True)
class ParameterInfo:
    """One parameter of a signature."""

    label: str
    documentation: str = ""


@dataclass(frozen=True)
class SignatureInfo:
    """A callable's signature and which parameter the cursor is on."""

    label: str
    documentation: str
    parameters: tuple[ParameterInfo, ...]
    active_parameter: int = 0
