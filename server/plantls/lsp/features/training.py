"""Fine-tuning from the editor: the ``plantls.fineTune`` command, with work-done progress.

The command trains a LoRA adapter on the workspace's files exactly as ``plantls train`` does
(same code, same atomic, versioned output), in a worker thread so the server keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from plantls.core.documents import uri_to_path
from plantls.lsp.features.indexing import CLIENT_TIMEOUT_S

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

COMMAND = "plantls.fineTune"
ADAPTER_FOLDER = Path(".plantls") / "adapters" / "workspace"
DEFAULT_STEPS = 200
SHIPPED_BASE = Path(__file__).resolve().parents[4] / "models" / "plantls-tiny"
"""The embedded default model, when plantls runs from a source checkout."""


def _steps(args: tuple[Any, ...]) -> int:
    """``max_steps`` from the command's argument object, else the default."""
    for arg in args:
        if isinstance(arg, dict) and isinstance(arg.get("max_steps"), int) and arg["max_steps"] > 0:
            return int(arg["max_steps"])
    return DEFAULT_STEPS


def _folders(args: tuple[Any, ...], server: PlantLanguageServer) -> list[Path]:
    """The folders to train on: ``[{"folders": [uri, ...]}]`` or the workspace roots."""
    found: list[Path] = []
    for arg in args:
        uris = arg.get("folders", []) if isinstance(arg, dict) else []
        for uri in uris if isinstance(uris, list) else []:
            path = uri_to_path(str(uri))
            if path is not None and path.is_dir():
                found.append(path)
    return found or list(server.core.roots)


def base_model(server: PlantLanguageServer) -> Path | None:
    """The configured local model directory, else the shipped plantls-tiny, else None."""
    configured = server.core.settings.model.path
    if configured:
        path = Path(configured).expanduser()
        return path if path.exists() else None
    return SHIPPED_BASE if (SHIPPED_BASE / "config.json").is_file() else None


def register(server: PlantLanguageServer) -> None:
    """Register the fine-tune command."""
    running: set[str] = set()

    @server.command(COMMAND)
    async def fine_tune(*args: Any) -> dict[str, Any]:
        if running:
            return {"error": "a fine-tuning run is already in progress"}
        folders = _folders(args, server)
        base = base_model(server)
        if not folders:
            return {"error": "open a folder to fine-tune on its files"}
        if base is None:
            return {"error": "no base model: set model.path to a local model directory"}
        token = f"plantls-train-{uuid.uuid4()}"
        running.add(token)
        try:
            return await _train(server, token, folders, base, _steps(args))
        finally:
            running.discard(token)


async def _train(
    server: PlantLanguageServer, token: str, folders: list[Path], base: Path, steps: int
) -> dict[str, Any]:
    try:
        from plantls.train.trainer import TrainConfig, train_adapter
    except ImportError as exc:  # the model extra is not installed
        return {"error": f"fine-tuning needs the model extra (pip install 'plantls[model]'): {exc}"}
    loop = asyncio.get_running_loop()
    shown = await _begin(server, token, f"base {base.name}, {len(folders)} folder(s)")
    cfg = TrainConfig(max_steps=steps)

    def on_step(step: int, loss: float) -> None:
        if shown:
            loop.call_soon_threadsafe(_report, server, token, step, steps, loss)

    out = folders[0] / ADAPTER_FOLDER
    try:
        result = await loop.run_in_executor(
            None,
            lambda: train_adapter(folders, base, out, cfg, on_step=on_step, progress=False),
        )
    except Exception as exc:
        message = f"fine-tuning failed: {exc}"
        server.show(message)
        _end(server, token, shown, message)
        return {"error": message}
    summary = {
        "adapter": str(result.out),
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "trainable_share": round(result.trainable_share, 4),
    }
    _end(server, token, shown, f"adapter written to {result.out}")
    server.log(f"fine-tuning finished: {summary}")
    return summary


async def _begin(server: PlantLanguageServer, token: str, message: str) -> bool:
    if not server.client_supports("window.work_done_progress"):
        return False
    try:
        await asyncio.wait_for(server.work_done_progress.create_async(token), CLIENT_TIMEOUT_S)
    except Exception as exc:
        server.log(f"cannot create progress: {exc!r}")
        return False
    server.work_done_progress.begin(
        token,
        types.WorkDoneProgressBegin(
            title="plantls: fine-tuning", message=message, percentage=0, cancellable=False
        ),
    )
    return True


def _report(server: PlantLanguageServer, token: str, step: int, steps: int, loss: float) -> None:
    with contextlib.suppress(Exception):
        server.work_done_progress.report(
            token,
            types.WorkDoneProgressReport(
                message=f"step {step}/{steps}, loss {loss:.3f}",
                percentage=min(100, round(100 * step / steps)),
            ),
        )


def _end(server: PlantLanguageServer, token: str, shown: bool, message: str) -> None:
    if shown:
        with contextlib.suppress(Exception):
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
