"""``textDocument/inlineCompletion`` (LSP 3.18), the model item at the top of
``textDocument/completion`` for clients without it, and the accept/dismiss commands."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.ai.completion import CompletionRequest, Suggestion
from plantls.core.documents import Document
from plantls.core.language import Language
from plantls.lsp import convert
from plantls.lsp.features.model_status import feature

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

ACCEPT = "plantls.completion.accept"
DISMISS = "plantls.completion.dismiss"


def _range(doc: Document, offset: int) -> types.Range:
    pos = convert.position(doc.lines.position(offset))
    return types.Range(start=pos, end=pos)


def _accepted(suggestion: Suggestion) -> types.Command:
    return types.Command(title="plantls: accepted", command=ACCEPT, arguments=[suggestion.id])


def inline_item(doc: Document, suggestion: Suggestion) -> types.InlineCompletionItem:
    """The suggestion as an inline item inserted at the cursor, with the accept command."""
    return types.InlineCompletionItem(
        insert_text=suggestion.text,
        range=_range(doc, suggestion.offset),
        command=_accepted(suggestion),
    )


def completion_item(doc: Document, suggestion: Suggestion) -> types.CompletionItem:
    """The suggestion as the first item of a completion list (plain text insert)."""
    first = suggestion.text.strip().splitlines()[0] if suggestion.text.strip() else ""
    label = first if len(first) <= 60 else first[:57] + "..."
    return types.CompletionItem(
        label=label or "(model)",
        kind=types.CompletionItemKind.Text,
        detail="plantls model suggestion",
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"Model suggestion:\n```\n{suggestion.text}\n```"
        ),
        sort_text="\u0000",
        filter_text=label,
        preselect=True,
        insert_text_format=types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=_range(doc, suggestion.offset), new_text=suggestion.text),
        command=_accepted(suggestion),
    )


def with_selected_item(
    doc: Document, info: types.SelectedCompletionInfo
) -> tuple[Document, types.Position]:
    """The document as it reads once the suggest widget's selected item is applied, and the
    position after that item's text (where the model continues)."""
    start = doc.lines.offset(convert.to_core_position(info.range.start, doc))
    end = doc.lines.offset(convert.to_core_position(info.range.end, doc))
    text = doc.text[:start] + info.text + doc.text[end:]
    applied = replace(doc, text=text, _cache={}, previous=None)
    after = convert.position(applied.lines.position(start + len(info.text)))
    return applied, after


async def suggest(
    server: PlantLanguageServer,
    doc: Document,
    lang: Language,
    position: types.Position,
    kind: str,
    automatic: bool,
) -> Suggestion | None:
    """The model's suggestion at an LSP position (None without a model or when superseded)."""
    model = feature(server)
    if not server.core.settings.completion.enabled:
        return None
    if model.service.state == "failed":
        model.report_failure()
        return None
    if not model.service.ready:
        return None
    offset = doc.lines.offset(convert.to_core_position(position, doc))
    request = CompletionRequest(doc, lang, server.core, offset, kind=kind, automatic=automatic)
    result = await model.engine.complete(request)
    if model.service.state == "failed":
        model.report_failure()
    return result


def register(server: PlantLanguageServer) -> None:
    """Register inline completion and the accept/dismiss commands."""

    @server.handle(
        types.TEXT_DOCUMENT_INLINE_COMPLETION,
        types.InlineCompletionOptions(),
    )
    async def inline_completion(
        params: types.InlineCompletionParams,
    ) -> types.InlineCompletionList | None:
        target = server.target(params.text_document.uri)
        if target is None:
            return None
        doc, lang = target
        automatic = params.context.trigger_kind == types.InlineCompletionTriggerKind.Automatic
        info = params.context.selected_completion_info
        # With the suggest widget open, the client shows only items that extend its selected
        # item over the same range, so the model continues after that item's text.
        seen, position = (doc, params.position) if info is None else with_selected_item(doc, info)
        found = await suggest(server, seen, lang, position, "inline", automatic)
        if found is None:
            return types.InlineCompletionList(items=[])
        if info is None:
            return types.InlineCompletionList(items=[inline_item(doc, found)])
        item = types.InlineCompletionItem(
            insert_text=info.text + found.text, range=info.range, command=_accepted(found)
        )
        return types.InlineCompletionList(items=[item])

    @server.command(ACCEPT)
    def accept(*args: str) -> bool:
        return feature(server).engine.accepted(str(args[0])) if args else False

    @server.command(DISMISS)
    def dismiss(*args: str) -> bool:
        return feature(server).engine.dismissed(str(args[0])) if args else False


async def model_completion_item(
    server: PlantLanguageServer,
    doc: Document,
    lang: Language,
    params: types.CompletionParams,
) -> types.CompletionItem | None:
    """For clients without inline completion: the model's suggestion as a completion item."""
    if server.client_supports("text_document.inline_completion"):
        return None
    if not feature(server).service.ready:
        return None
    automatic = (
        params.context is None
        or params.context.trigger_kind != types.CompletionTriggerKind.Invoked
    )
    try:
        found = await asyncio.wait_for(
            suggest(server, doc, lang, params.position, "completion", automatic), 10.0
        )
    except TimeoutError:
        return None
    return completion_item(doc, found) if found is not None else None
