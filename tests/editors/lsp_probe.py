"""A minimal stdio LSP client: asks a plantls server for its capabilities (and a hover).

The editor tests use it to learn what the server advertises (inline completion, ...) so that
they assert a feature in the editor only when the server offers it.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any


class Probe:
    """Speak JSON-RPC over a server's stdin/stdout, with a deadline on every read."""

    def __init__(self, cmd: list[str], cwd: Path | None = None) -> None:
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd
        )
        self.next_id = 0
        self.notifications: list[dict[str, Any]] = []

    def send(self, msg: dict[str, Any]) -> None:
        body = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method: str, params: Any, timeout: float = 30.0) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.read()
            if msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result")
            if "method" in msg and "id" in msg:  # a request from the server: answer null
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif "method" in msg:
                self.notifications.append(msg)
        raise TimeoutError(method)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait(timeout=5)


def server_capabilities(plantls: str, root: Path, timeout: float = 60.0) -> dict[str, Any]:
    """The ``capabilities`` a ``plantls serve`` answers to a plain initialize."""
    probe = Probe([plantls, "serve"], cwd=root)
    try:
        result = probe.request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
            timeout=timeout,
        )
        probe.notify("initialized", {})
        return dict(result.get("capabilities", {}))
    finally:
        probe.close()
