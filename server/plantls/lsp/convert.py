"""Conversions from core (LSP-free) results to lsprotocol types, and back for positions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from lsprotocol import types

from plantls.core import diagnostics as core_diag
from plantls.core import positions as core_pos
from plantls.core import symbols as core_sym
from plantls.core.documents import Document
from plantls.core.language import languages

SOURCE = "plantls"

_SEVERITY = {
    core_diag.Severity.ERROR: types.DiagnosticSeverity.Error,
    core_diag.Severity.WARNING: types.DiagnosticSeverity.Warning,
    core_diag.Severity.INFORMATION: types.DiagnosticSeverity.Information,
    core_diag.Severity.HINT: types.DiagnosticSeverity.Hint,
}

_TAGS = {
    "unnecessary": types.DiagnosticTag.Unnecessary,
    "deprecated": types.DiagnosticTag.Deprecated,
}

K = core_sym.SymbolKind
_SYMBOL_KIND = {
    K.FILE: types.SymbolKind.File,
    K.MODULE: types.SymbolKind.Module,
    K.NAMESPACE: types.SymbolKind.Namespace,
    K.CLASS: types.SymbolKind.Class,
    K.METHOD: types.SymbolKind.Method,
    K.PROPERTY: types.SymbolKind.Property,
    K.FIELD: types.SymbolKind.Field,
    K.FUNCTION: types.SymbolKind.Function,
    K.VARIABLE: types.SymbolKind.Variable,
    K.CONSTANT: types.SymbolKind.Constant,
    K.ENUM: types.SymbolKind.Enum,
    K.ENUM_MEMBER: types.SymbolKind.EnumMember,
    K.STRUCT: types.SymbolKind.Struct,
    K.INTERFACE: types.SymbolKind.Interface,
    K.EVENT: types.SymbolKind.Event,
    K.OBJECT: types.SymbolKind.Object,
    K.KEYWORD: types.SymbolKind.Key,
    K.SNIPPET: types.SymbolKind.Object,
    K.TYPE: types.SymbolKind.TypeParameter,
}

_COMPLETION_KIND = {
    K.FILE: types.CompletionItemKind.File,
    K.MODULE: types.CompletionItemKind.Module,
    K.NAMESPACE: types.CompletionItemKind.Module,
    K.CLASS: types.CompletionItemKind.Class,
    K.METHOD: types.CompletionItemKind.Method,
    K.PROPERTY: types.CompletionItemKind.Property,
    K.FIELD: types.CompletionItemKind.Field,
    K.FUNCTION: types.CompletionItemKind.Function,
    K.VARIABLE: types.CompletionItemKind.Variable,
    K.CONSTANT: types.CompletionItemKind.Constant,
    K.ENUM: types.CompletionItemKind.Enum,
    K.ENUM_MEMBER: types.CompletionItemKind.EnumMember,
    K.STRUCT: types.CompletionItemKind.Struct,
    K.INTERFACE: types.CompletionItemKind.Interface,
    K.EVENT: types.CompletionItemKind.Event,
    K.OBJECT: types.CompletionItemKind.Value,
    K.KEYWORD: types.CompletionItemKind.Keyword,
    K.SNIPPET: types.CompletionItemKind.Snippet,
    K.TYPE: types.CompletionItemKind.TypeParameter,
}


# -- positions ---------------------------------------------------------------------------
def position(pos: core_pos.Position) -> types.Position:
    """Core position to LSP (both are 0-based lines and UTF-16 columns)."""
    return types.Position(line=max(0, pos.line), character=max(0, pos.character))


def range_(rng: core_pos.Range) -> types.Range:
    """Core range to LSP."""
    return types.Range(start=position(rng.start), end=position(rng.end))


def to_core_position(pos: types.Position, doc: Document | None = None) -> core_pos.Position:
    """LSP position to core, clamped to the document when one is given."""
    core = core_pos.Position(pos.line, pos.character)
    if doc is None:
        return core
    lines = doc.lines
    if core.line >= lines.line_count:
        return lines.end()
    width = core_pos.utf16_len(lines.line_text(core.line))
    return core_pos.Position(core.line, min(core.character, width))


def to_core_range(rng: types.Range) -> core_pos.Range:
    """LSP range to core."""
    return core_pos.Range(to_core_position(rng.start), to_core_position(rng.end))


# -- diagnostics -------------------------------------------------------------------------
def _rule_summaries() -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages():
        try:
            for rule in lang.rules():
                out[rule.code] = rule.summary
        except Exception:  # a broken rule list must not break diagnostics
            continue
    return out


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def diagnostic(
    d: core_diag.Diagnostic, summaries: dict[str, str] | None = None
) -> types.Diagnostic:
    """Core finding to an LSP diagnostic; the rule's summary goes into ``data``."""
    summaries = _rule_summaries() if summaries is None else summaries
    data: dict[str, Any] = {}
    if d.code in summaries:
        data["summary"] = summaries[d.code]
    if d.data:
        data.update(_json_safe(d.data))
    tags = [_TAGS[t] for t in d.tags if t in _TAGS]
    return types.Diagnostic(
        range=range_(d.range),
        message=d.message,
        severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.code,
        source=d.source or SOURCE,
        tags=tags or None,
        data=data or None,
    )


def diagnostics(found: Iterable[core_diag.Diagnostic]) -> list[types.Diagnostic]:
    """Convert a list of findings (rule summaries looked up once)."""
    summaries = _rule_summaries()
    return [diagnostic(d, summaries) for d in found]


