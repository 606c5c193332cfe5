"""The openai backend against a real ``transformers serve`` on loopback with the tiny model
(not a mock), and against a server that is down or never answers."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from plantls.ai.backends.base import BackendError, CancelToken, GenerationRequest
from plantls.ai.backends.openai_backend import OpenAIBackend

START_TIMEOUT_S = 150


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tiny_model_dir: Path) -> Iterator[str]:
    """``transformers serve MODEL_DIR`` on 127.0.0.1, offline; yields its base URL."""
    exe = Path(sys.executable).parent / "transformers"
    if not exe.exists() and shutil.which("transformers") is None:
        pytest.skip("the transformers CLI is not installed")
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(
        [str(exe if exe.exists() else "transformers"), "serve", str(tiny_model_dir),
         "--host", "127.0.0.1", "--port", str(port), "--device", "cpu"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                pytest.fail(f"transformers serve exited: {err}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail("transformers serve did not start in time")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_completions_against_transformers_serve(served: str, tiny_model_dir: Path) -> None:
    backend = OpenAIBackend(served + "/v1", timeout_s=60, tokenizer_path=str(tiny_model_dir))
    backend.load()
    assert backend.model == str(tiny_model_dir)  # picked from /v1/models
    assert backend.tokenizer() is not None
    result = backend.generate(
        GenerationRequest("PROGRAM P_Motor\nVAR\n", max_new_tokens=12, stop=("END_VAR",))
    )
    assert result.text
    assert 0 < result.generated_tokens <= 12
    assert result.prompt_tokens > 0
    assert result.extra["endpoint"] == "/v1/completions"
    assert "END_VAR" not in result.text


def test_cancellation_closes_the_stream(served: str) -> None:
    backend = OpenAIBackend(served, timeout_s=60)
    backend.load()
    token = CancelToken()
    threading.Timer(0.0, token.cancel).start()
    time.sleep(0.05)
    result = backend.generate(GenerationRequest("PROGRAM P\n", max_new_tokens=200), token)
    assert result.finish == "cancelled"
    assert result.generated_tokens < 200


def test_server_down() -> None:
    backend = OpenAIBackend(f"http://127.0.0.1:{free_port()}", timeout_s=2)
    with pytest.raises(BackendError, match="does not answer"):
        backend.load()


def test_server_slow() -> None:
    """A server that accepts connections and never answers: a timeout, not a hang."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    port = sock.getsockname()[1]
    try:
        backend = OpenAIBackend(f"http://127.0.0.1:{port}", timeout_s=1)
        t0 = time.monotonic()
        with pytest.raises(BackendError):
            backend.load()
        assert time.monotonic() - t0 < 10
    finally:
        sock.close()


def test_api_key_from_env_never_in_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANTLS_TEST_KEY", raising=False)
    with pytest.raises(BackendError, match="PLANTLS_TEST_KEY"):
        OpenAIBackend("http://127.0.0.1:1", api_key_env="PLANTLS_TEST_KEY").load()
    monkeypatch.setenv("PLANTLS_TEST_KEY", "sk-secret-value")
    backend = OpenAIBackend(f"http://127.0.0.1:{free_port()}", api_key_env="PLANTLS_TEST_KEY",
                            timeout_s=1)
    with pytest.raises(BackendError) as info:
        backend.load()
    assert "sk-secret-value" not in str(info.value)
    assert backend._client.headers["Authorization"] == "Bearer sk-secret-value"
