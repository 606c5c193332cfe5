"""End-to-end: the plantls extension (.vsix) in a real VS Code (code-server 4.100.3 = VS Code
1.100.3), driven headless by Debian's Chromium through playwright-core.

The test installs clients/vscode/plantls.vsix into a fresh code-server, starts code-server on a
loopback port with .venv/bin on PATH (so the extension finds `plantls` there), opens a copy of
the example bottling line's PLC folder and checks, in the browser: plantls's findings with
their codes in the Problems panel, the hover on ``TON``, an inline completion (only when the
server advertises one), the status bar item and the commands. Screenshots and logs go to
$PLANTLS_ARTIFACTS or tests/editors/artifacts/vscode/. Everything it starts, it stops.

Install: ``make e2e`` (``make test`` runs it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from editor_support import CLIENTS, PLC, ROOT, editor_env, missing

HERE = Path(__file__).parent / "vscode"
CODE_SERVER = HERE / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = HERE / "node_modules" / "playwright-core"
VSIX = CLIENTS / "vscode" / "plantls.vsix"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TINY_MODEL = ROOT / "models" / "plantls-tiny"
E2E_TIMEOUT_S = 420

pytestmark = pytest.mark.timeout(E2E_TIMEOUT_S + 120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"code-server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("code-server did not answer /healthz")


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started with start_new_session and everything it started."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


INLINE_PREFIX = "fbFillTimer("


def inline_document() -> tuple[str, int, int]:
    """FB_Filler.st as the e2e types into it: INLINE_PREFIX on a new line before
    END_FUNCTION_BLOCK (auto-indent and auto-closing are off in the test's settings)."""
    lines = (PLC / "FB_Filler.st").read_text().split("\n")
    end = next(i for i, line in enumerate(lines) if line.strip().upper() == "END_FUNCTION_BLOCK")
    lines.insert(end, INLINE_PREFIX)
    return "\n".join(lines), end, len(INLINE_PREFIX)


def model_settings() -> dict[str, Any]:
    """The shipped tiny model, when this checkout has it (``make model``), else no model."""
    if (TINY_MODEL / "config.json").exists():
        return {"model": {"backend": "transformers", "path": str(TINY_MODEL)}}
    return {}


def server_inline_items(plantls: Path, workspace: Path, settings: dict[str, Any]) -> int:
    """How many inline completions the server itself offers where the e2e asks for one
    (waiting up to a minute for a configured model to load)."""
    from lsp_probe import Probe

    text, line, character = inline_document()
    uri = (workspace / "FB_Filler.st").as_uri()
    probe = Probe([str(plantls), "serve"], cwd=workspace)
    try:
        caps = {"textDocument": {"inlineCompletion": {"dynamicRegistration": False}}}
        probe.request(
            "initialize",
            {
                "processId": None,
                "rootUri": workspace.as_uri(),
                "capabilities": caps,
                "initializationOptions": settings,
            },
        )
        probe.notify("initialized", {})
        probe.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "iec-st", "version": 1, "text": text}},
        )
        deadline = time.monotonic() + 60
        while True:
            result = probe.request(
                "textDocument/inlineCompletion",
                {
                    "textDocument": {"uri": uri},
                    "position": {"line": line, "character": character},
                    "context": {"triggerKind": 1},
                },
                timeout=120,
            )
            items = result.get("items", []) if isinstance(result, dict) else result or []
            state = (probe.request("plantls/stats", {}) or {}).get("model", {}).get("state")
            if items or state != "loading" or time.monotonic() > deadline:
                return len(items)
            time.sleep(2)
    finally:
        probe.close()


def advertises_inline(capabilities: dict[str, Any]) -> bool:
    """``inlineCompletionProvider`` is ``true`` or an options object (``{}`` counts)."""
    return capabilities.get("inlineCompletionProvider") not in (None, False)


def hover_line() -> int:
    """1-based line of the first ``: TON;`` declaration in FB_Filler.st."""
    for number, line in enumerate((PLC / "FB_Filler.st").read_text().splitlines(), 1):
        if ": TON;" in line:
            return number
    raise AssertionError("FB_Filler.st declares no TON")


