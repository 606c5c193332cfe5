"""Incremental parsing and lazy indexing give the same results as parsing from scratch."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from plantls.core.documents import Document
from plantls.core.workspace import Workspace
from plantls.languages.st import syntax
from plantls.languages.st.language import StLanguage

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FILES = sorted(
    p for p in EXAMPLES.rglob("*") if p.suffix.lower() in (".st", ".tcpou", ".tcgvl", ".tcdut")
)

PIECES = ["x", "1", " ", "\n", ";", ":= ", "END_IF", "(*", "*)", "'", "ä", "😀", "IF a THEN", ")"]


def _edit(rng: random.Random, text: str) -> str:
    """One random edit: an insertion, a deletion or a replacement."""
    at = rng.randrange(len(text) + 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + rng.choice(PIECES) + text[at:]
    end = min(len(text), at + rng.randrange(1, 12))
    if kind == 1:
        return text[:at] + text[end:]
    return text[:at] + rng.choice(PIECES) + text[end:]


def _same(a: syntax.SyntaxTree, b: syntax.SyntaxTree) -> None:
    assert a.source == b.source
    assert str(a.root) == str(b.root)
    assert a.root.end_point == b.root.end_point
    assert syntax.syntax_errors(a) == syntax.syntax_errors(b)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reparse_after_random_edits_matches_a_fresh_parse(path: Path) -> None:
    rng = random.Random(path.name)
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    previous = syntax.parse(text, uri)
    for _ in range(25):
        text = _edit(rng, text)
        incremental = syntax.parse(text, uri, previous)
        _same(incremental, syntax.parse(text, uri))
        previous = incremental


def test_reparse_reuses_the_tree_of_unchanged_text() -> None:
    text = "PROGRAM P\nVAR x : INT; END_VAR\nx := 1;\nEND_PROGRAM\n"
    first = syntax.parse(text)
    assert syntax.parse(text, previous=first).tree is first.tree


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b"abcdef", b"abcXdef", (3, 3, 4)),
        (b"abcdef", b"abdef", (2, 3, 2)),
        (b"abc", b"abcd", (3, 3, 4)),
        (b"abcd", b"abc", (3, 4, 3)),
        (b"aaaa", b"aaaaa", (4, 4, 5)),
        (b"", b"x", (0, 0, 1)),
        # the edit never splits a UTF-8 character: \xc3\xa4 is a, \xc3\xb6 is o (umlauts)
        ("xä".encode(), "xö".encode(), (1, 3, 3)),
        ("äx".encode(), "öx".encode(), (0, 2, 2)),
    ],
)
def test_byte_edit(old: bytes, new: bytes, expected: tuple[int, int, int]) -> None:
    start, old_end, new_end = syntax.byte_edit(old, new)
    assert (start, old_end, new_end) == expected
    assert old[:start] == new[:start]
    assert old[old_end:] == new[new_end:]


def test_byte_edit_on_long_texts() -> None:
    base = b"".join(b"line %d\n" % i for i in range(5000))
    changed = base[:20000] + b"NEW" + base[20003:]
    assert syntax.byte_edit(base, changed) == (20000, 20003, 20003)


def _doc(text: str, version: int, previous: Document | None = None) -> Document:
    return Document("file:///ws/Main.st", text, "iec-st", version, previous=previous)


def test_document_parsed_incrementally_drops_its_previous_version() -> None:
    ws = Workspace()
    first = _doc("PROGRAM Main\nVAR x : INT; END_VAR\nx := 1;\nEND_PROGRAM\n", 1)
    ws.open(first)
    assert ws.diagnostics(first) == ws.diagnostics(first)
    second = _doc(first.text.replace("x := 1", "x := y"), 2, previous=first)
    ws.open(second)
    found = ws.diagnostics(second)
    assert second.previous is None
    assert [d.code for d in found] == ["ST101"]
    other = Workspace()
    fresh = _doc(second.text, 3)
    other.open(fresh)
    assert found == other.diagnostics(fresh)


def test_index_is_lazy_but_always_current() -> None:
    ws = Workspace()
    lang = StLanguage()
    lib = Document(
        "file:///ws/FB_A.st",
        "FUNCTION_BLOCK FB_A\nVAR_INPUT i : INT; END_VAR\nEND_FUNCTION_BLOCK\n",
        "iec-st",
        1,
    )
    ws.open(lib)
    assert "st" not in lib._cache  # not parsed until something reads the index
    assert lang.state(ws).index.pou("FB_A") is not None
    ws.open(Document(lib.uri, lib.text.replace("FB_A", "FB_B"), "iec-st", 2))
    index = lang.state(ws).index
    assert index.pou("FB_A") is None
    assert index.pou("FB_B") is not None
    ws.close(lib.uri)
    assert lang.state(ws).index.pou("FB_B") is None
