"""``plantls/explain``, and the code actions "Explain" and "Suggested fix (model-generated)"."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from plantls.ai.explain import (
    Explanation,
    Fix,
    add_prose,
    explain_static,
    findings_on,
    propose_fix_text,
    verify_fix,
)
from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.language import Language
from plantls.core.positions import split_lines
from plantls.lsp import convert
from plantls.lsp.features.model_status import feature

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

METHOD = "plantls/explain"
EXPLAIN_COMMAND = "plantls.explain"
FIX_TIMEOUT_S = 8.0
EXPLAIN_TIMEOUT_S = 30.0


async def explain(server: PlantLanguageServer, uri: str, first: int, last: int) -> str:
    """Markdown explaining the findings on lines first..last (0-based)."""
    target = server.target(uri)
    if target is None:
        return "plantls has no findings for this document."
    doc, _lang = target
    exp: Explanation = explain_static(server.core, doc, first, last)
    model = feature(server)
    loop = asyncio.get_running_loop()
    try:
        exp = await asyncio.wait_for(
            loop.run_in_executor(model.service.executor, add_prose, model.service, exp, doc),
            EXPLAIN_TIMEOUT_S,
        )
    except TimeoutError:
        exp.prose_note = "The model took too long; this answer comes from the rule documentation."
    return exp.markdown()


def _lines(params: Any) -> tuple[str, int, int] | None:
    try:
        uri = params.textDocument.uri if hasattr(params, "textDocument") else None
        rng = params.range
        if uri is None:
            uri = params.text_document.uri
        return uri, int(rng.start.line), int(rng.end.line)
    except AttributeError:
        pass
    if isinstance(params, dict):
        try:
            return (
                params["textDocument"]["uri"],
                int(params["range"]["start"]["line"]),
                int(params["range"]["end"]["line"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
    return None


class _Fixes:
    """Verified fixes by (uri, version, finding), so a repeated codeAction is instant."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, str, str, int], Fix | None] = {}

    async def get(
        self, server: PlantLanguageServer, doc: Document, lang: Language, finding: Diagnostic
    ) -> Fix | None:
        key = (doc.uri, doc.version, finding.code, finding.message, finding.range.start.line)
        if key in self.cache:
            return self.cache[key]
        model = feature(server)
        if not model.service.ready:
            return None
        header = ""
        try:
            header = lang.model_context(doc, server.core, finding.range.start)
        except Exception:
            header = ""
        loop = asyncio.get_running_loop()
        try:
            text = await asyncio.wait_for(
                loop.run_in_executor(
                    model.service.executor, propose_fix_text, model.service, doc, finding, header
                ),
                FIX_TIMEOUT_S,
            )
        except TimeoutError:
            return None
        fix = None
        if text is not None and verify_fix(lang, server.core, doc, finding, text):
            fix = Fix(finding, finding.range.start.line, finding.range.end.line, text)
        if len(self.cache) > 256:
            self.cache.clear()
        self.cache[key] = fix
        return fix


def fix_action(doc: Document, fix: Fix, lsp_diag: types.Diagnostic | None) -> types.CodeAction:
    """The verified fix as a quick fix, tagged as model-generated."""
    lines = split_lines(doc.text)
    end_line = fix.last_line
    rng = types.Range(
        start=types.Position(line=fix.first_line, character=0),
        end=types.Position(
            line=end_line, character=len(lines[end_line].encode("utf-16-le")) // 2
        ),
    )
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp_diag] if lsp_diag is not None else None,
        edit=types.WorkspaceEdit(
            changes={doc.uri: [types.TextEdit(range=rng, new_text=fix.new_text)]}
        ),
        data={"plantls": "model-generated"},
    )


def register(server: PlantLanguageServer) -> None:
    """Register plantls/explain, the explain command and the code actions."""
    fixes = _Fixes()

    @server.handle(METHOD, default=lambda: {"markdown": ""})
    async def explain_request(params: Any) -> dict[str, str]:
        where = _lines(params)
        if where is None:
            return {"markdown": "plantls/explain needs textDocument and range"}
        await server.wait_indexed()
        uri, first, last = where
        return {"markdown": await explain(server, uri, first, last)}

    @server.command(EXPLAIN_COMMAND)
    async def explain_command(*args: str) -> dict[str, str]:
        if len(args) < 2:
            return {"markdown": ""}
        uri, line = str(args[0]), int(str(args[1]))
        markdown = await explain(server, uri, line, line)
        server.show(markdown[:1500], types.MessageType.Info)
        return {"markdown": markdown}

    @server.handle(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
        default=list,
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        target = server.target(params.text_document.uri)
        if target is None:
            return []
        doc, lang = target
        first, last = params.range.start.line, params.range.end.line
        found = findings_on(server.core, doc, first, last)
        if not found:
            return []
        actions: list[types.CodeAction] = []
        lsp_by_key = {(str(d.code), d.message): d for d in params.context.diagnostics}
        for d in found[:5]:
            lsp_diag = lsp_by_key.get((d.code, d.message)) or convert.diagnostic(d)
            actions.append(
                types.CodeAction(
                    title=f"Explain {d.code}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    command=types.Command(
                        title=f"Explain {d.code}",
                        command=EXPLAIN_COMMAND,
                        arguments=[doc.uri, d.range.start.line],
                    ),
                )
            )
        if feature(server).service.ready:
            for d in found[:2]:
                fix = await fixes.get(server, doc, lang, d)
                if fix is not None:
                    lsp_diag = lsp_by_key.get((d.code, d.message)) or convert.diagnostic(d)
                    actions.append(fix_action(doc, fix, lsp_diag))
        return actions
