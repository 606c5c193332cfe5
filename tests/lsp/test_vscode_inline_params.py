"""VS Code's language client (9.x) sends textDocument/inlineCompletion with VS Code's own
values: selectedCompletionInfo.range as [start, end] and triggerKind counted from 0. The server
reads both instead of rejecting the request (Invalid Params)."""

from __future__ import annotations

from lsprotocol import types
from pygls.protocol import default_converter

from plantls.lsp.server import PlantLanguageServer, lsp_converter

START = {"line": 53, "character": 0}
END = {"line": 53, "character": 12}


def _params(range_: object, trigger_kind: int = 1) -> dict[str, object]:
    return {
        "textDocument": {"uri": "file:///plc/FB_Filler.st"},
        "position": END,
        "context": {
            "triggerKind": trigger_kind,
            "selectedCompletionInfo": {"range": range_, "text": "fbFillTimer"},
        },
    }


def test_the_array_form_of_a_range_is_read() -> None:
    params = lsp_converter().structure(_params([START, END]), types.InlineCompletionParams)
    info = params.context.selected_completion_info
    assert info is not None and info.text == "fbFillTimer"
    assert info.range == types.Range(types.Position(53, 0), types.Position(53, 12))


def test_the_object_form_still_works_and_the_strict_converter_refuses_arrays() -> None:
    obj = lsp_converter().structure(
        _params({"start": START, "end": END}), types.InlineCompletionParams
    )
    assert obj.context.selected_completion_info is not None
    try:
        default_converter().structure(_params([START, END]), types.InlineCompletionParams)
    except Exception:
        pass
    else:  # pragma: no cover - pygls became lenient itself
        raise AssertionError("the strict converter now reads arrays; lsp_converter can go")


def test_the_server_uses_it() -> None:
    server = PlantLanguageServer()
    params = server.protocol._converter.structure(
        _params([START, END]), types.InlineCompletionParams
    )
    assert params.context.selected_completion_info is not None


def test_vscode_s_invoke_trigger_kind_reads_as_invoked() -> None:
    """VS Code's InlineCompletionTriggerKind.Invoke is 0 ("Trigger Inline Suggestion")."""
    convert = lsp_converter()
    kinds = [
        convert.structure(
            _params({"start": START, "end": END}, k), types.InlineCompletionParams
        ).context.trigger_kind
        for k in (0, 1, 2)
    ]
    assert kinds == [
        types.InlineCompletionTriggerKind.Invoked,
        types.InlineCompletionTriggerKind.Invoked,
        types.InlineCompletionTriggerKind.Automatic,
    ]
    try:
        default_converter().structure(
            _params({"start": START, "end": END}, 0), types.InlineCompletionParams
        )
    except Exception:
        pass
    else:  # pragma: no cover - pygls became lenient itself
        raise AssertionError("the strict converter now reads trigger kind 0; lsp_converter can go")


def test_an_unknown_trigger_kind_is_still_refused() -> None:
    try:
        lsp_converter().structure(_params([START, END], 7), types.InlineCompletionParams)
    except Exception:
        return
    raise AssertionError("trigger kind 7 was accepted")
