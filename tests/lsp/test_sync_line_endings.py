"""Incremental sync applies an editor's ranged edits with LSP lines: ``\\n``, ``\\r\\n`` and a
lone ``\\r`` each end one line."""

from __future__ import annotations

import pytest
from lsprotocol import types

from plantls.core.documents import Document
from plantls.lsp.features.sync import apply_changes


def partial(
    sl: int, sc: int, el: int, ec: int, text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec)
        ),
        text=text,
    )


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_apply_changes_uses_lsp_lines(eol: str) -> None:
    text = eol.join(["abc", "def", "ghi"])
    doc = Document(uri="file:///x.st", text=text, language_id="iec-st")
    changes = [partial(1, 1, 1, 2, "X"), partial(2, 0, 2, 0, ">")]
    assert apply_changes(doc, changes) == eol.join(["abc", "dXf", ">ghi"])
    # a range past the end of a line stops before its line break
    assert apply_changes(doc, [partial(0, 99, 0, 99, "!")]) == eol.join(["abc!", "def", "ghi"])
