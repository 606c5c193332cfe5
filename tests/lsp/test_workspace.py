"""Workspace-level behaviour: indexing progress, cross-file re-checks, watched files,
dynamic registration, ``plantls/stats`` and serving over TCP."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lsp_harness import (
    REGISTRATIONS,
    capabilities,
    codes,
    diagnostics,
    index_done,
    open_doc,
    running,
    wait_for,
)
from lsprotocol import types
from pygls.protocol import JsonRPCResponseMessage
from pytest_lsp import LanguageClient

GVL = "VAR_GLOBAL\n    gCount : INT;\nEND_VAR\n"
USER = "PROGRAM Main\ngCount := gCount + 1;\nEND_PROGRAM\n"


def write_workspace(root: Path, n: int = 8) -> None:
    for i in range(n):
        (root / f"fb_{i}.st").write_text(
            f"FUNCTION_BLOCK FB_{i}\nVAR_INPUT\n    bIn : BOOL;\nEND_VAR\nEND_FUNCTION_BLOCK\n"
        )
    (root / "sub").mkdir()
    (root / "sub" / "gvl.st").write_text(GVL)


def progress_values(client: LanguageClient) -> list[list[object]]:
    return [list(values) for values in client.progress_reports.values()]


@pytest.mark.parametrize("profile", ["visual-studio-code", "neovim", "emacs"])
async def test_indexing_reports_progress(profile: str, tmp_path: Path) -> None:
    write_workspace(tmp_path)
    async with running(profile, tmp_path) as client:
        await index_done(client)
        runs = progress_values(client)
        assert len(runs) == 1
        values = runs[0]
        assert isinstance(values[0], types.WorkDoneProgressBegin)
        assert "index" in values[0].title
        assert any(isinstance(v, types.WorkDoneProgressReport) for v in values)
        assert isinstance(values[-1], types.WorkDoneProgressEnd)
        assert "9 files" in (values[-1].message or "")


async def test_no_progress_without_client_support(tmp_path: Path) -> None:
    write_workspace(tmp_path, 2)
    caps = capabilities("visual-studio-code")
    assert caps.window is not None
    caps.window.work_done_progress = False
    client = await _start_with(caps, tmp_path)
    try:
        uri = open_doc(client, tmp_path / "user.st", USER)
        await diagnostics(client, uri)
        assert client.progress_reports == {}
    finally:
        await _stop(client)


async def _start_with(caps: types.ClientCapabilities, root: Path) -> LanguageClient:
    from lsp_harness import CONFIG

    client = await CONFIG.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    return client


async def _stop(client: LanguageClient) -> None:
    await asyncio.wait_for(client.shutdown_session(), 10)
    await asyncio.wait_for(client.stop(), 10)


@pytest.mark.parametrize("profile", ["visual-studio-code", "neovim", "emacs"])
async def test_change_in_one_file_rechecks_its_users(profile: str, tmp_path: Path) -> None:
    async with running(profile, tmp_path) as client:
        gvl = open_doc(client, tmp_path / "gvl.st", GVL)
        user = open_doc(client, tmp_path / "user.st", USER)
        found = await diagnostics(client, user)
        assert "ST101" not in codes(found)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=gvl, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=1, character=4),
                            end=types.Position(line=1, character=10),
                        ),
                        text="gTotal",
                    )
                ],
            )
        )
        found = await diagnostics(client, user, lambda ds: "ST101" in codes(ds))
        assert "ST101" in codes(found)


async def test_watched_file_created_is_indexed(tmp_path: Path) -> None:
    async with running("visual-studio-code", tmp_path) as client:
        await wait_for(lambda: REGISTRATIONS[id(client)])
        methods = {r.method for r in REGISTRATIONS[id(client)]}
        assert types.WORKSPACE_DID_CHANGE_WATCHED_FILES in methods
        user = open_doc(client, tmp_path / "user.st", USER)
        await diagnostics(client, user, lambda ds: "ST101" in codes(ds))
        gvl = tmp_path / "gvl.st"
        gvl.write_text(GVL)
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=gvl.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        await diagnostics(client, user, lambda ds: "ST101" not in codes(ds))
        gvl.unlink()
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=gvl.as_uri(), type=types.FileChangeType.Deleted)]
            )
        )
        await diagnostics(client, user, lambda ds: "ST101" in codes(ds))


async def test_config_file_change_applies(tmp_path: Path) -> None:
    async with running("visual-studio-code", tmp_path) as client:
        user = open_doc(client, tmp_path / "user.st", USER)
        await diagnostics(client, user, lambda ds: "ST101" in codes(ds))
        config = tmp_path / "plantls.toml"
        config.write_text('[rules]\nignore = ["ST101"]\n')
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        await diagnostics(client, user, lambda ds: "ST101" not in codes(ds))


async def test_stats_counts_requests(tmp_path: Path) -> None:
    async with running("neovim", tmp_path) as client:
        uri = open_doc(client, tmp_path / "user.st", USER)
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=1, character=2),
            )
        )
        # keep the untyped result a plain dict (pygls would make namedtuples of it)
        client.protocol._converter.register_structure_hook(
            JsonRPCResponseMessage, lambda obj, cls: cls(**obj)
        )
        data = await client.protocol.send_request_async("plantls/stats", {})
        assert data["model"] == {"state": "none"}
        assert data["requests"]["textDocument/hover"] == 1
        assert data["requests"]["textDocument/didOpen"] == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(sock: socket.socket) -> dict[str, object]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
    while len(rest) < length:
        rest += sock.recv(4096)
    return json.loads(rest[:length])


def test_serve_tcp_on_loopback() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "plantls", "serve", "--tcp", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        with sock:
            sock.sendall(
                _frame(
                    {
                        "jsonrpc": "2.0",
                        "id": 1,
                        "method": "initialize",
                        "params": {"processId": None, "rootUri": None, "capabilities": {}},
                    }
                )
            )
            reply = _read_message(sock)
            while "id" not in reply:  # skip log notifications
                reply = _read_message(sock)
        result = reply["result"]
        assert isinstance(result, dict)
        assert result["serverInfo"]["name"] == "plantls"
        assert result["capabilities"]["positionEncoding"] == "utf-16"
    finally:
        proc.kill()
        proc.wait(10)


@pytest.mark.parametrize("profile", ["visual-studio-code", "neovim", "emacs"])
async def test_positions_are_utf16_for_every_client(profile: str, tmp_path: Path) -> None:
    """Neovim 0.11 prefers UTF-8 and Emacs UTF-32; the server still speaks UTF-16."""
    client = await _start_with(capabilities(profile), tmp_path)
    try:
        line = "(*😀*) x := x + ;"  # the emoji is 1 code point, 2 UTF-16 units, 4 bytes
        text = f"PROGRAM Main\nVAR\n    x : INT;\nEND_VAR\n{line}\nEND_PROGRAM\n"
        uri = open_doc(client, tmp_path / "astral.st", text)
        found = await diagnostics(client, uri, lambda ds: "ST001" in codes(ds))
        error = next(d for d in found if d.code == "ST001")
        # 8 in "x := x + ;", plus "(*😀*) ": 7 UTF-16 units (6 code points, 9 UTF-8 bytes)
        assert error.range.start.character == 15
    finally:
        await _stop(client)


async def test_added_workspace_folder_is_indexed(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (second / "gvl.st").write_text(GVL)
    async with running("visual-studio-code", first) as client:
        user = open_doc(client, first / "user.st", USER)
        await diagnostics(client, user, lambda ds: "ST101" in codes(ds))
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=second.as_uri(), name="second")],
                    removed=[],
                )
            )
        )
        await diagnostics(client, user, lambda ds: "ST101" not in codes(ds))
