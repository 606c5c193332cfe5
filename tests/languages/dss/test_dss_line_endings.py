"""OpenDSS scripts with ``\\r\\n`` (Windows), lone ``\\r`` and mixed line endings: the same
commands, findings, hover and definition at the same LSP (line, character) positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantls.core.documents import path_to_uri
from plantls.core.positions import Position
from plantls.core.workspace import Workspace
from plantls.languages.dss.syntax import parse

SCRIPT = """Clear
New Circuit.T basekv=11 bus1=src
/* a block comment
   over two lines */
New LineCode.lc nphases=3 r1=0.1 x1=0.08 units=km ! trailing comment
New Line.a bus1=src bus2=b linecode=lc length=1
~ units=km // continued
New Line.c bus1=b bus2=c linecode=nope
New Load.l bus1=c kv=11 kw=100kW
Sovle
"""

ENDINGS = ["\r\n", "\r", "mixed"]


def with_endings(text: str, eol: str) -> str:
    if eol != "mixed":
        return text.replace("\n", eol)
    lines = text.split("\n")
    breaks = ["\r", "\r\n", "\n"]
    return "".join(line + breaks[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


def workspace(root: Path, text: str) -> tuple[Workspace, str]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "m.dss").write_bytes(text.encode("utf-8"))  # no newline translation
    ws = Workspace([root])
    ws.index_all()
    return ws, path_to_uri(root / "m.dss")


def findings(root: Path, text: str) -> list[tuple[str, int, int, int, int, str]]:
    ws, uri = workspace(root, text)
    doc = ws.get(uri)
    assert doc is not None and doc.text == text
    return [
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in ws.diagnostics(doc)
    ]


@pytest.mark.parametrize("eol", ENDINGS)
def test_commands_and_comments_keep_their_lines(eol: str) -> None:
    plain, other = parse(SCRIPT), parse(with_endings(SCRIPT, eol))
    assert [(c.verb.text, c.line) for c in other.commands] == [
        (c.verb.text, c.line) for c in plain.commands
    ]
    assert [c.line for c in other.commands] == [0, 1, 4, 5, 6, 7, 8, 9]
    text = with_endings(SCRIPT, eol)
    comments = [text[c.start : c.end] for c in other.comments]
    assert comments[1:] == ["! trailing comment", "// continued"]
    assert all("\r" not in c and "\n" not in c for c in comments[1:])
    last = other.commands[-1]
    assert text[last.start : last.end] == "Sovle"


@pytest.mark.parametrize("eol", ENDINGS)
def test_same_findings_at_same_positions(tmp_path: Path, eol: str) -> None:
    expected = findings(tmp_path / "lf", SCRIPT)
    assert {f[0] for f in expected} >= {"DSS101", "DSS104", "DSS201"}
    assert findings(tmp_path / "other", with_endings(SCRIPT, eol)) == expected


@pytest.mark.parametrize("eol", ["\r", "\r\n"])
def test_hover_and_definition_after_a_lone_cr(tmp_path: Path, eol: str) -> None:
    from plantls.languages.dss.language import DSS_LANGUAGE

    ws, uri = workspace(tmp_path, with_endings(SCRIPT, eol))
    doc = ws.get(uri)
    assert doc is not None
    line = SCRIPT.split("\n")[5]
    use = Position(5, line.index("linecode=lc") + len("linecode=") + 1)
    hover = DSS_LANGUAGE.hover(doc, ws, use)
    assert hover is not None and "LineCode" in hover.markdown
    (loc,) = DSS_LANGUAGE.definition(doc, ws, use)
    assert loc.range.start == Position(4, SCRIPT.split("\n")[4].index("LineCode.lc") + 9)
