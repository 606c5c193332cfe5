// plantls for VS Code: starts `plantls serve` over stdio and wires its features, commands and
// the status bar item.
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  ErrorCodes,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { lspInlineContext } from './inline';
import { findServer, ServerCommand } from './server';
import { SECTION, explicitSettings, serverKeys } from './settings';
import { StatusItem } from './status';

export const LANGUAGES = ['iec-st', 'opendss', 'fab-recipe', 'fab-tool'];
/** Server commands (workspace/executeCommand) that fine-tune on the workspace, newest first. */
export const FINE_TUNE_COMMANDS = ['plantls.fineTune', 'plantls.train'];
const INSTALL_ANCHOR = 'install-the-server';
/** The server's command behind its "Explain" code actions (arguments: uri, 0-based line). */
const SERVER_EXPLAIN_COMMAND = 'plantls.explain';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let status: StatusItem | undefined;
let extensionContext: vscode.ExtensionContext | undefined;
const explanations = new Map<string, string>();
const explanationChanged = new vscode.EventEmitter<vscode.Uri>();

/** The API returned from activate(), used by tests and other extensions. */
export interface PlantlsApi {
  client(): LanguageClient | undefined;
  server(): ServerCommand | undefined;
}
let currentServer: ServerCommand | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PlantlsApi> {
  extensionContext = context;
  output = vscode.window.createOutputChannel('plantls');
  status = new StatusItem(() => client);
  context.subscriptions.push(output, status, explanationChanged);

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider('plantls-explain', {
      onDidChange: explanationChanged.event,
      provideTextDocumentContent: (uri) => explanations.get(uri.toString()) ?? '',
    }),
    vscode.commands.registerCommand('plantls.explainFinding', explainFinding),
    vscode.commands.registerCommand('plantls.showStats', showStats),
    vscode.commands.registerCommand('plantls.fineTuneWorkspace', fineTune),
    vscode.commands.registerCommand('plantls.restartServer', restart),
    vscode.commands.registerCommand('plantls.showInstallHelp', showInstallHelp),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.server`)) {
        void vscode.window
          .showInformationMessage('plantls: the server settings changed.', 'Restart server')
          .then((choice) => (choice ? restart() : undefined));
      }
    }),
  );

  await startClient(context);
  return { client: () => client, server: () => currentServer };
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const lookup = await findServer(config);
  if (!lookup.server) {
    currentServer = undefined;
    status?.setState('not found', 'The plantls server was not found. Click for help.');
    output?.appendLine('plantls server not found:\n  ' + lookup.tried.join('\n  '));
    void vscode.window
      .showErrorMessage(
        'plantls: cannot find the plantls language server. Install it with ' +
          '`pip install plantls` (or `make demo` in its source folder), put `plantls` on PATH ' +
          'or set "plantls.server.path".',
        'How to install',
        'Open settings',
        'Show log',
      )
      .then((choice) => {
        if (choice === 'How to install') {
          void showInstallHelp();
        } else if (choice === 'Open settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'plantls.server.path');
        } else if (choice === 'Show log') {
          output?.show();
        }
      });
    return;
  }
  currentServer = lookup.server;
  output?.appendLine(
    `starting ${lookup.server.command} ${lookup.server.args.join(' ')} (from ${lookup.server.source})`,
  );

  const keys = serverKeys(context.extension);
  const serverOptions: ServerOptions = {
    command: lookup.server.command,
    args: lookup.server.args,
    // no `transport`: TransportKind.stdio would append --stdio; `plantls serve` is stdio already
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    outputChannel: output,
    initializationOptions: explicitSettings(keys),
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) =>
            item.section === SECTION
              ? explicitSettings(keys, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : result[i],
          );
        },
      },
      // The server's "Explain" code action runs its plantls.explain command, which answers
      // with markdown: show it (the language client alone would drop the result).
      executeCommand: async (command, args, next) => {
        const result = await next(command, args);
        if (command === SERVER_EXPLAIN_COMMAND && typeof result?.markdown === 'string' && result.markdown.trim()) {
          const line = typeof args[1] === 'number' ? ` line ${args[1] + 1}` : '';
          await showMarkdown(`Explain${line}`, result.markdown);
        }
        return result;
      },
      provideInlineCompletionItems: async (document, position, context, token, next) => {
        const started = Date.now();
        const result = await next(document, position, lspInlineContext(context), token);
        status?.completionAnswered(Date.now() - started);
        return result;
      },
    },
  };
  client = new LanguageClient('plantls', 'plantls', serverOptions, clientOptions);
  // textDocument/inlineCompletion (LSP 3.18): used when the server advertises it.
  client.registerProposedFeatures();
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      status?.started();
    } else if (e.newState === State.Stopped) {
      status?.setState('stopped', 'The plantls server is not running.');
    }
  });
  status?.setState('starting', 'The plantls server is starting.');
  try {
    await client.start();
  } catch (err) {
    status?.setState('failed', `The plantls server failed to start: ${String(err)}`);
    output?.appendLine(`plantls failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage(
      `plantls: the server (${lookup.server.command}) failed to start. See the "plantls" output.`,
    );
  }
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop(5000);
    } catch (err) {
      output?.appendLine(`stopping plantls: ${String(err)}`);
    }
  }
}

