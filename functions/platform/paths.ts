import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder that holds the project's `package.json`, found by walking up from this module: the
 * same answer whether the code runs from source (tests, tsx) or from the bundle in `dist/`.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  root = dir;
  return dir;
}

/**
 * The embedded default's data folder: `--data DIR`, else `BI_AGENT_DATA`, else the user's data
 * folder (`$XDG_DATA_HOME/bi-agent`, `~/.local/share/bi-agent`). Two folders are two installations.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.BI_AGENT_DATA) return resolve(env.BI_AGENT_DATA);
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'bi-agent');
}
