"""The model in the editor, end to end with a tiny trained model: inline completion that parses,
a superseded request cancelled, cache, acceptance and dismissal counts, plantls/explain, the
Explain code action, the completion fallback, loading progress and plantls/stats."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsp_harness import CONFIG, capabilities, diagnostics, handler_errors, open_doc, wait_for
from lsprotocol import types
from pytest_lsp import LanguageClient

sys.path.insert(0, str(Path(__file__).parents[1] / "ai"))
import tiny_model

NAMES = (
    [(n, "BOOL") for n in tiny_model._BOOLS]
    + [(n, "INT") for n in tiny_model._INTS]
    + [(n, "REAL") for n in tiny_model._REALS]
)
DECLS = "".join(f"    {n} : {t};\n" for n, t in NAMES)
MAIN = (
    "PROGRAM P_Motor\nVAR\n" + DECLS + "    tDelay : TON;\nEND_VAR\n\n"
    "IF bStart AND NOT bStop THEN\n    bRunning := TRUE;\n    \nEND_IF\nEND_PROGRAM\n"
)
CURSOR = types.Position(line=MAIN.split("\n").index("    bRunning := TRUE;") + 1, character=4)
BROKEN_LINE = "    bMotr := TRUE;"


def options(model: Path | None = None, **more: Any) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "completion": {"debounce_ms": 0},
        "telemetry": {"log": False},
    }
    if model is not None:
        opts["model"] = {"backend": "transformers", "path": str(model)}
    for key, value in more.items():
        section, _, name = key.partition("__")
        opts.setdefault(section, {})[name] = value
    return opts


@contextlib.asynccontextmanager
async def server(
    root: Path, opts: dict[str, Any], profile: str = "visual-studio-code", inline: bool = True
) -> AsyncIterator[LanguageClient]:
    """A server whose client advertises inline completion (none of the stock profiles do)."""
    client = await CONFIG.start()
    assert isinstance(client, LanguageClient)
    caps = capabilities(profile)
    if inline:
        assert caps.text_document is not None
        caps.text_document.inline_completion = types.InlineCompletionClientCapabilities()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=caps,
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                root_uri=root.as_uri(),
                initialization_options=opts,
            )
        )
        yield client
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        process = client._server
        if process is not None and process.returncode is None:
            process.kill()
        await asyncio.wait_for(client.stop(), 10)


async def stats(client: LanguageClient) -> dict[str, Any]:
    result = await client.protocol.send_request_async("plantls/stats", {})
    return _plain(result)


def _plain(value: Any) -> Any:
    """pygls returns custom results as namedtuple-like objects; turn them into dicts."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def model_ready(client: LanguageClient, timeout: float = 60) -> dict[str, Any]:
    found: dict[str, Any] = {}

    async def poll() -> bool:
        found.update(await stats(client))
        return found["model"]["state"] in ("ready", "failed")

    deadline = asyncio.get_running_loop().time() + timeout
    while not await poll():
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.2)
    return found


def inline_params(uri: str, pos: types.Position, automatic: bool = False) -> Any:
    kind = (
        types.InlineCompletionTriggerKind.Automatic
        if automatic
        else types.InlineCompletionTriggerKind.Invoked
    )
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=pos,
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


@pytest.fixture(scope="module")
def model() -> Path:
    return tiny_model.cached()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "main.st").write_text(MAIN)
    return tmp_path


