"""A small JSON-RPC client that drives ``plantls serve`` over stdio, for the server benchmarks.

It starts the real server (``python -m plantls serve``), speaks LSP with
Content-Length framing, records when each notification arrives and answers the server's
own requests (``workspace/configuration``, progress, registration) so it never waits on us.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"didSave": True, "dynamicRegistration": False},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {"completionItem": {"snippetSupport": True}},
    },
    "workspace": {"configuration": True, "workspaceFolders": True},
    "window": {"workDoneProgress": False},
}
"""A push-diagnostics client (no ``textDocument.diagnostic``): the server publishes."""


class LspClient:
    """One server process and the bookkeeping to time requests and notifications."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.settings: Any = {"model": {"backend": "none"}}
        """What the client answers to ``workspace/configuration`` (and sent at initialize)."""
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._waiters: list[tuple[Callable[[dict[str, Any]], bool], asyncio.Future[float]]] = []
        self.diagnostics: dict[str, tuple[int | None, list[Any], float]] = {}
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(cls, *args: str, env: dict[str, str] | None = None) -> LspClient:
        """Start ``plantls serve`` with the venv's interpreter."""
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = str(ROOT / "server")
        full_env.update(env or {})
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "plantls",
            "serve",
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=None if os.environ.get("PLANTLS_BENCH_STDERR") else asyncio.subprocess.DEVNULL,
            env=full_env,
            limit=1 << 26,
        )
        return cls(proc)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.proc.pid

    # -- framing -------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            message = json.loads(await out.readexactly(length))
            self._dispatch(message, time.perf_counter())

    def _dispatch(self, message: dict[str, Any], at: float) -> None:
        if "id" in message and "method" in message:  # a request from the server
            self._answer(message)
            return
        if "id" in message:
            fut = self._pending.pop(message["id"], None)
            if fut is not None and not fut.done():
                fut.set_result((message.get("result"), message.get("error"), at))
            return
        if message.get("method") == "textDocument/publishDiagnostics":
            p = message["params"]
            self.diagnostics[p["uri"]] = (p.get("version"), p["diagnostics"], at)
        for pred, fut in list(self._waiters):
            if not fut.done() and pred(message):
                fut.set_result(at)
                self._waiters.remove((pred, fut))
                break

    def _answer(self, request: dict[str, Any]) -> None:
        method = request["method"]
        result: Any = None
        if method == "workspace/configuration":
            result = [self.settings for _ in request["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    # -- API -----------------------------------------------------------------------------
    async def request(self, method: str, params: Any) -> tuple[Any, float]:
        """Send a request; its result and the seconds until the answer arrived."""
        self._next_id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = fut
        t0 = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        result, error, at = await fut
        if error is not None:
            raise RuntimeError(f"{method}: {error}")
        return result, at - t0

    def notify(self, method: str, params: Any) -> float:
        """Send a notification; the time it was sent."""
        t0 = time.perf_counter()
        self._send({"jsonrpc": "2.0", "method": method, "params": params})
        return t0

    def expect(self, pred: Callable[[dict[str, Any]], bool]) -> asyncio.Future[float]:
        """A future for the arrival time of the next notification that matches."""
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters.append((pred, fut))
        return fut

    def expect_diagnostics(self, uri: str, version: int) -> asyncio.Future[float]:
        """The arrival time of ``publishDiagnostics`` for ``uri`` at ``version`` (or later)."""

        def pred(m: dict[str, Any]) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            p = m["params"]
            return bool(p["uri"] == uri and (p.get("version") or 0) >= version)

        return self.expect(pred)

    async def initialize(
        self,
        root: Path | None = None,
        options: Any = None,
        capabilities: dict[str, Any] | None = None,
    ) -> None:
        """``initialize`` and ``initialized``, with the model off unless ``options`` say."""
        self.settings = options or {"model": {"backend": "none"}}
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "capabilities": capabilities or CAPABILITIES,
            "initializationOptions": self.settings,
            "clientInfo": {"name": "plantls-bench"},
        }
        if root is not None:
            uri = root.resolve().as_uri()
            params["rootUri"] = uri
            params["workspaceFolders"] = [{"uri": uri, "name": root.name}]
        else:
            params["rootUri"] = None
        await self.request("initialize", params)
        self.notify("initialized", {})

    async def shutdown(self) -> None:
        """``shutdown``, ``exit``, and wait for the process."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self._reader.cancel()


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
