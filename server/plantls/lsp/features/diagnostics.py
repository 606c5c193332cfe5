"""Pull diagnostics (``textDocument/diagnostic``); pushing lives in ``lsp.publisher``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

Report = types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport


def _empty() -> Report:
    return types.RelatedFullDocumentDiagnosticReport(items=[])


def register(server: PlantLanguageServer) -> None:
    """Register the pull diagnostics handler."""
    options = types.DiagnosticOptions(
        identifier="plantls", inter_file_dependencies=True, workspace_diagnostics=False
    )

    @server.handle(types.TEXT_DOCUMENT_DIAGNOSTIC, options, default=_empty)
    async def pull(params: types.DocumentDiagnosticParams) -> Report:
        await server.wait_indexed()
        uri = params.text_document.uri
        if server.core.get(uri) is None:
            return _empty()
        # incremental findings only for clients that can be told to pull the full ones
        refresh = server.client_supports("workspace.diagnostics.refresh_support")
        items = server.publisher.compute(uri, incremental=bool(refresh))
        result_id = server.publisher.result_id(uri) or ""
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)