@pytest.fixture(scope="module")
def vscode_run(
    tmp_path_factory: pytest.TempPathFactory,
    plantls_bin: Path,
    capabilities: dict[str, Any],
    artifacts: Path,
) -> Iterator[dict[str, Any]]:
    """Run the whole browser session once; the tests below check what it recorded."""
    for path, what in ((CODE_SERVER, "code-server"), (PLAYWRIGHT, "playwright-core")):
        if not path.exists():
            missing(what, "run 'make e2e'")
    if not VSIX.exists():
        missing("the extension package clients/vscode/plantls.vsix", "run 'make vsix'")
    if not Path(CHROMIUM).exists():
        missing("chromium", "run 'make editors'")
    if shutil.which("node") is None:
        missing("node", "install Node 20")

    base = tmp_path_factory.mktemp("vscode")
    settings = model_settings()
    out = artifacts / "vscode"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    workspace = base / "plc"
    shutil.copytree(PLC, workspace)
    env = editor_env(base / "home")
    # VS Code gives the extension host the login shell's environment: put plantls on PATH
    # there, the way a user does, so the extension finds it on PATH.
    (base / "home" / ".profile").write_text(f'export PATH="{plantls_bin.parent}:$PATH"\n')
    common = [
        "--config", str(base / "config.yaml"),
        "--user-data-dir", str(base / "ud"),
        "--extensions-dir", str(base / "ext"),
    ]  # fmt: skip
    (base / "config.yaml").write_text("bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n")
    installed = subprocess.run(
        [str(CODE_SERVER), *common, "--install-extension", str(VSIX)],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    (out / "install-extension.log").write_text(installed.stdout + installed.stderr)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    user = base / "ud" / "User"
    user.mkdir(parents=True, exist_ok=True)
    (user / "settings.json").write_text(
        json.dumps(
            {
                "security.workspace.trust.enabled": False,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "workbench.enableExperiments": False,
                "telemetry.telemetryLevel": "off",
                "update.mode": "none",
                "extensions.autoCheckUpdates": False,
                "extensions.autoUpdate": False,
                "extensions.ignoreRecommendations": True,
                "chat.disableAIFeatures": True,
                "window.restoreWindows": "none",
                "editor.inlineSuggest.enabled": True,
                "files.autoSave": "off",  # VS Code in the browser saves after a delay
                "editor.autoClosingBrackets": "never",
                "editor.autoIndent": "none",
                "editor.hover.delay": 300,
                "plantls.trace.server": "messages",
                **{f"plantls.model.{k}": v for k, v in settings.get("model", {}).items()},
            },
            indent=2,
        )
    )
    inline_items = 0
    if advertises_inline(capabilities):
        inline_items = server_inline_items(plantls_bin, workspace, settings)
    port = free_port()
    log = (out / "code-server.log").open("wb")
    server = subprocess.Popen(
        [
            str(CODE_SERVER), *common, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
            "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
            "--disable-getting-started-override", str(workspace),
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    driver: subprocess.CompletedProcess[str] | None = None
    try:
        wait_healthy(port, server)
        driver_env = dict(
            env,
            PORT=str(port),
            WORKSPACE=str(workspace),
            ARTIFACTS=str(out),
            CHROMIUM=CHROMIUM,
            EXPECT_INLINE="1" if inline_items else "0",
            FILE_PROBLEMS="FB_Filler.st,FB_Capper.st",
            FILE_HOVER="FB_Filler.st",
            HOVER_LINE=str(hover_line()),
            INLINE_PREFIX=INLINE_PREFIX,
        )
        node = subprocess.Popen(
            ["node", str(HERE / "e2e.js")], env=driver_env, cwd=HERE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        try:
            stdout, _ = node.communicate(timeout=E2E_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            stop_group(node)  # the browser too
            stdout, _ = node.communicate()
            stdout += f"\n[e2e] killed after {E2E_TIMEOUT_S} s"
        driver = subprocess.CompletedProcess(node.args, node.returncode, stdout, "")
        (out / "e2e.log").write_text(stdout)
    finally:
        stop_group(server)
        log.close()
        # the extension host's logs (plantls output channel, trace) help when a step fails
        logs = base / "ud" / "logs"
        if logs.is_dir():
            shutil.copytree(logs, out / "logs", dirs_exist_ok=True)
    results_file = out / "results.json"
    results: dict[str, Any] = json.loads(results_file.read_text()) if results_file.exists() else {}
    results["driver_output"] = driver.stdout if driver else ""
    results["capabilities"] = capabilities
    results["server_inline_items"] = inline_items
    results["model_settings"] = settings
    yield results


def outcome(results: dict[str, Any], step: str) -> Any:
    """The value a browser step recorded; fails with the step's error and the driver log."""
    info = results.get("steps", {}).get(step)
    if info is None:
        pytest.fail(
            f"step {step!r} did not run; driver output:\n{results.get('driver_output', '')[-3000:]}"
        )
    if not info["ok"]:
        pytest.fail(f"step {step!r} failed: {info['error']}\n(screenshots, logs: artifacts/vscode)")
    return info["value"]


def test_workbench_opens_the_plant(vscode_run: dict[str, Any]) -> None:
    assert outcome(vscode_run, "workbench") is True
    assert outcome(vscode_run, "open") == ["FB_Filler.st", "FB_Capper.st"]
    assert outcome(vscode_run, "squiggle") is True


def test_problems_panel_shows_findings_with_codes(vscode_run: dict[str, Any]) -> None:
    rows = outcome(vscode_run, "problems")
    text = "\n".join(rows)
    # examples/expected_findings.json: FB_Filler.st:34 ST303, FB_Capper.st:22 ST401
    assert "ST303" in text, rows
    assert "ST401" in text, rows
    assert any("plantls" in row and "ST303" in row and "Ln 34" in row for row in rows), rows


def test_hover_on_ton_shows_its_doc(vscode_run: dict[str, Any]) -> None:
    text = outcome(vscode_run, "hover")
    assert "FUNCTION_BLOCK TON" in text, text
    assert "On-delay timer" in text, text


def test_inline_completion(vscode_run: dict[str, Any]) -> None:
    if not advertises_inline(vscode_run["capabilities"]):
        pytest.skip(
            "this plantls server does not advertise inlineCompletionProvider "
            "(model-backed textDocument/inlineCompletion is not built yet, issue 5); "
            "the extension registers the feature and the test asserts it once offered"
        )
    if not vscode_run.get("server_inline_items"):
        pytest.skip(
            "the server advertises inline completion but offers none at the test's position "
            f"with settings {vscode_run.get('model_settings')} (no model: run 'make model'), "
            "so there is nothing for VS Code to show"
        )
    value = outcome(vscode_run, "inline")
    assert value.get("ghost"), value


def test_status_bar_shows_model_state(vscode_run: dict[str, Any]) -> None:
    text = outcome(vscode_run, "statusbar")
    assert text.startswith("plantls: model "), text  # the state from plantls/stats


def test_commands_reach_the_server(vscode_run: dict[str, Any]) -> None:
    assert "statistics" in outcome(vscode_run, "stats")
    explained = outcome(vscode_run, "explain")
    # plantls/explain answers with an explanation, or (older servers) the command says so
    if "opened" in explained:
        assert "Explain line 34" in explained["opened"], explained
    else:
        assert "explain" in explained.get("message", "").lower(), explained


def test_explain_code_action_shows_the_explanation(vscode_run: dict[str, Any]) -> None:
    if "plantls.explain" not in vscode_run["capabilities"].get("executeCommandProvider", {}).get(
        "commands", []
    ):
        pytest.skip("this plantls server has no plantls.explain command (Explain code action)")
    value = outcome(vscode_run, "explain_action")
    assert "Explain ST303" in value["actions"], value
    assert "Explain line 34" in value["opened"], value


def test_fine_tune_command(vscode_run: dict[str, Any]) -> None:
    value = outcome(vscode_run, "fine_tune")
    commands = vscode_run["capabilities"].get("executeCommandProvider", {}).get("commands", [])
    if {"plantls.fineTune", "plantls.train"} & set(commands):
        assert "Fine-tune" in value["dialog"], value
    else:
        assert "plantls train" in value["message"], value


def test_screenshots_saved(vscode_run: dict[str, Any], artifacts: Path) -> None:
    shots = sorted(p.name for p in (artifacts / "vscode").glob("*.png"))
    assert "01-problems.png" in shots and "02-hover.png" in shots, shots


def test_server_reads_every_request_vscode_sends(
    vscode_run: dict[str, Any], artifacts: Path
) -> None:
    """VS Code's language client sends some values in VS Code's own form (a Range as
    [start, end], trigger kinds from 0): none of its requests may fail as Invalid Params."""
    logs = list((artifacts / "vscode" / "logs").rglob("*plantls.log"))
    assert logs, "the plantls output channel's log was not saved"
    text = "\n".join(log.read_text(errors="replace") for log in logs)
    assert "Sending request 'textDocument/inlineCompletion" in text or not advertises_inline(
        vscode_run["capabilities"]
    )
    assert "Invalid Params" not in text
    assert "Unable to deserialize message" not in text
