"""Text synchronisation: open, incremental change, save and close."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.core.documents import Document
from plantls.core.language import language_by_id, language_for_path
from plantls.core.positions import LineIndex
from plantls.lsp import convert

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer


def language_id(uri: str, client_id: str | None) -> str:
    """The plantls language id: the client's when we know it, else from the file name."""
    if client_id and language_by_id(client_id) is not None:
        return client_id
    lang = language_for_path(uri.split("?", 1)[0].split("#", 1)[0])
    if lang is not None:
        return lang.id
    return client_id or "plaintext"


def make_document(uri: str, text: str, lang_id: str, version: int) -> Document:
    """A core document for editor text; NUL characters (binary data) become spaces."""
    problem = None
    if "\x00" in text:
        text = text.replace("\x00", " ")
        problem = "document contains NUL characters; it may be binary"
    return Document(
        uri=uri, text=text, language_id=lang_id, version=version, decode_problem=problem
    )


def apply_changes(doc: Document, changes: Sequence[types.TextDocumentContentChangeEvent]) -> str:
    """The text after applying incremental (or whole-document) changes in order."""
    text = doc.text
    lines: LineIndex | None = doc.lines
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangeWholeDocument):
            text, lines = change.text, None
            continue
        if lines is None:
            lines = LineIndex(text)
        start = lines.offset(convert.to_core_position(change.range.start))
        end = lines.offset(convert.to_core_position(change.range.end))
        if end < start:
            start, end = end, start
        text = text[:start] + change.text + text[end:]
        lines = None
    return text


def register(server: PlantLanguageServer) -> None:
    """Register didOpen, didChange, didSave and didClose."""

    @server.handle(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = make_document(
            item.uri, item.text, language_id(item.uri, item.language_id), item.version
        )
        server.open_document(doc)
        server.publisher.now(item.uri)

    @server.handle(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        ident = params.text_document
        current = server.core.open_documents.get(ident.uri)
        if current is None:
            server.log(f"change for a document that is not open: {ident.uri}")
            return
        if ident.version is not None and ident.version < current.version:
            server.log(
                f"ignored a stale change to {ident.uri} (version {ident.version} after "
                f"{current.version})"
            )
            return
        text = apply_changes(current, params.content_changes)
        version = ident.version if ident.version is not None else current.version + 1
        doc = make_document(ident.uri, text, current.language_id, version)
        # the latest version that was parsed, for incremental parsing (a chain of one)
        doc.previous = current if current._cache else current.previous
        if doc.previous is not None:
            doc.previous.previous = None
        server.open_document(doc)
        server.publisher.changed(ident.uri)

    @server.handle(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # The disk now matches the editor: checks that need saved files (the OpenDSS
        # engine) can run, so cached results are stale.
        server.touch()
        server.publisher.now(params.text_document.uri)

    @server.handle(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.core.close(uri)
        server.touch()
        server.publisher.clear(uri)
        server.publisher.dependents_changed(None)
