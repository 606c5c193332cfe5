"""A raw JSON-RPC client over the server's stdio, for tests that must send broken bytes.

pytest-lsp's client only sends well-formed messages; this one writes whatever it is given
to the process's stdin and reads framed messages from its stdout on a thread. It answers the
server's own requests (configuration, registrations, progress) so sessions run as with an
editor, and records notifications.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

SERVER = [sys.executable, "-m", "plantls", "serve"]


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def frame(body: bytes) -> bytes:
    """A message with its Content-Length header."""
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """One server process and the messages it sent."""

    def __init__(
        self,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        stderr_path: Path | None = None,
    ) -> None:
        self._stderr = open(stderr_path or os.devnull, "wb")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            args or SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=cwd,
            env=env,
        )
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.responses: dict[Any, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.closed = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- reading -------------------------------------------------------------------------
    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                assert length is not None, "server sent a message without Content-Length"
                body = out.read(length)
                message = json.loads(body)
                self._dispatch(message)
        except ValueError:
            if not out.closed:
                raise  # a bad message; reading a pipe the test closed itself is not
        finally:
            self.closed.set()
            with self._cond:
                self._cond.notify_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:  # a request from the server
            method = message["method"]
            result: Any = None
            if method == "workspace/configuration":
                result = [None for _ in message["params"]["items"]]
            with contextlib.suppress(OSError, ValueError):  # the test closed stdin on purpose
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            with self._cond:
                self.notifications.append(message)
                self._cond.notify_all()
            return
        with self._cond:
            if "method" in message:
                self.notifications.append(message)
            else:
                self.responses[message.get("id")] = message
            self._cond.notify_all()

    # -- writing -------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        """Write bytes to the server's stdin as they are."""
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        """Write one framed JSON message."""
        self.send_raw(frame(json.dumps(message).encode()))

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification."""
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request_async(self, method: str, params: Any = None) -> int:
        """Send a request; returns its id."""
        rid = next(self._ids)
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return rid

    def wait_response(self, rid: Any, timeout: float = 15.0) -> dict[str, Any]:
        """The response to request ``rid``; fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed.is_set():
                    raise AssertionError(
                        f"no response to request {rid} within {timeout} s "
                        f"(server exited: {self.proc.poll()})"
                    )
                self._cond.wait(left)
            return self.responses[rid]

    def request(self, method: str, params: Any = None, timeout: float = 15.0) -> Any:
        """Send a request and return its result (fails on an error response)."""
        response = self.wait_response(self.request_async(method, params), timeout)
        assert "error" not in response, response
        return response.get("result")

    def wait_notification(
        self, method: str, accept: Any = lambda _: True, timeout: float = 15.0
    ) -> dict[str, Any]:
        """The first notification of ``method`` whose params ``accept`` holds for."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for n in self.notifications:
                    if n.get("method") == method and accept(n.get("params")):
                        return n
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} notification within {timeout} s")
                self._cond.wait(left)

    # -- session -------------------------------------------------------------------------
    def initialize(self, root: Path | None = None, pull: bool = False) -> dict[str, Any]:
        """initialize + initialized, with a plain editor's capabilities."""
        caps: dict[str, Any] = {
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"versionSupport": True},
            },
            "workspace": {"configuration": True, "workspaceFolders": True},
            "window": {"workDoneProgress": True},
        }
        if pull:
            caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        params: dict[str, Any] = {"processId": os.getpid(), "capabilities": caps,
                                  "rootUri": None}
        if root is not None:
            params["rootUri"] = root.as_uri()
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
        result = self.request("initialize", params, timeout=60)
        self.notify("initialized", {})
        return result  # type: ignore[no-any-return]

    def open(self, uri: str, text: str, language_id: str = "plaintext", version: int = 1) -> None:
        """didOpen."""
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language_id, "version": version, "text": text}})

    def change(self, uri: str, version: int | None, changes: list[dict[str, Any]]) -> None:
        """didChange with the given content changes."""
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def alive(self, uri: str = "file:///nowhere.st", timeout: float = 15.0) -> None:
        """The server still answers a valid request."""
        self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                            "position": {"line": 0, "character": 0}}, timeout)

    def shutdown(self, timeout: float = 15.0) -> int:
        """shutdown + exit; returns the exit code."""
        self.request("shutdown", None, timeout)
        self.notify("exit")
        return self.proc.wait(timeout)

    def close(self) -> None:
        """Make sure the process is gone."""
        if self.proc.poll() is None:
            for stream in (self.proc.stdin,):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._stderr.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
