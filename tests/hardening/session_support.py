"""A whole editor session over a folder, for the data-safety and no-network tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from rpc_client import RawClient

from plantls.core.language import language_for_path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def copy_examples(dest: Path) -> Path:
    """A fresh copy of examples/ under ``dest``."""
    target = dest / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def tree_state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256 of its bytes), and every folder."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            out[os.path.relpath(Path(root) / d, folder) + "/"] = "dir"
        for f in files:
            p = Path(root) / f
            out[os.path.relpath(p, folder)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Run ``python -m plantls ARGS`` and return its exit code."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "plantls", *args], capture_output=True, text=True,
        env=env, cwd=cwd, timeout=300, check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode


def editor_session(root: Path, env: dict[str, str] | None = None) -> RawClient:
    """Open, edit, save and close every file under ``root`` like an editor, asking for every
    feature on the way (code actions included); returns the finished client."""
    client = RawClient(cwd=root, env=env, stderr_path=root.parent / "server-stderr.log")
    try:
        client.initialize(root)
        files = sorted(p for p in root.rglob("*") if p.is_file() and language_for_path(p.name))
        for i, path in enumerate(files):
            uri = path.as_uri()
            text = path.read_text(encoding="utf-8", errors="replace")
            client.open(uri, text, version=1)
            ident = {"textDocument": {"uri": uri}}
            pos = {"line": 2, "character": 3}
            client.change(uri, 2, [{"range": {"start": {"line": 0, "character": 0},
                                              "end": {"line": 0, "character": 0}},
                                    "text": "// edited\n"}])
            client.request("textDocument/hover", {**ident, "position": pos})
            client.request("textDocument/documentSymbol", ident)
            client.request("textDocument/completion", {**ident, "position": pos})
            client.request("textDocument/definition", {**ident, "position": pos})
            for method, params in (
                ("textDocument/codeAction", {**ident, "range": {"start": pos, "end": pos},
                                             "context": {"diagnostics": []}}),
                ("textDocument/formatting", {**ident, "options": {"tabSize": 4,
                                                                  "insertSpaces": True}}),
                ("textDocument/rename", {**ident, "position": pos, "newName": "renamed"}),
            ):
                # answered with a result or MethodNotFound; edits are only ever proposed
                client.wait_response(client.request_async(method, params), timeout=30)
            client.change(uri, 3, [{"text": text}])
            client.notify("textDocument/didSave", {**ident, "text": text})
            if i % 2:
                client.notify("textDocument/didClose", ident)
        client.alive()
        assert client.shutdown(timeout=30) == 0
    finally:
        client.close()
    return client
