"""Unit tests of the protocol layer's pure parts: conversions and incremental text sync."""

from __future__ import annotations

from lsprotocol import types

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document
from plantls.core.positions import Range
from plantls.core.symbols import CompletionItem, Symbol, SymbolKind
from plantls.lsp import convert
from plantls.lsp.features.sync import apply_changes, language_id, make_document


def change(sl: int, sc: int, el: int, ec: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec)
        ),
        text=text,
    )


def test_severity_and_fields() -> None:
    for core, lsp in [
        (Severity.ERROR, types.DiagnosticSeverity.Error),
        (Severity.WARNING, types.DiagnosticSeverity.Warning),
        (Severity.INFORMATION, types.DiagnosticSeverity.Information),
        (Severity.HINT, types.DiagnosticSeverity.Hint),
    ]:
        d = convert.diagnostic(
            Diagnostic("ST999", "msg", Range.of(1, 2, 1, 5), core, tags=("unnecessary",)),
            summaries={"ST999": "a summary"},
        )
        assert d.severity == lsp
        assert d.code == "ST999" and d.source == "plantls"
        assert d.tags == [types.DiagnosticTag.Unnecessary]
        assert d.data == {"summary": "a summary"}
        assert d.code_description is None


def test_diagnostic_data_is_json_safe() -> None:
    d = convert.diagnostic(
        Diagnostic("X1", "m", Range.of(0, 0, 0, 1), data={"obj": object(), "n": 1}), {}
    )
    assert isinstance(d.data, dict) and d.data["n"] == 1 and isinstance(d.data["obj"], str)


def test_document_symbol_ranges_made_consistent() -> None:
    sym = Symbol("P", SymbolKind.MODULE, Range.of(2, 0, 3, 0), Range.of(1, 0, 1, 5))
    out = convert.document_symbol(sym)
    assert out.range.start.line == 1 and out.range.end.line == 3
    assert out.kind == types.SymbolKind.Module


def test_flat_symbols_for_old_clients() -> None:
    child = Symbol("x", SymbolKind.VARIABLE, Range.of(1, 0, 1, 1), Range.of(1, 0, 1, 1))
    top = Symbol("P", SymbolKind.MODULE, Range.of(0, 0, 2, 0), Range.of(0, 0, 0, 1), "", [child])
    flat = convert.symbol_information([top], "file:///a.st")
    assert [(s.name, s.container_name) for s in flat] == [("P", None), ("x", "P")]


def test_snippets_become_plain_text_without_support() -> None:
    item = CompletionItem("TON", SymbolKind.FUNCTION, insert_text="TON(IN := ${1:x}, PT := $2)$0")
    snippet_item = CompletionItem(
        "TON", SymbolKind.FUNCTION, insert_text="TON(IN := ${1:x}, PT := $2)$0", snippet=True
    )
    assert convert.completion_item(item, snippets=False).insert_text_format is None
    with_support = convert.completion_item(snippet_item, snippets=True)
    assert with_support.insert_text_format == types.InsertTextFormat.Snippet
    without = convert.completion_item(snippet_item, snippets=False)
    assert without.insert_text_format == types.InsertTextFormat.PlainText
    assert without.insert_text == "TON(IN := x, PT := )"
    assert convert.snippet_to_text(r"a \$1 ${2:b\}c}") == "a $1 b}c"


def test_documentation_format_follows_client() -> None:
    item = CompletionItem("Q", SymbolKind.FIELD, documentation="**out**")
    assert convert.completion_item(item, False, None).documentation == "**out**"
    doc = convert.completion_item(item, False, types.MarkupKind.PlainText).documentation
    assert isinstance(doc, types.MarkupContent) and doc.kind == types.MarkupKind.PlainText


def test_positions_are_clamped_to_the_document() -> None:
    doc = Document("file:///a.st", "ab\nc😀d\n", "iec-st")
    assert convert.to_core_position(types.Position(line=1, character=99), doc).character == 4
    assert convert.to_core_position(types.Position(line=99, character=0), doc).line == 2


def test_incremental_changes_count_utf16() -> None:
    doc = Document("file:///a.st", "x := '😀';\ny := 1;\n", "iec-st")
    text = apply_changes(doc, [change(0, 8, 0, 8, "!"), change(1, 5, 1, 6, "22")])
    assert text == "x := '😀!';\ny := 22;\n"
    whole = types.TextDocumentContentChangeWholeDocument(text="new")
    assert apply_changes(doc, [whole, change(0, 3, 0, 3, "!")]) == "new!"
    assert apply_changes(doc, [change(50, 0, 60, 0, "end")]).endswith("end")


def test_language_and_binary_text() -> None:
    assert language_id("file:///x/MAIN.TcPOU", "xml") == "iec-st"
    assert language_id("file:///x/a.st", "iec-st") == "iec-st"
    assert language_id("untitled:1", None) == "plaintext"
    doc = make_document("file:///b.st", "a\x00b", "iec-st", 1)
    assert doc.text == "a b" and doc.decode_problem


def test_snippet_text_forms() -> None:
    cases = {
        "IF ${1:cond} THEN\n\t$0\nEND_IF": "IF cond THEN\n\t\nEND_IF",
        "${1:outer ${2:inner}}": "outer inner",
        "${1|TRUE,FALSE|};": "TRUE;",
        "${1}x$TM_FILENAME": "x",
        "price \\$5": "price $5",
    }
    for snippet, text in cases.items():
        assert convert.snippet_to_text(snippet) == text


def test_failing_handler_answers_empty_and_is_counted() -> None:
    from plantls.lsp.server import create_server

    server = create_server()

    @server.handle("plantls/test-boom", default=list)
    def boom(params: object) -> list[int]:
        raise ValueError("boom")

    handler = server.protocol.fm.features["plantls/test-boom"]
    assert handler(None) == []
    assert server.request_counts["plantls/test-boom"] == 1
    assert server.name == "plantls"