async function restart(): Promise<void> {
  await stopClient();
  if (extensionContext) {
    await startClient(extensionContext);
  }
}

async function showInstallHelp(): Promise<void> {
  if (!extensionContext) {
    return;
  }
  // vsce stores the README as readme.md inside the package
  const names = ['readme.md', 'README.md'];
  const file = names.map((n) => vscode.Uri.joinPath(extensionContext!.extensionUri, n))
    .find((u) => fs.existsSync(u.fsPath)) ?? vscode.Uri.joinPath(extensionContext.extensionUri, names[1]);
  const readme = file.with({ fragment: INSTALL_ANCHOR });
  try {
    await vscode.commands.executeCommand('markdown.showPreview', readme);
  } catch {
    await vscode.window.showTextDocument(readme);
  }
}

function runningClient(): LanguageClient | undefined {
  if (client && client.state === State.Running) {
    return client;
  }
  void vscode.window.showWarningMessage('plantls: the server is not running.', 'Restart server').then(
    (choice) => (choice ? restart() : undefined),
  );
  return undefined;
}

function isMethodNotFound(err: unknown): boolean {
  return err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound;
}

/** The range to explain: the argument, the selection, or the plantls finding under the cursor. */
function explainTarget(
  uriArg?: string | vscode.Uri,
  rangeArg?: vscode.Range | { start: vscode.Position; end: vscode.Position },
): { uri: vscode.Uri; range: vscode.Range } | undefined {
  if (uriArg && rangeArg) {
    const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg;
    const r = rangeArg as { start: { line: number; character: number }; end: { line: number; character: number } };
    return {
      uri,
      range: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
    };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return undefined;
  }
  const uri = editor.document.uri;
  if (!editor.selection.isEmpty) {
    return { uri, range: editor.selection };
  }
  const cursor = editor.selection.active;
  const here = vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.range.contains(cursor) || d.range.start.line === cursor.line)
    .sort((a, b) => Number(b.range.contains(cursor)) - Number(a.range.contains(cursor)));
  if (here.length > 0) {
    return { uri, range: here[0].range };
  }
  return { uri, range: editor.document.lineAt(cursor.line).range };
}

