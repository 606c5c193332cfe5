"""One size limit per language, used by ``plantls check`` and the editor alike, and a
documented finding (ST002 or PLS002) whenever a document is not fully analysed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantls.cli.main import main
from plantls.core.documents import Document
from plantls.core.limits import analysis_limit, too_large
from plantls.core.suppressions import all_rules
from plantls.languages.st.language import MAX_ANALYSIS_CHARS, StLanguage


def _st_of_size(chars: int) -> str:
    head = "PROGRAM P\nVAR x : INT; END_VAR\n"
    tail = "END_PROGRAM\n"
    body = "y := 1;\n" * ((chars - len(head) - len(tail)) // 8 + 1)
    return head + body + tail


def test_each_language_has_one_limit_for_both_front_ends() -> None:
    assert analysis_limit("iec-st") == MAX_ANALYSIS_CHARS == StLanguage.analysis_limit_chars
    assert analysis_limit("opendss") == 5_000_000
    assert analysis_limit("fab-recipe") == analysis_limit("fab-tool") == 1_000_000
    assert analysis_limit("plaintext") == 1_000_000


def test_the_editor_note_is_a_documented_rule() -> None:
    rule = next(r for r in all_rules() if r.code == "PLS002")
    assert rule.doc.why and rule.doc.example and rule.doc.fix
    small = Document("file:///a.st", "x", "iec-st")
    assert too_large(small) is None
    big = Document("file:///a.st", "x" * (MAX_ANALYSIS_CHARS + 1), "iec-st")
    note = too_large(big)
    assert note is not None and note.code == "PLS002"
    assert f"{MAX_ANALYSIS_CHARS:,}" in note.message


def _check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    main(["check", "--format", "json", str(path)])
    out = json.loads(capsys.readouterr().out)
    return [d for f in out["files"] for d in f["diagnostics"]]


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANTLS_NO_CACHE", "1")
    monkeypatch.chdir(tmp_path)


def test_check_reports_syntax_only_above_the_st_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.st"
    path.write_text(_st_of_size(MAX_ANALYSIS_CHARS + 10))  # y is undeclared: not reported
    found = _check_json(path, capsys)
    assert [d["code"] for d in found] == ["ST002"]
    assert "only syntax was checked" in str(found[0]["message"])
    path.write_text(_st_of_size(MAX_ANALYSIS_CHARS - 100))
    assert {d["code"] for d in _check_json(path, capsys)} == {"ST101"}


def test_check_says_when_a_dss_script_is_too_large(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.dss"
    path.write_text("! comment line of padding\n" * (5_000_000 // 26 + 10))
    found = _check_json(path, capsys)
    assert [d["code"] for d in found] == ["PLS002"]
