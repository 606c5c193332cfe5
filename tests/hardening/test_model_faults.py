"""Model faults: an OpenAI-compatible server that sends garbage, truncates or trickles its
stream, and a backend that runs out of memory while generating. Each ends in bounded time
with a result or one clear BackendError; nothing else escapes."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from plantls.ai.backends.base import BackendError, GenerationRequest
from plantls.ai.backends.openai_backend import OpenAIBackend

Scenario = Callable[[http.server.BaseHTTPRequestHandler], None]

MODELS = b'{"data": [{"id": "tiny"}]}'


def _sse(handler: http.server.BaseHTTPRequestHandler, lines: list[bytes]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for line in lines:
        handler.wfile.write(line + b"\n\n")
        handler.wfile.flush()


def garbage(handler: http.server.BaseHTTPRequestHandler) -> None:
    _sse(handler, [
        b"data: [1, 2]", b'data: "text"', b"data: {not json", b'data: {"choices": [5, null]}',
        b'data: {"choices": [{"text": 7}], "usage": "many"}', b"event: ping",
        b'data: {"choices": [{"text": "ok"}]}', b"data: [DONE]",
    ])


def truncated(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Content-Length", "10000")
    handler.end_headers()
    handler.wfile.write(b'data: {"choices": [{"text": "par"}]}\n\ndata: {"choi')
    handler.wfile.flush()
    handler.close_connection = True


def trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b'data: {"choices": [{"text": "x"}]}\n\n')
        handler.wfile.flush()
        time.sleep(0.2)


def html(handler: http.server.BaseHTTPRequestHandler) -> None:
    body = b"<html><body>502 Bad Gateway</body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def server_error(handler: http.server.BaseHTTPRequestHandler) -> None:
    body = b"upstream exploded"
    handler.send_response(500)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def serve() -> Iterator[Callable[[Scenario], str]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(scenario: Scenario) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(MODELS)))
                self.end_headers()
                self.wfile.write(MODELS)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    scenario(self)

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _generate(url: str, timeout_s: float = 2.0) -> tuple[object, float]:
    backend = OpenAIBackend(url, timeout_s=timeout_s)
    backend.load()
    t0 = time.perf_counter()
    try:
        return backend.generate(GenerationRequest("PROGRAM P\n", 16)), time.perf_counter() - t0
    except BackendError as exc:
        return exc, time.perf_counter() - t0
    finally:
        backend.close()


def test_garbage_events_are_skipped(serve: Callable[[Scenario], str]) -> None:
    result, _ = _generate(serve(garbage))
    assert not isinstance(result, BackendError), result
    assert result.text == "ok"  # type: ignore[attr-defined]


def test_truncated_stream_ends_cleanly(serve: Callable[[Scenario], str]) -> None:
    result, seconds = _generate(serve(truncated))
    assert seconds < 5
    if isinstance(result, BackendError):
        assert "model server" in str(result)
    else:
        assert result.text == "par"  # type: ignore[attr-defined]


def test_trickling_stream_is_bounded(serve: Callable[[Scenario], str]) -> None:
    result, seconds = _generate(serve(trickle), timeout_s=1.0)
    assert isinstance(result, BackendError)
    assert "did not finish within 1 s" in str(result)
    assert seconds < 3


def test_html_instead_of_a_stream(serve: Callable[[Scenario], str]) -> None:
    result, _ = _generate(serve(html))
    assert not isinstance(result, BackendError) and result.text == ""  # type: ignore[attr-defined]


def test_server_error_is_one_clear_message(serve: Callable[[Scenario], str]) -> None:
    result, _ = _generate(serve(server_error))
    assert isinstance(result, BackendError)
    assert "HTTP 500" in str(result) and "upstream exploded" in str(result)


def test_out_of_memory_while_generating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    torch = pytest.importorskip("torch")
    sys.path.insert(0, str(Path(__file__).parents[1] / "ai"))
    import tiny_model

    from plantls.ai.backends.transformers_backend import TransformersBackend

    backend = TransformersBackend(str(tiny_model.cached()))
    backend.load()

    def oom(*args: object, **kwargs: object) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(backend._model, "generate", oom)
    with pytest.raises(BackendError, match="out of memory while generating"):
        backend.generate(GenerationRequest("PROGRAM P\n", 8))
    monkeypatch.undo()
    result = backend.generate(GenerationRequest("PROGRAM P\n", 4))  # still usable afterwards
    assert result.generated_tokens <= 4
    backend.close()