async function showMarkdown(title: string, markdown: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: 'plantls-explain', path: `/${title}.md` });
  explanations.set(uri.toString(), markdown);
  explanationChanged.fire(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

async function explainFinding(
  uriArg?: string | vscode.Uri,
  rangeArg?: vscode.Range,
): Promise<void> {
  const target = explainTarget(uriArg, rangeArg);
  if (!target) {
    void vscode.window.showInformationMessage('plantls: open a file and put the cursor on a finding.');
    return;
  }
  const lc = runningClient();
  if (!lc) {
    return;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'plantls: explaining' },
      () =>
        lc.sendRequest<{ markdown?: string } | null>('plantls/explain', {
          textDocument: { uri: lc.code2ProtocolConverter.asUri(target.uri) },
          range: lc.code2ProtocolConverter.asRange(target.range),
        }),
    );
    const markdown = result?.markdown?.trim();
    if (!markdown) {
      void vscode.window.showInformationMessage('plantls: nothing to explain here.');
      return;
    }
    await showMarkdown(`Explain line ${target.range.start.line + 1}`, markdown);
  } catch (err) {
    if (isMethodNotFound(err)) {
      void vscode.window.showInformationMessage(
        'plantls: this version of the plantls server cannot explain findings yet ' +
          '(no "plantls/explain" request). Hover over the finding for its rule, or run `plantls rules CODE`.',
      );
    } else {
      void vscode.window.showErrorMessage(`plantls: explain failed: ${String(err)}`);
    }
  }
}

function statsMarkdown(stats: Record<string, unknown>): string {
  const lines = ['# plantls model statistics', ''];
  const model = (stats.model ?? {}) as Record<string, unknown>;
  lines.push(`Model state: **${String(model.state ?? 'unknown')}**`, '');
  lines.push('```json', JSON.stringify(stats, null, 2), '```', '');
  return lines.join('\n');
}

async function showStats(): Promise<void> {
  const lc = runningClient();
  if (!lc) {
    return;
  }
  try {
    const stats = await lc.sendRequest<Record<string, unknown>>('plantls/stats', {});
    status?.update(stats);
    await showMarkdown('plantls statistics', statsMarkdown(stats ?? {}));
  } catch (err) {
    if (isMethodNotFound(err)) {
      void vscode.window.showInformationMessage('plantls: this server has no "plantls/stats" request.');
    } else {
      void vscode.window.showErrorMessage(`plantls: statistics failed: ${String(err)}`);
    }
  }
}

async function fineTune(): Promise<void> {
  const lc = runningClient();
  if (!lc) {
    return;
  }
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('plantls: open a folder to fine-tune on its files.');
    return;
  }
  const offered = lc.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  const command = FINE_TUNE_COMMANDS.find((c) => offered.includes(c));
  if (!command) {
    const model = vscode.workspace.getConfiguration(SECTION).get<string>('model.path') || 'MODEL_DIR';
    const folder = folders[0].fsPath;
    const cli = `plantls train "${folder}" --base "${model}" --out "${folder}/.plantls/adapter"`;
    const choice = await vscode.window.showInformationMessage(
      'plantls: this version of the plantls server cannot fine-tune from the editor yet. ' +
        `Run it in a terminal: ${cli}`,
      'Open terminal',
    );
    if (choice) {
      const term = vscode.window.createTerminal({ name: 'plantls train', cwd: folder });
      term.show();
      term.sendText(cli, false);
    }
    return;
  }
  const go = await vscode.window.showInformationMessage(
    'Fine-tune a LoRA adapter on the files of this workspace? It runs on this machine and can ' +
      'take a while; progress is shown while it runs.',
    { modal: true },
    'Fine-tune',
  );
  if (go !== 'Fine-tune') {
    return;
  }
  try {
    const result = await lc.sendRequest(ExecuteCommandRequest.type, {
      command,
      arguments: [{ folders: folders.map((u) => lc.code2ProtocolConverter.asUri(u)) }],
    });
    const summary = result && typeof result === 'object' ? JSON.stringify(result) : String(result ?? 'done');
    void vscode.window.showInformationMessage(`plantls: fine-tuning finished: ${summary}`);
  } catch (err) {
    void vscode.window.showErrorMessage(`plantls: fine-tuning failed: ${String(err)}`);
  }
}
