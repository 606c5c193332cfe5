"""Resident memory of the language server (model off), idle and with work loaded.

Starts the real server (``plantls serve`` over stdio, ``model.backend = "none"``) three
times and reads its resident set size (``VmRSS`` in ``/proc``) once it is idle:

* **idle**: initialized, no workspace folder, no document;
* **5,000-line file open**: the generated file of ``server_latency.py`` opened and checked;
* **ST corpus workspace**: ``../shared/corpus/st`` as the workspace folder (every file
  indexed), one of its files opened and checked.

Target: the idle server under 150 MB without a model. (The figure with the shipped model
belongs to the model runtime's benchmarks.)

Usage: ``.venv/bin/python bench/server_memory.py [--corpus DIR] [--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import LspClient, rss_mb
from st_generate import generate

ROOT = Path(__file__).resolve().parent.parent


async def settled_rss(client: LspClient) -> float:
    """RSS once it has stopped growing (sampled every 0.2 s, at most 5 s)."""
    last = rss_mb(client.pid)
    for _ in range(25):
        await asyncio.sleep(0.2)
        now = rss_mb(client.pid)
        if abs(now - last) < 0.5:
            return now
        last = now
    return last


async def open_and_check(client: LspClient, path: Path, text: str) -> None:
    """Open a document and wait for its diagnostics."""
    uri = path.resolve().as_uri()
    done = client.expect_diagnostics(uri, 1)
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "iec-st", "version": 1, "text": text}},
    )
    await asyncio.wait_for(done, 300)


SHIPPED_MODEL = {
    "model": {"backend": "transformers", "path": str(ROOT / "models" / "plantls-tiny")}
}


async def model_ready(client: LspClient, timeout_s: float = 120.0) -> None:
    """Wait until ``plantls/stats`` says the model is loaded."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        stats, _ = await client.request("plantls/stats", {})
        state = (stats or {}).get("model", {}).get("state")
        if state == "ready":
            return
        if state == "failed":
            raise RuntimeError(f"the model did not load: {stats['model']}")
        await asyncio.sleep(0.5)
    raise TimeoutError("the model did not load in time")


async def measure(
    root: Path | None, document: tuple[Path, str] | None, options: Any = None
) -> float:
    """RSS in MB of a server with this workspace folder, open document and settings."""
    client = await LspClient.start()
    try:
        await client.initialize(root, options)
        if options is not None:
            await model_ready(client)
        if document is not None:
            await open_and_check(client, *document)
        return await settled_rss(client)
    finally:
        await client.shutdown()


async def run(corpus: Path) -> dict[str, float]:
    """The three figures."""
    out = {"idle_mb": await measure(None, None)}
    if (ROOT / "models" / "plantls-tiny" / "config.json").is_file():
        out["idle_shipped_model_mb"] = await measure(None, None, SHIPPED_MODEL)
    with tempfile.TemporaryDirectory(prefix="plantls-bench-") as tmp:
        big = Path(tmp) / "Big.st"
        text = generate(5000)
        big.write_text(text)
        out["big_file_open_mb"] = await measure(Path(tmp), (big, text))
    if corpus.is_dir():
        first = next(p for p in sorted(corpus.rglob("*.st")) if p.is_file())
        out["st_corpus_workspace_mb"] = await measure(
            corpus, (first, first.read_text(encoding="utf-8", errors="replace"))
        )
    return {k: round(v, 1) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "st")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out = asyncio.run(run(args.corpus))
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"server RSS, idle, no model           : {out['idle_mb']:.0f} MB (target < 150 MB)")
    print(f"server RSS, 5,000-line ST file open  : {out['big_file_open_mb']:.0f} MB")
    if "idle_shipped_model_mb" in out:
        print(f"server RSS, idle, shipped model      : {out['idle_shipped_model_mb']:.0f} MB")
    if "st_corpus_workspace_mb" in out:
        print(f"server RSS, ST corpus workspace      : {out['st_corpus_workspace_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
