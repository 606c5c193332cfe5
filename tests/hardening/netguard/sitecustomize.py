"""Network guard for plantls processes started by the hardening tests (via PYTHONPATH).

Any connection to, or datagram for, a non-loopback address, and any name lookup of a
non-local host, is logged to ``$PLANTLS_NETGUARD_LOG`` (one JSON line each) and refused
with an OSError. Loopback and Unix sockets (asyncio's self-pipe) stay allowed. Child
processes that get a cleaned environment find the log through ``log_path.txt`` beside this
file. The log's first line records that the guard was loaded, so a test can tell it ran.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import traceback


def _log_path() -> str | None:
    """From the environment, else from ``log_path.txt`` beside this file (child processes
    such as the OpenDSS engine worker get a cleaned environment but the same sys.path)."""
    found = os.environ.get("PLANTLS_NETGUARD_LOG")
    if found:
        return found
    beside = os.path.join(os.path.dirname(os.path.abspath(__file__)), "log_path.txt")
    try:
        with open(beside, encoding="utf-8") as f:
            return f.read().strip() or None
    except OSError:
        return None


_LOG = _log_path()
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _write(record: dict[str, object]) -> None:
    if not _LOG:
        return
    record["pid"] = os.getpid()
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def _is_local_host(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    name = str(host).strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        addr = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return addr.is_loopback or addr.is_unspecified


def _check(what: str, family: int, address: object) -> None:
    if family == getattr(socket, "AF_UNIX", -1):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if _is_local_host(host):
        return
    _write({"event": what, "address": repr(address), "stack": traceback.format_stack()[-8:]})
    raise OSError(f"plantls network guard: {what} to {address!r} refused")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_sendto = socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def connect(self: socket.socket, address: object) -> None:
    _check("connect", self.family, address)
    _connect(self, address)  # type: ignore[arg-type]


def connect_ex(self: socket.socket, address: object) -> int:
    _check("connect", self.family, address)
    return _connect_ex(self, address)  # type: ignore[arg-type]


def sendto(self: socket.socket, *args: object) -> int:
    _check("sendto", self.family, args[-1])
    return _sendto(self, *args)  # type: ignore[arg-type]


def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
    if not _is_local_host(host):
        _write({"event": "getaddrinfo", "address": repr(host),
                "stack": traceback.format_stack()[-8:]})
        raise OSError(f"plantls network guard: name lookup of {host!r} refused")
    return _getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
socket.socket.sendto = sendto  # type: ignore[method-assign]
socket.getaddrinfo = getaddrinfo
_write({"event": "loaded"})