# -- symbols -----------------------------------------------------------------------------
def symbol_kind(kind: core_sym.SymbolKind) -> types.SymbolKind:
    """Core symbol kind to LSP."""
    return _SYMBOL_KIND.get(kind, types.SymbolKind.Variable)


def document_symbol(sym: core_sym.Symbol) -> types.DocumentSymbol:
    """Core symbol to a hierarchical DocumentSymbol (ranges made consistent)."""
    full = range_(sym.range)
    sel = range_(sym.selection_range)
    if not (_le(full.start, sel.start) and _le(sel.end, full.end)):
        full = types.Range(start=_min(full.start, sel.start), end=_max(full.end, sel.end))
    return types.DocumentSymbol(
        name=sym.name or "?",
        kind=symbol_kind(sym.kind),
        range=full,
        selection_range=sel,
        detail=sym.detail or None,
        children=[document_symbol(c) for c in sym.children] or None,
    )


def symbol_information(
    syms: Iterable[core_sym.Symbol], uri: str, container: str | None = None
) -> list[types.SymbolInformation]:
    """Flatten symbols for clients without hierarchical outline support."""
    out: list[types.SymbolInformation] = []
    for sym in syms:
        out.append(
            types.SymbolInformation(
                name=sym.name or "?",
                kind=symbol_kind(sym.kind),
                location=types.Location(uri=uri, range=range_(sym.range)),
                container_name=container,
            )
        )
        out.extend(symbol_information(sym.children, uri, sym.name))
    return out


def _le(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def _min(a: types.Position, b: types.Position) -> types.Position:
    return a if _le(a, b) else b


def _max(a: types.Position, b: types.Position) -> types.Position:
    return b if _le(a, b) else a


def location(loc: core_sym.Location) -> types.Location:
    """Core location to LSP."""
    return types.Location(uri=loc.uri, range=range_(loc.range))


# -- hover, completion, signatures ------------------------------------------------------
Format = types.MarkupKind | None
"""How a client wants documentation: markdown, plain text, or (None) a bare string."""


def markup(text: str, fmt: Format = types.MarkupKind.Markdown) -> types.MarkupContent | str:
    """Markdown text as the client wants it (markdown is shown as is to plain-text clients)."""
    if fmt is None:
        return text
    return types.MarkupContent(kind=fmt, value=text)


def hover(h: core_sym.Hover, fmt: Format = types.MarkupKind.Markdown) -> types.Hover:
    """Core hover to LSP."""
    return types.Hover(
        contents=markup(h.markdown, fmt),
        range=range_(h.range) if h.range is not None else None,
    )


_TABSTOP = re.compile(r"\$(\d+|[A-Za-z_]\w*)")
_OPEN = re.compile(r"\$\{(\d+|[A-Za-z_]\w*)(:|\||\})")


def _snippet_text(s: str, i: int, nested: bool) -> tuple[str, int]:
    out: list[str] = []
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s) and s[i + 1] in "$}\\,|":
            out.append(s[i + 1])
            i += 2
        elif nested and ch == "}":
            return "".join(out), i + 1
        elif (m := _OPEN.match(s, i)) is not None:
            i = m.end()
            if m.group(2) == ":":  # ${1:default}: keep the default
                text, i = _snippet_text(s, i, nested=True)
                out.append(text)
            elif m.group(2) == "|":  # ${1|a,b|}: keep the first choice
                end = s.find("|}", i)
                end = len(s) if end == -1 else end
                out.append(s[i:end].split(",")[0])
                i = end + 2
        elif (m := _TABSTOP.match(s, i)) is not None:
            i = m.end()
        else:
            out.append(ch)
            i += 1
    return "".join(out), i


def snippet_to_text(snippet: str) -> str:
    """Plain text of an LSP snippet: placeholders become their defaults, tab stops vanish."""
    return _snippet_text(snippet, 0, nested=False)[0]


def completion_item(
    item: core_sym.CompletionItem, snippets: bool, fmt: Format = types.MarkupKind.Markdown
) -> types.CompletionItem:
    """Core completion candidate to LSP; snippets become plain text when unsupported."""
    insert = item.insert_text
    text_format: types.InsertTextFormat | None = None
    if item.snippet and insert is not None:
        if snippets:
            text_format = types.InsertTextFormat.Snippet
        else:
            insert = snippet_to_text(insert)
            text_format = types.InsertTextFormat.PlainText
    return types.CompletionItem(
        label=item.label,
        kind=_COMPLETION_KIND.get(item.kind, types.CompletionItemKind.Text),
        detail=item.detail or None,
        documentation=markup(item.documentation, fmt) if item.documentation else None,
        insert_text=insert,
        insert_text_format=text_format,
        sort_text=item.sort_text,
    )


def signature_help(
    sig: core_sym.SignatureInfo, fmt: Format = types.MarkupKind.Markdown
) -> types.SignatureHelp:
    """Core signature to LSP signature help with one signature."""
    params = [
        types.ParameterInformation(
            label=p.label,
            documentation=markup(p.documentation, fmt) if p.documentation else None,
        )
        for p in sig.parameters
    ]
    active = sig.active_parameter if 0 <= sig.active_parameter < len(params) else None
    info = types.SignatureInformation(
        label=sig.label,
        documentation=markup(sig.documentation, fmt) if sig.documentation else None,
        parameters=params,
        active_parameter=active,
    )
    return types.SignatureHelp(signatures=[info], active_signature=0, active_parameter=active)
