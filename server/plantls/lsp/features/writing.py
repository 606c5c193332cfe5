"""Help while typing: completion and signature help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.lsp import convert

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer


def register(server: PlantLanguageServer) -> None:
    """Register completion and signatureHelp."""

    @server.handle(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["."], resolve_provider=False),
    )
    async def completion(params: types.CompletionParams) -> types.CompletionList | None:
        await server.wait_indexed()
        target = server.target(params.text_document.uri)
        if target is None:
            return None
        doc, lang = target
        found = lang.completion(doc, server.core, convert.to_core_position(params.position, doc))
        snippets = server.client_supports(
            "text_document.completion.completion_item.snippet_support"
        )
        fmt = server.text_format("text_document.completion.completion_item.documentation_format")
        items = [convert.completion_item(item, snippets, fmt) for item in found]
        from plantls.lsp.features.inline_completion import model_completion_item

        first = await model_completion_item(server, doc, lang, params)
        return types.CompletionList(is_incomplete=False, items=[first, *items] if first else items)

    @server.handle(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(trigger_characters=["(", ","]),
    )
    async def signature_help(params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        await server.wait_indexed()
        target = server.target(params.text_document.uri)
        if target is None:
            return None
        doc, lang = target
        found = lang.signature_help(
            doc, server.core, convert.to_core_position(params.position, doc)
        )
        if found is None:
            return None
        fmt = server.text_format(
            "text_document.signature_help.signature_information.documentation_format"
        )
        return convert.signature_help(found, fmt)
