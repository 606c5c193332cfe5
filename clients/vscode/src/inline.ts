import * as vscode from 'vscode';

/**
 * The LSP form of VS Code's inline completion context.
 *
 * vscode-languageclient 9 forwards the context as VS Code hands it over: VS Code counts
 * trigger kinds from 0 (Invoke 0, Automatic 1) where LSP 3.18 counts from 1 (Invoked 1,
 * Automatic 2), and a VS Code Range serializes as `[start, end]`, not `{start, end}`. A
 * strict server rejects both (Invalid Params), so no ghost text shows.
 */
export function lspInlineContext(context: vscode.InlineCompletionContext): vscode.InlineCompletionContext {
  const info = context.selectedCompletionInfo;
  const position = (p: vscode.Position) => ({ line: p.line, character: p.character });
  return {
    ...context,
    triggerKind: (context.triggerKind + 1) as vscode.InlineCompletionTriggerKind,
    selectedCompletionInfo: info && ({
      range: { start: position(info.range.start), end: position(info.range.end) },
      text: info.text,
    } as unknown as vscode.SelectedCompletionInfo),
  };
}
