"""read_document: the same text, URI and problem as reading with Path.stat and
Path.read_bytes (the way it read files before it opened each file once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plantls.core import workspace
from plantls.core.documents import Document, decode_text, path_to_uri
from plantls.core.language import language_for_path
from plantls.core.workspace import read_document


def _plain(path: Path) -> Document:
    language = language_for_path(path.name)
    problem: str | None
    try:
        size = path.stat().st_size
        if size > workspace.MAX_FILE_BYTES:
            text, problem = "", f"file is {size // 1_000_000} MB, over the 20 MB limit; not checked"
        else:
            text, problem = decode_text(path.read_bytes())
    except OSError as exc:
        text, problem = "", f"cannot read file: {exc.strerror or exc}"
    return Document(
        uri=path_to_uri(path),
        text=text,
        language_id=language.id if language else "plaintext",
        decode_problem=problem,
    )


def _files(root: Path) -> list[Path]:
    (root / "empty.st").write_bytes(b"")
    (root / "bom.st").write_bytes(b"\xef\xbb\xbfPROGRAM P\r\nEND_PROGRAM\r\n")
    (root / "latin1.st").write_bytes(b"(* \xe4 *)\n")
    (root / "nul.st").write_bytes(b"A\x00B")
    (root / "big.st").write_bytes(("x := 1; (* \u00e4 *)\n" * 20_000).encode())
    (root / "dir.st").mkdir()
    paths = [root / n for n in ("empty.st", "bom.st", "latin1.st", "nul.st", "big.st")]
    paths += [root / "dir.st", root / "missing.st", root / "nowhere" / "x.st"]
    if os.name == "posix":
        (root / "link.st").symlink_to(root / "bom.st")
        (root / "dangling.st").symlink_to(root / "missing.st")
        paths += [root / "link.st", root / "dangling.st"]
    return paths


def test_same_documents_as_the_plain_reads(tmp_path: Path) -> None:
    for path in _files(tmp_path):
        assert read_document(path) == _plain(path), path


def test_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace, "MAX_FILE_BYTES", 100)
    for path in _files(tmp_path):
        assert read_document(path) == _plain(path), path
    assert "over the 20 MB limit" in (read_document(tmp_path / "big.st").decode_problem or "")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.st"
    path.write_text("x")
    path.chmod(0)
    try:
        assert read_document(path) == _plain(path)
        assert (read_document(path).decode_problem or "").startswith("cannot read file")
    finally:
        path.chmod(0o600)
