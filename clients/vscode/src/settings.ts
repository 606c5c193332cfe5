// The `plantls.*` settings the server reads. Only values a user set go to the server:
// sending VS Code's defaults would override the project's plantls.toml, which the server
// reads first and overlays with what the editor sends.
import * as vscode from 'vscode';

export const SECTION = 'plantls';

/** Settings that belong to this extension only, never sent to the server. */
const CLIENT_ONLY = ['server.', 'trace.'];

/** The server setting keys (`model.backend`, ...), from this extension's own manifest. */
export function serverKeys(extension: vscode.Extension<unknown>): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const props: Record<string, unknown> = (extension.packageJSON as any)?.contributes?.configuration
    ?.properties ?? {};
  return Object.keys(props)
    .filter((k) => k.startsWith(SECTION + '.'))
    .map((k) => k.slice(SECTION.length + 1))
    .filter((k) => !CLIENT_ONLY.some((prefix) => k.startsWith(prefix)));
}

function setNested(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      node[part] = {};
    }
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/**
 * The explicitly set server settings for a scope, as a nested table:
 * `{"model": {"backend": "llamacpp"}, "rules": {"ignore": ["ST205"]}}`.
 */
export function explicitSettings(
  keys: string[],
  scope?: vscode.ConfigurationScope,
): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const info = config.inspect(key);
    if (!info) {
      continue;
    }
    const value =
      info.workspaceFolderLanguageValue ??
      info.workspaceLanguageValue ??
      info.globalLanguageValue ??
      info.workspaceFolderValue ??
      info.workspaceValue ??
      info.globalValue;
    if (value !== undefined) {
      setNested(out, key, value);
    }
  }
  return out;
}