async def test_inline_completion_end_to_end(root: Path, model: Path) -> None:
    async with server(root, options(model)) as client:
        state = await model_ready(client)
        assert state["model"]["state"] == "ready", state
        # Loading reported work-done progress.
        titles = [
            v.title
            for values in client.progress_reports.values()
            for v in values
            if isinstance(v, types.WorkDoneProgressBegin)
        ]
        assert "plantls: loading model" in titles
        uri = open_doc(client, root / "main.st", MAIN)
        result = await client.text_document_inline_completion_async(inline_params(uri, CURSOR))
        assert isinstance(result, types.InlineCompletionList) and result.items, await stats(
            client
        )
        item = result.items[0]
        assert isinstance(item.insert_text, str) and item.insert_text.strip()
        assert item.command is not None and item.command.command == "plantls.completion.accept"
        # The suggestion parses: inserted, it adds no syntax error or undeclared name.
        lines = MAIN.split("\n")
        line = lines[CURSOR.line]
        lines[CURSOR.line] = line[: CURSOR.character] + item.insert_text + line[CURSOR.character :]
        check = root / "check.st"
        check.write_text("\n".join(lines))
        check_uri = open_doc(client, check, "\n".join(lines))
        pulled = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=check_uri))
        )
        assert isinstance(pulled, types.RelatedFullDocumentDiagnosticReport)
        assert [d for d in pulled.items if d.code in ("ST001", "ST101")] == []
        # The same request again comes from the cache.
        again = await client.text_document_inline_completion_async(inline_params(uri, CURSOR))
        assert isinstance(again, types.InlineCompletionList)
        assert [i.insert_text for i in again.items] == [item.insert_text]
        s = await stats(client)
        assert s["completions"]["requests"]["inline"].get("cache") == 1
        assert s["recent"][-1]["outcome"] == "cache" and s["recent"][-1]["generated_tokens"] == 0
        # Accept it: the command the client runs on accept.
        assert again.items[0].command is not None
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="plantls.completion.accept", arguments=again.items[0].command.arguments
            )
        )
        # A request elsewhere, not accepted, then another: the first is dismissed.
        other = types.Position(line=CURSOR.line + 2, character=0)
        await client.text_document_inline_completion_async(inline_params(uri, other))
        await client.text_document_inline_completion_async(inline_params(uri, CURSOR))
        s = await stats(client)
        items = s["completions"]["items"]
        assert items["accepted"] == 1
        assert items["dismissed"] >= 1
        assert items["shown"] >= 2
        assert s["completions"]["tokens"]["generated"] > 0
        assert s["completions"]["latency_ms"]["generation"]["p50"] > 0
        assert s["completions"]["energy"]["source"]
        assert "checked" in s["completions"]["validation"]
        assert handler_errors(client) == []


async def test_superseded_request_is_cancelled(root: Path, model: Path) -> None:
    async with server(root, options(model, completion__max_tokens=400)) as client:
        assert (await model_ready(client))["model"]["state"] == "ready"
        uri = open_doc(client, root / "empty.st", "")
        start = types.Position(line=0, character=0)
        first = asyncio.ensure_future(
            client.text_document_inline_completion_async(inline_params(uri, start))
        )
        await asyncio.sleep(0.05)
        second = await client.text_document_inline_completion_async(inline_params(uri, start))
        older = await first
        assert older is None or not older.items
        assert second is None or isinstance(second, types.InlineCompletionList)
        s = await stats(client)
        cancelled = [r for r in s["recent"] if r["outcome"] == "cancelled"]
        assert cancelled, s["recent"]
        assert cancelled[0]["generated_tokens"] < 400  # stopped before its budget
        assert handler_errors(client) == []


async def test_explain_and_code_actions(root: Path, model: Path) -> None:
    text = MAIN.replace("    bRunning := TRUE;", BROKEN_LINE)
    async with server(root, options(model)) as client:
        assert (await model_ready(client))["model"]["state"] == "ready"
        uri = open_doc(client, root / "main.st", text)
        line = text.split("\n").index(BROKEN_LINE)
        rng = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}
        answer = _plain(
            await client.protocol.send_request_async(
                "plantls/explain", {"textDocument": {"uri": uri}, "range": rng}
            )
        )
        markdown = answer["markdown"]
        assert "ST101" in markdown and "bMotr" in markdown
        assert "From the rule documentation" in markdown
        assert "Model text is off for this model" in markdown  # the tiny model writes no prose
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=line, character=4),
                    end=types.Position(line=line, character=4),
                ),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        # (pygls's client reads a CodeAction that carries a command as a Command: use titles.)
        titles = [a.title for a in actions or []]
        assert "Explain ST101" in titles
        # A model fix is only offered when re-checking removes the finding and adds none.
        fixes = [
            a for a in actions or [] if isinstance(a, types.CodeAction) and a.edit is not None
        ]
        for fix in fixes:
            assert "model-generated" in fix.title
        assert handler_errors(client) == []


