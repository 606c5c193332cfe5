"""Server latency on a 5,000-line ST file: ``didChange`` to ``publishDiagnostics``, and hover
idle against hover under a typing storm.

Drives the real server (``plantls serve`` over stdio, model off) with a small JSON-RPC client
(:mod:`lsp_client`). The file comes from :mod:`st_generate` (no corpus needed); it is opened
from a temporary workspace folder.

1. **Edits at a pause**: ``--edits`` single keystrokes (a digit typed into a statement in the
   middle of the file, incremental sync), each followed by a wait for ``publishDiagnostics``
   of that version and a pause. Latency: from sending ``didChange`` to receiving the
   diagnostics. Every 10th keystroke is an Enter (a new line: every later line moves).
2. **Hover idle**: ``--hovers`` hovers on a variable, one at a time.
3. **Hover under a typing storm**: a keystroke every ``--storm-interval`` ms for
   ``--storm-seconds``, with a hover every 100 ms at the same time; hover latency, and the
   time from the last keystroke to the diagnostics of the last version.

Usage: ``.venv/bin/python bench/server_latency.py [--lines 5000] [--edits 40] [--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import LspClient
from st_generate import generate


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    """p50, p95, max and mean in milliseconds."""
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }


class Editor:
    """The open document as the client sees it: types digits into one statement."""

    def __init__(self, client: LspClient, uri: str, text: str) -> None:
        self.client = client
        self.uri = uri
        self.lines = text.split("\n")
        self.version = 1
        middle = len(self.lines) // 2
        self.line = next(
            i for i in range(middle, len(self.lines)) if "nCycles := nCycles + 1;" in self.lines[i]
        )
        self.col = self.lines[self.line].index("+ 1") + 3
        self.hover_line = next(
            i for i in range(self.line, 0, -1) if "fSum := fSum + aAxes" in self.lines[i]
        )
        self.hover_col = self.lines[self.hover_line].index("fSum") + 1
        self.keys = 0

    def keystroke(self) -> tuple[int, float]:
        """Type one key (a digit, or Enter every 10th key); the version and the send time."""
        self.keys += 1
        self.version += 1
        if self.keys % 10 == 0:
            # Enter after the statement: a new, empty line below it
            at = len(self.lines[self.line])
            change = {"range": _range(self.line, at, self.line, at), "text": "\n"}
            self.lines.insert(self.line + 1, "")
        else:
            digit = str(self.keys % 10)
            change = {"range": _range(self.line, self.col, self.line, self.col), "text": digit}
            text = self.lines[self.line]
            self.lines[self.line] = text[: self.col] + digit + text[self.col :]
            self.col += 1
        sent = self.client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [change],
            },
        )
        return self.version, sent

    async def hover(self) -> float:
        """Hover on ``fSum``; the seconds until the answer."""
        result, elapsed = await self.client.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": self.uri},
                "position": {"line": self.hover_line, "character": self.hover_col},
            },
        )
        if not result:
            raise RuntimeError("hover returned nothing")
        return elapsed


def _range(sl: int, sc: int, el: int, ec: int) -> dict[str, Any]:
    return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """The three phases against one server process."""
    text = generate(args.lines)
    with tempfile.TemporaryDirectory(prefix="plantls-bench-") as tmp:
        path = Path(tmp) / "Big.st"
        path.write_text(text)
        uri = path.resolve().as_uri()
        client = await LspClient.start()
        try:
            await client.initialize(Path(tmp))
            first = client.expect_diagnostics(uri, 1)
            t0 = client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "iec-st", "version": 1, "text": text}},
            )
            open_s = await asyncio.wait_for(first, 60) - t0
            editor = Editor(client, uri, text)
            await asyncio.sleep(0.5)

            # 1. keystrokes at a pause
            latencies = []
            for _ in range(args.edits):
                fut = client.expect_diagnostics(uri, editor.version + 1)
                _, sent = editor.keystroke()
                latencies.append(await asyncio.wait_for(fut, 30) - sent)
                await asyncio.sleep(args.pause)
            findings = len(client.diagnostics[uri][1])

            # 2. hover idle
            idle = []
            for _ in range(args.hovers):
                idle.append(await editor.hover())
                await asyncio.sleep(0.05)

            # 3. hover under a typing storm
            storm: list[float] = []
            stop = time.perf_counter() + args.storm_seconds

            async def typist() -> tuple[int, float]:
                last = (editor.version, time.perf_counter())
                while time.perf_counter() < stop:
                    last = editor.keystroke()
                    await asyncio.sleep(args.storm_interval / 1000)
                return last

            async def hoverer() -> None:
                while time.perf_counter() < stop:
                    storm.append(await editor.hover())
                    await asyncio.sleep(0.1)

            typed = asyncio.create_task(typist())
            await hoverer()
            last_version, last_sent = await typed
            settle = client.expect_diagnostics(uri, last_version)
            if (client.diagnostics[uri][0] or 0) >= last_version:
                settle_s = client.diagnostics[uri][2] - last_sent
            else:
                settle_s = await asyncio.wait_for(settle, 30) - last_sent
        finally:
            await client.shutdown()
    return {
        "lines": text.count("\n") + 1,
        "open_to_diagnostics_ms": round(open_s * 1000, 1),
        "findings": findings,
        "change_to_diagnostics": summary(latencies),
        "hover_idle": summary(idle),
        "hover_typing_storm": summary(storm),
        "storm": {
            "keystrokes": editor.keys - args.edits,
            "interval_ms": args.storm_interval,
            "last_keystroke_to_diagnostics_ms": round(settle_s * 1000, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between edits")
    parser.add_argument("--hovers", type=int, default=30)
    parser.add_argument("--storm-seconds", type=float, default=3.0)
    parser.add_argument("--storm-interval", type=float, default=30.0, help="ms per keystroke")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out = asyncio.run(run(args))
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    c, hi, hs = out["change_to_diagnostics"], out["hover_idle"], out["hover_typing_storm"]
    print(f"ST file of {out['lines']:,} lines, {out['findings']} findings")
    print(f"  didOpen -> publishDiagnostics      : {out['open_to_diagnostics_ms']:.0f} ms")
    print(
        f"  didChange -> publishDiagnostics    : p50 {c['p50_ms']:.1f} ms, "
        f"p95 {c['p95_ms']:.1f} ms "
        f"(n={c['n']}, max {c['max_ms']:.0f} ms; target p95 < 50 ms)"
    )
    print(
        f"  hover, idle                        : p50 {hi['p50_ms']:.1f} ms, "
        f"p95 {hi['p95_ms']:.1f} ms"
    )
    print(
        f"  hover, typing storm ({out['storm']['interval_ms']:.0f} ms/key)    : "
        f"p50 {hs['p50_ms']:.1f} ms, p95 {hs['p95_ms']:.1f} ms (n={hs['n']})"
    )
    print(
        f"  storm: last keystroke -> diagnostics: "
        f"{out['storm']['last_keystroke_to_diagnostics_ms']:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
