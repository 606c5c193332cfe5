// Finding the plantls language server: the setting, then PATH, then the Python extension's
// interpreter with `-m plantls`. Each step says why it was skipped, for the error message.
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for the log: "setting", "PATH", "Python extension". */
  source: string;
}

export interface Lookup {
  server?: ServerCommand;
  /** Why each candidate was not used, in order. */
  tried: string[];
}

const IS_WINDOWS = process.platform === 'win32';

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (IS_WINDOWS) {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on PATH (with PATHEXT on Windows), or undefined. */
export function whichOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  const exts = IS_WINDOWS ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext.toLowerCase());
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Expand `~` and `${workspaceFolder}` in a configured path. */
export function expandPath(value: string): string {
  let out = value.trim();
  if (out.startsWith('~/') || out === '~') {
    out = path.join(process.env.HOME ?? process.env.USERPROFILE ?? '', out.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    out = out.replace(/\$\{workspaceFolder\}/g, folder);
  }
  return out;
}

/** The interpreter chosen in the Python extension (ms-python.python), if it is installed. */
async function pythonFromExtension(resource?: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const api: any = ext.isActive ? ext.exports : await ext.activate();
  // The environments API (2023+), then the older settings API.
  const envs = api?.environments;
  if (envs?.getActiveEnvironmentPath) {
    const active = envs.getActiveEnvironmentPath(resource);
    const resolved = await envs.resolveEnvironment(active);
    const exe: string | undefined = resolved?.executable?.uri?.fsPath ?? active?.path;
    if (exe) {
      return exe;
    }
  }
  const details = api?.settings?.getExecutionDetails?.(resource);
  const cmd: string[] | undefined = details?.execCommand;
  return cmd && cmd.length > 0 ? cmd[0] : undefined;
}

/** True when `python -c "import plantls"` works (bounded to a few seconds). */
function hasPlantls(python: string): boolean {
  const result = cp.spawnSync(python, ['-c', 'import plantls'], { timeout: 15000, stdio: 'ignore' });
  return result.status === 0;
}

export async function findServer(config: vscode.WorkspaceConfiguration): Promise<Lookup> {
  const tried: string[] = [];
  const args = config.get<string[]>('server.args') ?? ['serve'];

  const configured = expandPath(config.get<string>('server.path') ?? '');
  if (configured) {
    if (isExecutable(configured)) {
      return { server: { command: configured, args, source: 'setting plantls.server.path' }, tried };
    }
    const onPath = whichOnPath(configured);
    if (onPath) {
      return { server: { command: onPath, args, source: 'setting plantls.server.path' }, tried };
    }
    tried.push(`plantls.server.path is "${configured}", which is not an executable file`);
  } else {
    tried.push('plantls.server.path is not set');
  }

  const onPath = whichOnPath('plantls');
  if (onPath) {
    return { server: { command: onPath, args, source: 'PATH' }, tried };
  }
  tried.push('no plantls on PATH');

  try {
    const python = await pythonFromExtension(vscode.workspace.workspaceFolders?.[0]?.uri);
    if (!python) {
      tried.push(
        vscode.extensions.getExtension('ms-python.python')
          ? 'the Python extension has no interpreter selected'
          : 'the Python extension (ms-python.python) is not installed',
      );
    } else if (hasPlantls(python)) {
      return {
        server: { command: python, args: ['-m', 'plantls', ...args], source: 'Python extension' },
        tried,
      };
    } else {
      tried.push(`the Python extension's interpreter ${python} cannot import plantls`);
    }
  } catch (err) {
    tried.push(`the Python extension did not answer: ${String(err)}`);
  }
  return { tried };
}