async def test_completion_fallback_first_item(root: Path, model: Path) -> None:
    async with server(root, options(model), profile="neovim", inline=False) as client:
        assert (await model_ready(client))["model"]["state"] == "ready"
        uri = open_doc(client, root / "main.st", MAIN)
        result = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=CURSOR,
                context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
            )
        )
        assert isinstance(result, types.CompletionList) and result.items
        first = result.items[0]
        assert first.detail == "plantls model suggestion", [i.label for i in result.items[:3]]
        assert first.command is not None
        assert any(i.label == "bStart" for i in result.items[1:])  # static items follow
        await wait_for(lambda: True)


async def test_unusual_line_hints(root: Path, model: Path) -> None:
    junk = "    zq8#@!~~ ~~ ^^ qqq ;; ((( );"
    text = MAIN.replace("    bRunning := TRUE;", junk)
    opts = options(model, hints__unusual_lines=True, hints__min_interval_ms=0)
    async with server(root, opts, profile="neovim", inline=False) as client:
        assert (await model_ready(client))["model"]["state"] == "ready"
        uri = open_doc(client, root / "main.st", text)
        found = await diagnostics(
            client, uri, lambda ds: any(d.code == "AI101" for d in ds), timeout=30
        )
        hints = [d for d in found if d.code == "AI101"]
        assert text.split("\n").index(junk) in [d.range.start.line for d in hints]
        assert all(d.severity == types.DiagnosticSeverity.Hint for d in hints)
        assert handler_errors(client) == []


async def test_client_cancel_request_stops_generation(root: Path, model: Path) -> None:
    """$/cancelRequest cancels the handler, whose cancel token stops the generation.

    The cancel races the generation: when a short generation wins (it ends before the cancel
    arrives), the test asks again, at a new position so the cache cannot answer.
    """
    async with server(root, options(model, completion__max_tokens=400)) as client:
        assert (await model_ready(client))["model"]["state"] == "ready"
        text = "\n" * 8
        uri = open_doc(client, root / "empty.st", text)

        async def cancelled_records() -> list[dict[str, Any]]:
            return [r for r in (await stats(client))["recent"] if r["outcome"] == "cancelled"]

        found: list[dict[str, Any]] = []
        for attempt in range(8):
            pending = asyncio.ensure_future(
                client.text_document_inline_completion_async(
                    inline_params(uri, types.Position(line=attempt, character=0))
                )
            )
            await wait_for(lambda: client.protocol._request_futures)
            msg_id = next(iter(client.protocol._request_futures))
            await asyncio.sleep(0.02)
            client.protocol.notify("$/cancelRequest", types.CancelParams(id=msg_id))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pending, 30)
            deadline = asyncio.get_running_loop().time() + 5
            while not (found := await cancelled_records()):
                if asyncio.get_running_loop().time() > deadline:
                    break
                await asyncio.sleep(0.1)
            if found:
                break
        assert found, "no generation was ever cancelled"
        assert found[0]["generated_tokens"] < 400


async def test_inline_completion_extends_the_selected_suggest_item(root: Path, model: Path) -> None:
    """With the suggest widget open, the item covers the selected item's range and starts
    with its text (clients show nothing else), and the model continues after that text."""
    typed = MAIN.replace("    bRunning := TRUE;\n    \n", "    bRunning := TRUE;\n    bRun\n")
    line = CURSOR.line
    info = types.SelectedCompletionInfo(
        range=types.Range(types.Position(line, 4), types.Position(line, 8)), text="bRunning"
    )
    applied = typed.replace("    bRun\n", "    bRunning\n")
    async with server(root, options(model)) as client:
        assert (await model_ready(client))["model"]["state"] == "ready"
        uri = open_doc(client, root / "main.st", typed)
        params = inline_params(uri, types.Position(line, 8))
        params.context.selected_completion_info = info
        result = await client.text_document_inline_completion_async(params)
        assert isinstance(result, types.InlineCompletionList) and result.items, await stats(
            client
        )
        item = result.items[0]
        assert item.range == info.range
        assert isinstance(item.insert_text, str) and item.insert_text.startswith("bRunning")
        continued = item.insert_text[len("bRunning") :]
        assert continued.strip(), item.insert_text
        # The same continuation as in a document where the item is already applied.
        other = root / "applied.st"
        other_uri = open_doc(client, other, applied)
        direct = await client.text_document_inline_completion_async(
            inline_params(other_uri, types.Position(line, 12))
        )
        assert isinstance(direct, types.InlineCompletionList) and direct.items
        assert direct.items[0].insert_text == continued
        assert handler_errors(client) == []
