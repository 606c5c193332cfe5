"""plantls never writes the user's files: `plantls check` (with the engine) and a whole
editor session (open, change, save, close, code actions, formatting, rename requests) over a
copy of examples/ leave every file byte-identical and create no file or folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from session_support import cli, copy_examples, editor_session, tree_state

pytestmark = pytest.mark.timeout(300)


def test_check_writes_nothing_but_its_cache(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    before = tree_state(root)
    cwd_before = set(os.listdir(tmp_path))
    runs = (
        ["check", "--no-cache", str(root)],
        ["check", "--engine", "--format", "json", "--no-cache", str(root)],
    )
    for args in runs:
        cli(*args, cwd=tmp_path)
        assert tree_state(root) == before, args
    assert set(os.listdir(tmp_path)) == cwd_before
    # with the result cache (the default) the only new thing is the cache folder itself,
    # which tells git and backup tools to leave it alone
    env = {k: v for k, v in os.environ.items() if k != "PLANTLS_NO_CACHE"}
    for _ in range(2):
        cli("check", str(root), cwd=tmp_path, env=env)
        assert tree_state(root) == before
    assert set(os.listdir(tmp_path)) == cwd_before | {".plantls_cache"}
    cache = tmp_path / ".plantls_cache"
    assert (cache / ".gitignore").read_text().strip() == "*"
    assert (cache / "CACHEDIR.TAG").is_file()


def test_editor_session_writes_nothing(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    (root / "plantls.toml").write_text("[dss]\nengine = true\n")  # the engine runs on save
    before = tree_state(root)
    client = editor_session(root)
    assert tree_state(root) == before
    # the server proposed edits at most; it never asked the client to apply any
    assert not [n for n in client.notifications if n.get("method") == "workspace/applyEdit"]
