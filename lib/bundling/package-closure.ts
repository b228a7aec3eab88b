/**
 * The installed packages a set of packages needs at run time, found the way Node finds them: each
 * dependency from its dependent's folder, in the nearest `node_modules` up the tree. The parser
 * layer copies this closure (a layer must carry its packages' runtime dependencies: `libpg-query`
 * needs `@pgsql/types`), and the packaging test copies the AWS SDK's closure as the runtime's SDK.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** One installed package of a closure. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute folder of the package. */
  readonly directory: string;
  /**
   * The folder relative to the `node_modules` root it was found under, e.g. `libpg-query` or
   * `a/node_modules/b` for a nested copy: the same path in a copy resolves the same way.
   */
  readonly path: string;
  /** The names it requires at run time (`dependencies`, installed `optionalDependencies`, required peers). */
  readonly dependencies: readonly string[];
}

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * Every package `names` need at run time, themselves included, resolved from `nodeModules` (the
 * folder that holds them, e.g. the repository's `node_modules`). Throws when a required dependency
 * is not installed (an incomplete closure would only fail later, on Lambda); an optional dependency
 * that is absent is skipped, as npm leaves it out on a platform it does not support.
 *
 * @example
 * runtimeClosure(['libpg-query'], fromRoot('node_modules')).map((p) => p.path); // ['libpg-query', '@pgsql/types']
 */
export function runtimeClosure(names: readonly string[], nodeModules: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const pending: { name: string; from: string; optional: boolean }[] = names.map((name) => ({ name, from: nodeModules, optional: false }));
  while (pending.length > 0) {
    const { name, from, optional } = pending.shift()!;
    const directory = locate(name, from, nodeModules);
    if (!directory) {
      if (optional) continue;
      throw new Error(`${name} (needed from ${from}) is not installed under ${nodeModules}: run npm ci`);
    }
    if (found.has(directory)) continue;
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson;
    const required = Object.keys(manifest.dependencies ?? {});
    const optionalNames = Object.keys(manifest.optionalDependencies ?? {});
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !manifest.peerDependenciesMeta?.[peer]?.optional);
    found.set(directory, {
      name,
      version: manifest.version ?? '0.0.0',
      directory,
      path: relative(nodeModules, directory).split(sep).join('/'),
      dependencies: [...new Set([...required, ...optionalNames, ...peers])].sort(),
    });
    for (const dependency of required) pending.push({ name: dependency, from: directory, optional: false });
    for (const dependency of optionalNames) pending.push({ name: dependency, from: directory, optional: true });
    for (const dependency of peers) pending.push({ name: dependency, from: directory, optional: false });
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The folder Node's lookup finds `name` in from `from` (`root` itself, or a package folder under
 * it): `from/node_modules/name`, then the same in each parent folder not itself named
 * `node_modules`, up to the folder that holds `root` and never above it.
 */
function locate(name: string, from: string, root: string): string | undefined {
  const top = dirname(root);
  let folder = from === root ? top : from;
  for (;;) {
    if (basename(folder) !== 'node_modules') {
      const candidate = join(folder, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (folder === top || folder === dirname(folder)) return undefined;
    folder = dirname(folder);
  }
}

/**
 * Whether a file or folder of an installed package is something a program may load at run time:
 * not type declarations, source maps or documentation (licences stay), and not a nested
 * `node_modules` (the closure copies exactly the nested packages that are needed). A filter for
 * `cpSync(installed.directory, target, { recursive: true, filter })`.
 */
export function isRuntimeFile(path: string, packageDirectory: string): boolean {
  if (path === packageDirectory) return true;
  const name = basename(path);
  if (name === 'node_modules') return false;
  if (/\.d\.[cm]?ts$/.test(name) || name.endsWith('.map')) return false;
  return !/^(readme|changelog|history)(\..*)?$/i.test(name);
}
