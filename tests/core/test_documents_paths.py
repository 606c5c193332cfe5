"""Path and URI helpers: the shortcuts give what the general code gives.

``path_to_uri`` inside ``folders_resolved_once`` resolves each folder once; ``uri_to_path``
reads plain ``file:///`` URIs without ``urlparse``; ``display_paths`` works out each folder's
relative path once. Each is compared with the plain computation on awkward paths (symbolic
links to files and folders, missing files, relative paths, spaces, ``%`` and non-ASCII names).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from plantls.cli.check import display_path, display_paths
from plantls.core.documents import folders_resolved_once, path_to_uri, uri_to_path


def _tree(root: Path) -> list[Path]:
    real = root / "real dir %41"
    real.mkdir()
    (real / "a.st").write_text("x")
    (real / "ä b.st").write_text("x")
    (root / "plain").mkdir()
    (root / "plain" / "c.st").write_text("x")
    paths = [real / "a.st", real / "ä b.st", root / "plain" / "c.st", real / "missing.st"]
    if os.name == "posix":
        (root / "link dir").symlink_to(real, target_is_directory=True)
        (root / "plain" / "link.st").symlink_to(real / "a.st")
        (root / "plain" / "dangling.st").symlink_to(root / "nowhere.st")
        paths += [
            root / "link dir" / "a.st",
            root / "link dir" / "missing.st",
            root / "plain" / "link.st",
            root / "plain" / "dangling.st",
        ]
    return paths


def test_path_to_uri_with_folders_resolved_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "plain")
    relative = [Path("c.st"), Path("../real dir %41/a.st"), Path("link.st")]
    if os.name == "posix":
        relative.append(Path("../link dir/ä b.st"))
    every = paths + relative + [p.parent for p in paths]
    expected = [p.resolve().as_uri() for p in every]
    with folders_resolved_once():
        assert [path_to_uri(p) for p in every] == expected
        assert [path_to_uri(p) for p in every] == expected  # from the folders seen
        with folders_resolved_once():
            assert [path_to_uri(p) for p in every] == expected
    assert [path_to_uri(p) for p in every] == expected


@pytest.mark.parametrize(
    "uri",
    [
        "file:///plc/a.st",
        "file:///plc/my%20file%25.st",
        "file:///plc/%C3%A4.st",
        "file:////server/share/a.st",
        "file:///plc/a.st?x=1",
        "file:///plc/a.st#frag",
        "file:///plc/a\tb.st",
        "file://host/plc/a.st",
        "FILE:///plc/a.st",
        "untitled:Untitled-1",
        "https://example.com/a.st",
    ],
)
def test_uri_to_path_as_urlparse_reads_it(uri: str) -> None:
    parsed = urlparse(uri)
    expected = Path(unquote(parsed.path)) if parsed.scheme == "file" else None
    assert uri_to_path(uri) == expected


def test_display_paths_as_display_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "plain")
    every = [
        *paths,
        Path("c.st"),
        Path("../real dir %41/a.st"),
        Path("../plain/c.st"),
        Path("sub/../c.st"),
        Path("/"),
        tmp_path / "plain",
        tmp_path,
    ]
    assert display_paths(every) == [display_path(p) for p in every]
