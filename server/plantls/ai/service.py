"""The loaded model: background loading, its state, and the one worker thread that runs it.

All model calls go through :attr:`ModelService.executor` (one thread), so a backend never runs
two generations at once and requests queue in order; the queue time is measured.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

from plantls.ai.backends import create_backend
from plantls.ai.backends.base import Backend, BackendError
from plantls.ai.telemetry import EnergyMeter, Telemetry
from plantls.core.settings import ModelSettings, Settings

State = Literal["none", "loading", "ready", "failed"]


class ModelService:
    """One configured model and its lifecycle. Never raises for model problems: they end in
    state ``failed`` with :attr:`error`, a message for the user."""

    def __init__(
        self, settings: Settings | None = None, telemetry: Telemetry | None = None
    ) -> None:
        self.settings = settings or Settings()
        self.telemetry = telemetry or Telemetry(
            log=self.settings.telemetry.log, max_kb=self.settings.telemetry.log_max_kb
        )
        self.backend: Backend | None = None
        self.state: State = "none"
        self.error = ""
        self.notes: list[str] = []
        self.load_seconds = 0.0
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="plantls-model"
        )
        self.loaded = threading.Event()
        self._generation = 0
        self.energy = EnergyMeter(self.settings.telemetry.watts_per_core)

    # -- configuration ------------------------------------------------------------------------
    @property
    def model_settings(self) -> ModelSettings:
        """The model part of the settings."""
        return self.settings.model

    def configure(self, settings: Settings) -> bool:
        """Take new settings; True when the model must be (re)loaded."""
        changed = settings.model != self.settings.model
        self.settings = settings
        self.energy.watts_per_core = settings.telemetry.watts_per_core
        return changed or (self.state == "none" and settings.model.backend != "none")

    @property
    def ready(self) -> bool:
        """True when a model is loaded and answers."""
        return self.state == "ready" and self.backend is not None

    def describe(self) -> str:
        """``transformers: /path (+ adapter)`` for messages."""
        m = self.model_settings
        where = m.url if m.backend == "openai" else m.path
        adapter = f" + adapter {m.adapter}" if m.adapter else ""
        return f"{m.backend}: {where}{adapter}"

    # -- loading ------------------------------------------------------------------------------
    def load(self, progress: Callable[[str], None] | None = None) -> State:
        """Create and load the configured backend (blocking). Returns the new state."""
        self._generation += 1
        mine = self._generation
        old, self.backend = self.backend, None
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()
        self.loaded.clear()
        self.error, self.notes = "", []
        if self.model_settings.backend == "none":
            self.state = "none"
            self.loaded.set()
            return self.state
        self.state = "loading"
        t0 = time.perf_counter()
        try:
            if progress:
                progress(f"loading {self.describe()}")
            backend = create_backend(self.model_settings)
            if backend is None:
                self.state = "none"
                return self.state
            backend.load()
        except BackendError as exc:
            if mine == self._generation:
                self.state, self.error = "failed", str(exc)
            return self.state
        except MemoryError:
            self.state, self.error = "failed", f"out of memory loading {self.describe()}"
            return self.state
        except Exception as exc:  # a library bug must not take the server down
            self.state = "failed"
            self.error = f"cannot load {self.describe()}: {type(exc).__name__}: {exc}"
            return self.state
        finally:
            self.load_seconds = time.perf_counter() - t0
            self.loaded.set()
        if mine != self._generation:  # settings changed while loading
            backend.close()
            return self.state
        self.backend = backend
        self.notes = list(getattr(backend, "notes", []) or [])
        device = getattr(backend, "device", "cpu")
        self.energy.device = device if isinstance(device, str) else "cpu"
        self.state = "ready"
        return self.state

    def load_in_background(
        self,
        progress: Callable[[str], None] | None = None,
        done: Callable[[State], None] | None = None,
    ) -> concurrent.futures.Future[State]:
        """Load on the worker thread (so requests queue behind it); ``done`` gets the state."""
        self.state = "loading" if self.model_settings.backend != "none" else "none"

        def job() -> State:
            state = self.load(progress)
            if done is not None:
                done(state)
            return state

        return self.executor.submit(job)

    def fail(self, message: str) -> None:
        """Mark the model as failed at run time (a server that went down)."""
        self.state, self.error = "failed", message

    # -- capabilities -------------------------------------------------------------------------
    def prose_allowed(self) -> bool:
        """Whether model-written prose may be shown (``model.prose``; ``auto``: only for
        instruction-tuned models, recognised by a chat template)."""
        mode = self.model_settings.prose
        if mode == "off" or not self.ready:
            return False
        if mode == "on":
            return True
        return bool(getattr(self.backend, "has_chat_template", False))

    def info(self) -> dict[str, Any]:
        """Model state for ``plantls/stats`` (just ``{"state": "none"}`` without a model)."""
        if self.model_settings.backend == "none" and self.state == "none":
            return {"state": "none"}
        out: dict[str, Any] = {
            "state": self.state,
            "backend": self.model_settings.backend,
            "path": self.model_settings.path,
            "adapter": self.model_settings.adapter,
        }
        if self.model_settings.backend == "openai":
            out["url"] = self.model_settings.url
        if self.error:
            out["error"] = self.error
        if self.notes:
            out["notes"] = list(self.notes)
        if self.state in ("ready", "failed"):
            out["load_seconds"] = round(self.load_seconds, 2)
        if self.backend is not None:
            out["device"] = getattr(self.backend, "device", "cpu")
            out["prose"] = self.prose_allowed()
        return out

    def close(self) -> None:
        """Free the model and stop the worker."""
        self._generation += 1
        if self.backend is not None:
            with contextlib.suppress(Exception):
                self.backend.close()
        self.backend = None
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.telemetry.close()
