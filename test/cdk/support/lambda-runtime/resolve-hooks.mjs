/**
 * Module-resolution hooks (registered with `module.register` by bootstrap.mjs) that give a
 * handler's ES-module imports what the Lambda Node.js runtime gives them, and nothing else:
 *
 * - built-ins (`node:fs`, `fs`) as they are;
 * - a bare specifier (`libpg-query`, `@aws-sdk/client-rds-data`) first by Node's own lookup from
 *   the importing file (the task root has no node_modules; a layer package finds its own
 *   dependencies beside it), then in the runtime's search folders in their order (the layers'
 *   `/opt/nodejs/node<N>/node_modules` and `/opt/nodejs/node_modules`, then the runtime's SDK);
 * - and every file it resolves to must lie inside the laid-out function (task root, /opt, the
 *   runtime folder): a hit anywhere else on the machine (a `node_modules` in a parent folder, the
 *   repository's) is refused as "not found", which is what Lambda would answer.
 *
 * Plain JavaScript with no imports but built-ins: it runs in the loader thread of a child process
 * that must not reach the repository's node_modules (or need a TypeScript loader) itself.
 */
import { isBuiltin } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** @type {{ roots: string[], searchPaths: string[] }} */
let layout = { roots: [], searchPaths: [] };

/** Receives the layout from `module.register(…, { data })`. */
export async function initialize(data) {
  layout = data;
}

const RELATIVE_OR_ABSOLUTE = /^(\.{1,2}(\/|$)|\/|[a-z][a-z0-9+.-]*:)/i;

export async function resolve(specifier, context, nextResolve) {
  // The entry module (bootstrap.mjs itself) and built-ins resolve as Node resolves them.
  if (context.parentURL === undefined || isBuiltin(specifier)) return nextResolve(specifier, context);
  const bare = !RELATIVE_OR_ABSOLUTE.test(specifier);
  // Kept before any lookup: Node's chain may write the context it is handed back into this one.
  const importer = context.parentURL;
  let resolved;
  try {
    resolved = inside(await nextResolve(specifier, context));
  } catch (error) {
    if (!bare || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
  if (!resolved && bare) {
    for (const folder of layout.searchPaths) {
      // Node looks in `<folder of the parent>/node_modules` first: a parent beside `folder` looks in `folder`.
      const parentURL = pathToFileURL(join(folder, '..', '__lambda_search_path__.mjs')).href;
      try {
        resolved = inside(await nextResolve(specifier, { ...context, parentURL }), folder);
      } catch (error) {
        if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
      }
      if (resolved) break;
    }
  }
  if (resolved) return resolved;
  const error = new Error(
    `Cannot find ${bare ? 'package' : 'module'} '${specifier}' imported from ${importer} ` +
      `(looked up as the Lambda runtime does: beside the importing file, then in ${layout.searchPaths.join(', ')})`,
  );
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

/** The resolution if its file lies inside the layout (and inside `within`, when given), else undefined. */
function inside(resolution, within) {
  if (!resolution.url.startsWith('file:')) return resolution;
  const path = fileURLToPath(resolution.url);
  const roots = within ? [within] : layout.roots;
  return roots.some((root) => path === root || path.startsWith(root + sep)) ? resolution : undefined;
}
