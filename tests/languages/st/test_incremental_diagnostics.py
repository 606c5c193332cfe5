"""Findings after an edit, re-checking only the edited top-level unit
(``StLanguage.incremental_diagnostics`` through ``Workspace.quick_diagnostics``)."""

from __future__ import annotations

import random
import re

import pytest

from plantls.core.documents import Document
from plantls.core.workspace import Workspace
from plantls.train.synth import generate_st_project

URI = "file:///plant/Plant.st"


def _plant(seed: int) -> str:
    """A generated project in one file: types, globals, blocks, functions and a program."""
    return "\n".join(generate_st_project(random.Random(seed)).values())


def _open(text: str) -> tuple[Workspace, Document]:
    ws = Workspace()
    doc = Document(URI, text, "iec-st", 1)
    ws.open(doc)
    ws.diagnostics(doc)  # the full check the incremental ones start from
    return ws, doc


def _edit(ws: Workspace, doc: Document, text: str) -> Document:
    new = Document(doc.uri, text, doc.language_id, doc.version + 1)
    new.previous = doc
    ws.open(new)
    return new


def _full(text: str) -> list[object]:
    """What a full check of ``text`` finds, in a workspace of its own."""
    ws = Workspace()
    doc = Document(URI, text, "iec-st", 1)
    ws.open(doc)
    return list(ws.diagnostics(doc))


def _body_lines(text: str) -> list[int]:
    """Lines holding an assignment statement (inside a body, not a declaration)."""
    return [
        i
        for i, line in enumerate(text.split("\n"))
        if re.match(r"\s+\w[\w.\[\]]* := .*;\s*$", line) and " : " not in line
    ]


def _body_edit(rng: random.Random, text: str) -> str:
    """An edit a user makes while typing in a body: a digit, a new line, a comment, a
    duplicated statement, a statement deleted."""
    lines = text.split("\n")
    i = rng.choice(_body_lines(text))
    kind = rng.randrange(5)
    if kind == 0:
        at = lines[i].rindex(";")
        lines[i] = lines[i][:at] + " + 1" + lines[i][at:]
    elif kind == 1:
        lines.insert(i + 1, "")
    elif kind == 2:
        lines.insert(i, "    // checked by hand")
    elif kind == 3:
        lines.insert(i, lines[i])
    else:
        del lines[i]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(6))
def test_body_edits_give_the_findings_of_a_full_check(seed: int) -> None:
    rng = random.Random(seed)
    text = _plant(seed)
    ws, doc = _open(text)
    for _ in range(8):
        text = _body_edit(rng, text)
        doc = _edit(ws, doc, text)
        quick = ws.quick_diagnostics(doc)
        assert quick is not None
        assert quick == _full(text)
        ws.diagnostics(doc)  # the full check after a pause, which the next edit starts from


def test_several_edits_in_one_unit_against_one_full_check() -> None:
    text = _plant(8)
    ws, doc = _open(text)
    line = _body_lines(text)[-1]
    for digit in "1234\n56":
        lines = text.split("\n")
        at = lines[line].rindex(";")
        if digit == "\n":
            lines.insert(line + 1, "")
        else:
            lines[line] = lines[line][:at] + digit + lines[line][at:]
        text = "\n".join(lines)
        doc = _edit(ws, doc, text)
        assert ws.quick_diagnostics(doc) == _full(text)


def test_findings_below_the_edit_move_with_their_lines() -> None:
    text = _plant(1) + "\nPROGRAM P_Last\nVAR x : INT; END_VAR\nx := 1 / 0;\nEND_PROGRAM\n"
    ws, doc = _open(text)
    before = [d for d in ws.diagnostics(doc) if d.code == "ST305"]
    first_body = _body_lines(text)[0]
    lines = text.split("\n")
    lines[first_body:first_body] = ["", "", ""]
    doc = _edit(ws, doc, "\n".join(lines))
    after = [d for d in ws.quick_diagnostics(doc) or [] if d.code == "ST305"]
    assert [d.range.start.line for d in after] == [d.range.start.line + 3 for d in before]


def test_a_new_finding_in_the_edited_unit_appears() -> None:
    text = _plant(2)
    ws, doc = _open(text)
    lines = text.split("\n")
    i = _body_lines(text)[-1]
    lines.insert(i, "    nUndeclaredThing := 1;")
    doc = _edit(ws, doc, "\n".join(lines))
    quick = ws.quick_diagnostics(doc)
    assert quick is not None
    assert any(d.code == "ST101" and d.range.start.line == i for d in quick)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("END_FUNCTION_BLOCK", "", 1),  # joins two units
        lambda t: t.replace("END_FUNCTION_BLOCK\n\n", "END_FUNCTION_BLOCK ", 1),
        lambda t: t.replace(":= ", ":= (* ", 1),  # a comment left open
        lambda t: "x" + t[1:-1],  # edits in two units
    ],
)
def test_edits_across_units_fall_back_to_a_full_check(change: object) -> None:
    text = _plant(3)
    ws, doc = _open(text)
    doc = _edit(ws, doc, change(text))  # type: ignore[operator]
    assert ws.quick_diagnostics(doc) is None


