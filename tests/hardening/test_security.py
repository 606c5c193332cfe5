"""Security promises (SECURITY.md): no network, loopback-only TCP unless told otherwise.

The engine sandbox has its own file (test_dss_sandbox.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from session_support import cli, copy_examples, editor_session

from plantls.cli.main import main

pytestmark = pytest.mark.timeout(300)

HERE = Path(__file__).resolve().parent
GUARD = HERE / "netguard"


def guarded_env(log: Path) -> dict[str, str]:
    """Environment that loads the network guard in every Python process plantls starts
    (a copy of the guard beside the log, so that children with a clean environment log
    to the same file)."""
    guard = log.parent / "netguard"
    guard.mkdir(exist_ok=True)
    shutil.copyfile(GUARD / "sitecustomize.py", guard / "sitecustomize.py")
    (guard / "log_path.txt").write_text(str(log))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(guard), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env["PLANTLS_NETGUARD_LOG"] = str(log)
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(proxy, None)
    return env


def attempts(log: Path) -> tuple[int, list[dict[str, object]]]:
    """How many processes loaded the guard, and the network attempts they logged."""
    records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    loaded = len({r["pid"] for r in records if r["event"] == "loaded"})
    return loaded, [r for r in records if r["event"] != "loaded"]


def test_guard_catches_a_connection(tmp_path: Path) -> None:
    """The guard itself works (so a silent log below means something)."""
    log = tmp_path / "net.log"
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), 1)\n" \
           "except OSError as e:\n    print(e)\n"
    subprocess.run([sys.executable, "-c", code], env=guarded_env(log), check=True, timeout=60)
    loaded, tried = attempts(log)
    assert loaded == 1 and len(tried) == 1


def test_check_in_process_makes_no_connection(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_examples(tmp_path)
    tried: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        if self.family != getattr(socket, "AF_UNIX", -1):
            tried.append(address)
        raise OSError("network guard")

    def refuse_lookup(host: object, *args: object, **kwargs: object) -> list[object]:
        tried.append(host)
        raise OSError("network guard")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", str(root)]) in (0, 1)
    assert tried == []


def test_check_and_engine_subprocesses_make_no_connection(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    log = tmp_path / "net.log"
    cli("check", "--engine", str(root), env=guarded_env(log), cwd=tmp_path)
    loaded, tried = attempts(log)
    assert loaded >= 2, "the guard did not load in the CLI and the engine worker"
    assert tried == []


def test_server_session_makes_no_connection(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    (root / "plantls.toml").write_text("[dss]\nengine = true\n")
    log = tmp_path / "net.log"
    editor_session(root, env=guarded_env(log))
    loaded, tried = attempts(log)
    assert loaded >= 1, "the guard did not load in the server"
    assert tried == [], tried


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on ``port``."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr, _, hexport = local.rpartition(":")
            if state == "0A" and int(hexport, 16) == port:
                out.add(addr)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("arg", "expected"), [
    ("{port}", {"0100007F"}),  # port only: 127.0.0.1
    ("127.0.0.2:{port}", {"0200007F"}),  # a host that is given is used
])
def test_tcp_binds_loopback_unless_told(tmp_path: Path, arg: str, expected: set[str]) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "plantls", "serve", "--tcp",
                             arg.format(port=port)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            assert proc.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server never listened"
            time.sleep(0.1)
        assert _listening(port) == expected
    finally:
        proc.kill()
        proc.wait(10)
