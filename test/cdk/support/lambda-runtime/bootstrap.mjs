/**
 * A stand-in for the Lambda Node.js runtime's bootstrap, run in a child process started by
 * ../lambda-process.ts with the function's environment and the task root as working folder: it
 * registers resolve-hooks.mjs (so the handler sees only the task root, its layers and the
 * runtime's SDK), imports the handler module named by `_HANDLER` as the runtime does
 * (`index.healthHandler` → `index.js`, `index.mjs` or `index.cjs` in the task root, export
 * `healthHandler`), then serves invocations sent over the IPC channel, one at a time, each with a
 * Lambda context object.
 *
 * Protocol (child_process IPC, JSON):
 *   child → parent  { type: 'ready' } | { type: 'init-error', error }
 *   parent → child  { type: 'invoke', id, event, timeoutMs }
 *   child → parent  { type: 'result', id, response } | { type: 'invoke-error', id, error }
 *   parent → child  { type: 'loaded-files' }  →  child → parent { type: 'loaded-files', files }
 *
 * Plain JavaScript importing only built-ins, like the runtime itself: nothing here may come from
 * the repository's node_modules.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @type {{ roots: string[], searchPaths: string[] }} passed by the parent as the one argument. */
const layout = JSON.parse(process.argv[2] ?? '{"roots":[],"searchPaths":[]}');
register('./resolve-hooks.mjs', import.meta.url, { data: layout });

const send = (message) => new Promise((resolve) => process.send(message, resolve));

/** An error as plain data (the IPC channel carries JSON). */
function describe(error) {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error) };
  return { name: error.name, message: error.message, code: error.code, stack: error.stack };
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const dot = spec.lastIndexOf('.');
  const moduleName = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const file = ['.js', '.mjs', '.cjs'].map((extension) => join(taskRoot, moduleName + extension)).find((path) => existsSync(path));
  if (!file) throw Object.assign(new Error(`Cannot find module '${moduleName}' in ${taskRoot}`), { name: 'Runtime.ImportModuleError' });
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler;
}

function contextFor(timeoutMs) {
  const env = process.env;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${env.AWS_REGION}:123456789012:function:${env.AWS_LAMBDA_FUNCTION_NAME}:live`,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  await send({ type: 'init-error', error: describe(error) });
  process.exit(1);
}

// The test that started this process is gone (or stopped it): so is the execution environment.
process.on('disconnect', () => process.exit(0));

let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(async () => {
    if (message.type === 'loaded-files') {
      // CommonJS modules (those a handler loads with `require`, or imports from a CommonJS package).
      await send({ type: 'loaded-files', files: Object.keys(createRequire(import.meta.url).cache) });
      return;
    }
    if (message.type !== 'invoke') return;
    // The runtime sets the trace header per invocation; not sampled, so nothing is sent to X-Ray.
    process.env._X_AMZN_TRACE_ID = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
    try {
      const response = await handler(message.event, contextFor(message.timeoutMs));
      await send({ type: 'result', id: message.id, response });
    } catch (error) {
      await send({ type: 'invoke-error', id: message.id, error: describe(error) });
    }
  });
});
await send({ type: 'ready' });
