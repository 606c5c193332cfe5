"""Hover, go to definition and the document outline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.lsp import convert

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

Outline = list[types.DocumentSymbol] | list[types.SymbolInformation]


def register(server: PlantLanguageServer) -> None:
    """Register hover, definition and documentSymbol."""

    @server.handle(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        await server.wait_indexed()
        target = server.target(params.text_document.uri)
        if target is None:
            return None
        doc, lang = target
        found = lang.hover(doc, server.core, convert.to_core_position(params.position, doc))
        if found is None or not found.markdown:
            return None
        return convert.hover(found, server.text_format("text_document.hover.content_format"))

    @server.handle(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(params: types.DefinitionParams) -> list[types.Location] | None:
        await server.wait_indexed()
        target = server.target(params.text_document.uri)
        if target is None:
            return None
        doc, lang = target
        found = lang.definition(doc, server.core, convert.to_core_position(params.position, doc))
        return [convert.location(loc) for loc in found] or None

    @server.handle(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, default=list)
    def document_symbol(params: types.DocumentSymbolParams) -> Outline:
        target = server.target(params.text_document.uri)
        if target is None:
            return []
        doc, lang = target
        found = lang.symbols(doc, server.core)
        if server.client_supports(
            "text_document.document_symbol.hierarchical_document_symbol_support"
        ):
            return [convert.document_symbol(s) for s in found]
        return convert.symbol_information(found, doc.uri)
