"""A broken model never breaks the server: missing folder, corrupt safetensors, an adapter for
another base, an OpenAI server that is down or never answers. Hover and diagnostics keep
working, the user is told what is wrong once, and plantls/stats has the state."""

from __future__ import annotations

import asyncio
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsp_harness import diagnostics, open_doc, still_alive
from lsprotocol import types
from test_inline_completion import CURSOR, MAIN, inline_params, model_ready, options, server

sys.path.insert(0, str(Path(__file__).parents[1] / "ai"))
import tiny_model

BROKEN = MAIN.replace("    bRunning := TRUE;", "    bMotr := TRUE;")


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    good = tiny_model.cached()
    corrupt = tmp_path_factory.mktemp("corrupt")
    for item in good.iterdir():
        shutil.copy(item, corrupt / item.name)
    data = (corrupt / "model.safetensors").read_bytes()
    (corrupt / "model.safetensors").write_bytes(data[: len(data) // 2])
    other = tiny_model.untrained(good, tmp_path_factory.mktemp("other"), hidden=32)
    foreign = tiny_model.adapter(other, tmp_path_factory.mktemp("foreign"))
    return {"good": good, "corrupt": corrupt, "foreign": foreign}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield int(sock.getsockname()[1])
    sock.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CASES = ["missing", "corrupt", "foreign-adapter", "server-down", "server-slow"]


def case_options(case: str, models: dict[str, Path], tmp: Path, port: int) -> dict[str, Any]:
    if case == "missing":
        return options(tmp / "no-such-model")
    if case == "corrupt":
        return options(models["corrupt"])
    if case == "foreign-adapter":
        opts = options(models["good"])
        opts["model"]["adapter"] = str(models["foreign"])
        return opts
    opts = options()
    url = f"http://127.0.0.1:{free_port() if case == 'server-down' else port}"
    opts["model"] = {"backend": "openai", "url": url, "timeout_ms": 1000}
    return opts


NEEDLES = {
    "missing": "does not exist",
    "corrupt": "corrupt or truncated",
    "foreign-adapter": "another base model",
    "server-down": "does not answer",
    "server-slow": "does not answer",
}


@pytest.mark.parametrize("case", CASES)
async def test_static_features_survive_a_broken_model(
    case: str, models: dict[str, Path], tmp_path: Path, silent_port: int
) -> None:
    (tmp_path / "main.st").write_text(BROKEN)
    opts = case_options(case, models, tmp_path, silent_port)
    async with server(tmp_path, opts, profile="neovim") as client:
        state = await model_ready(client)
        assert state["model"]["state"] == "failed"
        assert NEEDLES[case] in state["model"]["error"]
        uri = open_doc(client, tmp_path / "main.st", BROKEN)
        found = await diagnostics(client, uri, lambda ds: any(d.code == "ST101" for d in ds))
        assert found
        await still_alive(client, uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=2, character=6),
            )
        )
        assert hover is not None
        # Asking for completions does not repeat the message or fail.
        for _ in range(2):
            result = await client.text_document_inline_completion_async(
                inline_params(uri, CURSOR)
            )
            assert result is None or not result.items
        await asyncio.sleep(0.2)
        shown = [m for m in client.messages if "model is not available" in m.message]
        assert len(shown) == 1, [m.message for m in client.messages]
        assert NEEDLES[case] in shown[0].message
