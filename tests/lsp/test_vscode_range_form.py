"""VS Code's language client sends selectedCompletionInfo.range as [start, end]: the server
reads it instead of rejecting the inline completion request (Invalid Params)."""

from __future__ import annotations

from lsprotocol import types
from pygls.protocol import default_converter

from plantls.lsp.server import PlantLanguageServer, lsp_converter

START = {"line": 53, "character": 0}
END = {"line": 53, "character": 12}


def _params(range_: object) -> dict[str, object]:
    return {
        "textDocument": {"uri": "file:///plc/FB_Filler.st"},
        "position": END,
        "context": {
            "triggerKind": 1,
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
