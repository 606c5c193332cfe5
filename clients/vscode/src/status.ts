// The status bar item: the model's state and the last completion latency, from plantls/stats.
import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';

const POLL_MS = 15000;
const LANGUAGES = new Set(['iec-st', 'opendss', 'fab-recipe', 'fab-tool']);

type Json = Record<string, unknown>;

/** The first number under a key path that matches `test` (depth-first, keys joined by '.'). */
export function findNumber(value: unknown, test: (path: string) => boolean, prefix = ''): number | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  for (const [key, child] of Object.entries(value as Json)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'number' && test(path.toLowerCase())) {
      return child;
    }
    const nested = findNumber(child, test, path);
    if (nested !== undefined) {
      return nested;
    }
  }
  return undefined;
}

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private refreshSoon: NodeJS.Timeout | undefined;
  private state = 'starting';
  private lastLatencyMs: number | undefined;
  private clientLatencyMs: number | undefined;
  private details = '';
  private readonly editorWatch: vscode.Disposable;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item = vscode.window.createStatusBarItem('plantls.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'plantls';
    this.item.command = 'plantls.showStats';
    this.editorWatch = vscode.window.onDidChangeActiveTextEditor(() => this.render());
    this.render();
  }

  dispose(): void {
    this.stopPolling();
    this.editorWatch.dispose();
    this.item.dispose();
  }

  setState(state: string, tooltip: string): void {
    this.state = state;
    this.details = tooltip;
    if (state !== 'ready' && !state.startsWith('model')) {
      this.stopPolling();
    }
    this.item.command = state === 'not found' ? 'plantls.showInstallHelp' : 'plantls.showStats';
    this.render();
  }

  started(): void {
    this.state = 'ready';
    this.details = '';
    void this.refresh();
    this.stopPolling();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  /** An inline completion came back; show the client-side time until stats say better. */
  completionAnswered(ms: number): void {
    this.clientLatencyMs = ms;
    this.render();
    if (this.refreshSoon) {
      clearTimeout(this.refreshSoon);
    }
    this.refreshSoon = setTimeout(() => void this.refresh(), 500);
  }

  update(stats: Json | null | undefined): void {
    if (!stats || typeof stats !== 'object') {
      return;
    }
    const model = (stats.model ?? {}) as Json;
    const modelState = typeof model.state === 'string' ? model.state : undefined;
    if (modelState) {
      this.state = `model ${modelState}`;
    }
    const last = findNumber(stats, (p) => p.includes('latency') && p.includes('last'));
    const p50 = findNumber(stats, (p) => p.includes('latency') && p.includes('p50'));
    const p95 = findNumber(stats, (p) => p.includes('latency') && p.includes('p95'));
    this.lastLatencyMs = last;
    const parts: string[] = [];
    if (typeof model.name === 'string') {
      parts.push(`Model: ${model.name}`);
    }
    if (typeof model.message === 'string') {
      parts.push(String(model.message));
    }
    if (p50 !== undefined) {
      parts.push(`Completion latency p50 ${Math.round(p50)} ms` + (p95 !== undefined ? `, p95 ${Math.round(p95)} ms` : ''));
    }
    this.details = parts.join('\n');
    this.render();
  }

  private stopPolling(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async refresh(): Promise<void> {
    const lc = this.client();
    if (!lc || lc.state !== State.Running) {
      return;
    }
    try {
      this.update(await lc.sendRequest<Json>('plantls/stats', {}));
    } catch {
      // An old server without plantls/stats: keep the state we have.
    }
  }

  private render(): void {
    const latency = this.lastLatencyMs ?? this.clientLatencyMs;
    const icon = this.state === 'not found' || this.state === 'failed' ? '$(error)' : '$(circuit-board)';
    this.item.text = `${icon} plantls: ${this.state}` + (latency !== undefined ? ` · ${Math.round(latency)} ms` : '');
    const tip = new vscode.MarkdownString();
    tip.appendText(`plantls: ${this.state}`);
    if (latency !== undefined) {
      tip.appendText(`\nLast completion: ${Math.round(latency)} ms`);
    }
    if (this.details) {
      tip.appendText('\n' + this.details);
    }
    tip.appendMarkdown('\n\nClick for model statistics.');
    this.item.tooltip = tip;
    const editor = vscode.window.activeTextEditor;
    if (!editor || LANGUAGES.has(editor.document.languageId) || this.state === 'not found') {
      this.item.show();
    } else {
      this.item.hide();
    }
  }
}
