"""OpenAI-compatible server backend (vLLM, TGI, llama.cpp server, ``transformers serve``).

Uses ``/v1/completions`` (with ``suffix`` for fill-in-the-middle where the server supports it),
streamed so that cancellation closes the connection and the server stops generating. Servers
that only serve chat (``/v1/chat/completions``) are used through that endpoint instead. The API
key is read from the environment variable named in ``model.api_key_env`` and never logged.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from plantls.ai.backends.base import (
    BackendError,
    CancelToken,
    GenerationRequest,
    GenerationResult,
    Tokenizer,
)


def _base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    return url


class OpenAIBackend:
    """A model behind an OpenAI-compatible HTTP API."""

    name = "openai"

    def __init__(
        self,
        url: str,
        model: str = "",
        api_key_env: str = "",
        timeout_s: float = 10.0,
        tokenizer_path: str = "",
    ) -> None:
        self.url = _base_url(url)
        self.model = model
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.tokenizer_path = tokenizer_path
        self.endpoint = "/v1/completions"
        self.context_length: int | None = None
        self.has_chat_template = False
        self._tok: Any = None
        self._client: Any = None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key_env:
            key = os.environ.get(self.api_key_env, "")
            if not key:
                raise BackendError(
                    f"model.api_key_env names {self.api_key_env}, but that environment "
                    "variable is not set"
                )
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def load(self) -> None:
        """Check that the server answers and pick the model and endpoint."""
        if not self.url.startswith(("http://", "https://")):
            raise BackendError(f"model.url {self.url!r} must start with http:// or https://")
        try:
            import httpx
        except ImportError:
            raise BackendError("the openai backend needs httpx; install it") from None
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout_s, connect=min(3.0, self.timeout_s)),
            headers=self._headers(),
            trust_env=False,
        )
        try:
            response = self._client.get(self.url + "/v1/models")
        except httpx.HTTPError as exc:
            raise BackendError(
                f"the model server at {self.url} does not answer ({type(exc).__name__}); "
                "start it or fix model.url"
            ) from None
        if response.status_code in (401, 403):
            raise BackendError(
                f"the model server at {self.url} refused the API key "
                f"(HTTP {response.status_code}); check {self.api_key_env or 'model.api_key_env'}"
            )
        if response.status_code == 200:
            try:
                models = [m.get("id", "") for m in response.json().get("data", [])]
            except (ValueError, AttributeError):
                models = []
            if not self.model and models:
                self.model = models[0]
        if self.tokenizer_path:
            self._load_tokenizer()

    def _load_tokenizer(self) -> None:
        from plantls.ai.backends.transformers_backend import force_offline

        force_offline()
        try:
            from transformers import AutoTokenizer

            self._tok = AutoTokenizer.from_pretrained(
                self.tokenizer_path, local_files_only=True, trust_remote_code=False
            )
            self.has_chat_template = bool(getattr(self._tok, "chat_template", None))
        except Exception:
            self._tok = None

    def tokenizer(self) -> Tokenizer | None:
        """A local copy of the served model's tokenizer (from model.path), if any."""
        tok: Tokenizer | None = self._tok
        return tok

    def _body(self, request: GenerationRequest, chat: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_new_tokens,
            "temperature": request.temperature,
            "stream": True,
        }
        if request.stop:
            body["stop"] = list(request.stop[:4])  # the OpenAI API takes at most four
        if chat:
            body["messages"] = [
                {
                    "role": "system",
                    "content": "Continue the code. Answer with the continuation only.",
                },
                {"role": "user", "content": request.prompt},
            ]
        else:
            body["prompt"] = request.prompt
            if request.suffix:
                body["suffix"] = request.suffix
        return body

    def generate(
        self, request: GenerationRequest, cancel: CancelToken | None = None
    ) -> GenerationResult:
        """Stream a completion; closing the stream on cancellation stops the server's work."""
        import httpx

        if self._client is None:
            raise BackendError("the model server is not connected")
        t0 = time.perf_counter()
        chat = self.endpoint.endswith("chat/completions")
        first: float | None = None
        parts: list[str] = []
        chunks = 0
        finish: Any = "length"
        usage: dict[str, Any] = {}
        try:
            with self._client.stream(
                "POST", self.url + self.endpoint, json=self._body(request, chat)
            ) as response:
                if response.status_code == 404 and not chat:
                    response.close()
                    self.endpoint = "/v1/chat/completions"
                    return self.generate(request, cancel)
                if response.status_code >= 400:
                    response.read()
                    raise BackendError(
                        f"the model server answered HTTP {response.status_code}: "
                        f"{response.text[:200]}"
                    )
                for line in response.iter_lines():
                    if cancel is not None and cancel.cancelled:
                        finish = "cancelled"
                        break
                    if time.perf_counter() - t0 > self.timeout_s:
                        # A stream that trickles forever never trips the read timeout.
                        raise BackendError(
                            f"the model server at {self.url} did not finish within "
                            f"{self.timeout_s:g} s"
                        )
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        event = json.loads(data)
                    except ValueError:
                        continue
                    if not isinstance(event, dict):
                        continue  # not an OpenAI event: ignore it
                    reported = event.get("usage")
                    if isinstance(reported, dict):
                        usage = reported
                    choices = event.get("choices")
                    for choice in choices if isinstance(choices, list) else []:
                        if not isinstance(choice, dict):
                            continue
                        piece = choice.get("text")
                        if piece is None:
                            delta = choice.get("delta")
                            piece = delta.get("content") if isinstance(delta, dict) else ""
                        if not isinstance(piece, str):
                            piece = ""
                        if piece:
                            if first is None:
                                first = time.perf_counter() - t0
                            parts.append(piece)
                            chunks += 1
                        if choice.get("finish_reason") == "stop":
                            finish = "stop"
        except httpx.TimeoutException:
            raise BackendError(
                f"the model server at {self.url} did not answer within {self.timeout_s:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise BackendError(
                f"the model server at {self.url} failed ({type(exc).__name__})"
            ) from None
        text = "".join(parts)
        cut = min((text.find(s) for s in request.stop if s in text), default=-1)
        if cut >= 0:
            text, finish = text[:cut], "stop"
        prompt_tokens = int(usage.get("prompt_tokens") or 0)
        generated = int(usage.get("completion_tokens") or 0) or chunks
        if not prompt_tokens and self._tok is not None:
            prompt_tokens = len(self._tok.encode(request.prompt, add_special_tokens=False))
        return GenerationResult(
            text=text,
            prompt_tokens=prompt_tokens,
            generated_tokens=generated,
            seconds=time.perf_counter() - t0,
            first_token_seconds=first,
            finish=finish,
            extra={"endpoint": self.endpoint, "server": self.url},
        )

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None
