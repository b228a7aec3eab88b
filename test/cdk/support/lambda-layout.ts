/**
 * A shipped function laid out on disk the way the Lambda Node.js runtime lays it out, under one
 * temporary folder standing for the machine's `/`:
 *
 * | on Lambda                   | here                                   | what                              |
 * |-----------------------------|----------------------------------------|-----------------------------------|
 * | `/var/task`                 | `<root>/<folder>/var/task`             | the function's asset (its zip)    |
 * | `/opt`                      | `<root>/<folder>/opt`                  | its layers, extracted in order    |
 * | `/var/runtime/node_modules` | `<root>/var/runtime/node_modules`      | the runtime's AWS SDK v3 (shared) |
 * | `/tmp`                      | `<root>/<folder>/tmp`                  | the one writable folder           |
 *
 * The runtime's SDK is the repository's installed `@aws-sdk/*` packages and what they need at run
 * time (`runtimeClosure`), copied — not linked, so that nothing resolved from it leads back into the
 * repository's node_modules. Nothing else is on the lookup path: the root lives in the system's
 * temporary folder, outside the repository.
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isRuntimeFile, runtimeClosure } from '../../../lib/bundling/package-closure.ts';
import { fromRoot } from '../../../lib/paths.ts';
import type { ShippedFunction } from './cloud-assembly.ts';
import { STAND_IN } from './intrinsics.ts';

/** A function ready to be started by lambda-process.ts. */
export interface LambdaLayout {
  readonly fn: ShippedFunction;
  readonly taskRoot: string;
  readonly opt: string;
  readonly tmp: string;
  /** Every folder a module may be loaded from. */
  readonly roots: readonly string[];
  /** Where the runtime looks for a bare import it cannot find beside the importing file (its NODE_PATH). */
  readonly searchPaths: readonly string[];
  /** The process environment the function starts with. */
  readonly environment: Record<string, string>;
}

/** Copies the runtime's SDK into `<root>/var/runtime/node_modules` (once per root) and returns that folder. */
export function stageRuntimeSdk(root: string): string {
  const target = join(root, 'var', 'runtime', 'node_modules');
  const nodeModules = fromRoot('node_modules');
  const sdk = readdirSync(join(nodeModules, '@aws-sdk')).map((name) => `@aws-sdk/${name}`);
  for (const installed of runtimeClosure(sdk, nodeModules)) {
    // Each package at its own path (a nested copy stays nested: its dependent finds it first), without
    // what only a compiler or a reader uses.
    cpSync(installed.directory, join(target, ...installed.path.split('/')), {
      recursive: true,
      filter: (source) => isRuntimeFile(source, installed.directory),
    });
  }
  return target;
}

/**
 * Lays `fn` out in `root/<folder>` (default: its construct path, dashed), next to a runtime SDK
 * staged in `root` by `stageRuntimeSdk`, and composes its environment: the function's variables
 * from the template, what Lambda itself sets, dummy credentials, then `overrides` (endpoints of
 * local stand-ins). A variable naming a path under `/tmp` is moved under the laid-out `/tmp`, the
 * only place the function may write.
 */
export function layOutFunction(
  fn: ShippedFunction,
  root: string,
  options: { overrides?: Record<string, string>; folder?: string } = {},
): LambdaLayout {
  const overrides = options.overrides ?? {};
  const home = join(root, options.folder ?? fn.name.replaceAll('/', '-'));
  const taskRoot = join(home, 'var', 'task');
  const opt = join(home, 'opt');
  const tmp = join(home, 'tmp');
  const runtimeNodeModules = join(root, 'var', 'runtime', 'node_modules');
  cpSync(fn.codeDirectory, taskRoot, { recursive: true });
  mkdirSync(opt, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  for (const layer of fn.layers) cpSync(layer.directory, opt, { recursive: true, force: true });

  // The runtime's NODE_PATH, in its order: version-specific layer folder, layer folder, the runtime's modules.
  const major = /^nodejs(\d+)\.x$/.exec(fn.runtime)?.[1];
  if (!major) throw new Error(`${fn.name}: runtime ${fn.runtime} is not a Node.js runtime`);
  const searchPaths = [join(opt, 'nodejs', `node${major}`, 'node_modules'), join(opt, 'nodejs', 'node_modules'), runtimeNodeModules];

  const functionName = `bi-agent-${fn.logicalId}`;
  const lambda: Record<string, string> = {
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2025/01/01/[1]00000000000000000000000000000000',
    AWS_LAMBDA_LOG_FORMAT: fn.logFormat,
    ...(fn.applicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: fn.applicationLogLevel } : {}),
    AWS_REGION: STAND_IN.region,
    AWS_DEFAULT_REGION: STAND_IN.region,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: join(root, 'var', 'runtime'),
    _HANDLER: fn.handler,
    NODE_PATH: [...searchPaths, join(root, 'var', 'runtime'), taskRoot].join(':'),
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    HOME: tmp,
    // The execution role's credentials: dummies, nothing here checks a signature.
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'packaging-test',
  };
  const own = Object.fromEntries(
    Object.entries(fn.environment).map(([key, value]) => [key, value === '/tmp' || value.startsWith('/tmp/') ? tmp + value.slice(4) : value]),
  );
  return {
    fn,
    taskRoot,
    opt,
    tmp,
    roots: [taskRoot, opt, tmp, runtimeNodeModules],
    searchPaths,
    environment: { ...lambda, ...own, ...overrides },
  };
}