def test_nothing_to_start_from() -> None:
    ws = Workspace()
    doc = Document(URI, _plant(4), "iec-st", 1)
    ws.open(doc)
    assert ws.quick_diagnostics(doc) is None  # never fully checked
    twincat = Document("file:///plant/P.TcPOU", "<TcPlcObject/>", "iec-st", 1)
    ws.open(twincat)
    ws.diagnostics(twincat)
    assert ws.quick_diagnostics(_edit(ws, twincat, "<TcPlcObject />")) is None


def test_a_library_name_is_reported_once_per_file() -> None:
    text = (
        "PROGRAM A\nVAR x : INT; END_VAR\nx := LibAdd(1, 2);\nEND_PROGRAM\n"
        "PROGRAM B\nVAR y : INT; END_VAR\ny := LibAdd(3, 4);\nEND_PROGRAM\n"
    )
    ws, doc = _open(text)
    doc = _edit(ws, doc, text.replace("x := LibAdd(1, 2);", "x := LibAdd(1, 2) + 1;"))
    quick = [d for d in ws.quick_diagnostics(doc) or [] if d.code == "ST101"]
    assert [d.range.start.line for d in quick] == [2]
    assert quick == [d for d in _full(doc.text) if d.code == "ST101"]


def test_random_edits_never_raise_and_stay_in_the_document() -> None:
    rng = random.Random(7)
    text = _plant(5)
    ws, doc = _open(text)
    pieces = ["x", "\n", ";", "END_IF", "(*", "*)", "'", "END_PROGRAM\n", "PROGRAM Q\n", "ä"]
    for _ in range(60):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(pieces) + text[at + rng.randrange(3) :]
        doc = _edit(ws, doc, text)
        quick = ws.quick_diagnostics(doc)
        if quick is None:
            ws.diagnostics(doc)
            continue
        last = len(doc.lines.line_starts)
        assert all(0 <= d.range.start.line <= d.range.end.line < last for d in quick)


def _requests(ws: Workspace, doc: Document, line: int) -> list[object]:
    """Hover, completion and signature help at every identifier of one line."""
    from plantls.core.positions import Position
    from plantls.languages.st.language import StLanguage

    lang = StLanguage()
    text = doc.text.split("\n")[line]
    out: list[object] = []
    for m in re.finditer(r"[A-Za-z_]\w*", text):
        pos = Position(line, m.start() + 1)
        out.append(lang.hover(doc, ws, pos))
        out.append(sorted(c.label for c in lang.completion(doc, ws, pos)))
        out.append(lang.signature_help(doc, ws, pos))
    return out


def test_requests_while_typing_answer_like_a_full_analysis() -> None:
    # between full checks, hover and completion analyse only the unit around the cursor
    text = _plant(9)
    ws, doc = _open(text)
    body = _body_lines(text)
    lines = text.split("\n")
    lines[body[0] : body[0]] = ["", "    // two new lines above"]
    text = "\n".join(lines)
    doc = _edit(ws, doc, text)
    assert "st-analysis" not in doc._cache
    moved = [i + 2 for i in (body[len(body) // 2], body[-1])]
    typed = [_requests(ws, doc, line) for line in [body[0] + 2, *moved]]
    assert "st-analysis" not in doc._cache  # answered without analysing the whole file
    fresh_ws = Workspace()
    fresh = Document(URI, text, "iec-st", 1)
    fresh_ws.open(fresh)
    assert typed == [_requests(fresh_ws, fresh, line) for line in [body[0] + 2, *moved]]


def test_units_with_the_same_text_keep_their_own_findings() -> None:
    gvl = "VAR_GLOBAL\n    gnBig : INT := 70000;\nEND_VAR\n"
    text = "PROGRAM A\nVAR x : INT; END_VAR\nx := 1;\nEND_PROGRAM\n" + gvl + gvl
    ws, doc = _open(text)
    edited = text.replace("x := 1;", "x := 1;\nx := 2;")
    doc = _edit(ws, doc, edited)
    quick = ws.quick_diagnostics(doc)
    assert quick is not None
    # same findings at the same places; the duplicate's message, which quotes the line of
    # a declaration in another unit, is brought up to date by the full check that follows
    assert [(d.code, d.range) for d in quick] == [(d.code, d.range) for d in _full(edited)]
    assert [(d.code, d.range.start.line) for d in quick] == [("ST306", 6), ("ST102", 9)]
