/**
 * Starts a laid-out function (lambda-layout.ts) in a child Node.js process the way the Lambda
 * runtime starts it — its environment only, the task root as working folder, its handler module
 * imported by lambda-runtime/bootstrap.mjs with every bare import confined to the layout — and
 * invokes it with events over the IPC channel. The child stays warm between invocations, as a
 * Lambda execution environment does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LambdaLayout } from './lambda-layout.ts';

const BOOTSTRAP = fileURLToPath(new URL('./lambda-runtime/bootstrap.mjs', import.meta.url));

/** An error as the child reports it. */
export interface ReportedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** A started function: either it initialised, or `initError` says why not. */
export interface StartedFunction {
  readonly layout: LambdaLayout;
  /** Why the handler module could not be loaded (what Lambda reports as `Runtime.ImportModuleError`). */
  readonly initError: ReportedError | undefined;
  /** Invokes the handler; rejects with the handler's error, or when it outlasts the function's timeout. */
  invoke<T = unknown>(event: unknown): Promise<T>;
  /** Files the child loaded as CommonJS modules (ES modules are confined by the resolve hooks). */
  loadedFiles(): Promise<string[]>;
  /** What the function wrote to stdout and stderr (its logs). */
  output(): string;
  stop(): Promise<void>;
}

type Message =
  | { type: 'ready' }
  | { type: 'init-error'; error: ReportedError }
  | { type: 'result'; id: number; response: unknown }
  | { type: 'invoke-error'; id: number; error: ReportedError }
  | { type: 'loaded-files'; files: string[] };

/** Starts `layout`'s function and waits until its handler module is loaded (or failed to load). */
export async function startFunction(layout: LambdaLayout): Promise<StartedFunction> {
  const child = fork(BOOTSTRAP, [JSON.stringify({ roots: layout.roots, searchPaths: layout.searchPaths })], {
    cwd: layout.taskRoot,
    env: layout.environment,
    // Not the test runner's flags (vitest, tsx): the runtime starts plain node (NODE_OPTIONS comes from the environment).
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const output = () => chunks.join('');

  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  let filesWaiter: ((files: string[]) => void) | undefined;
  let exited: Error | undefined;
  const started = new Promise<ReportedError | undefined>((resolve, reject) => {
    child.on('message', (message: Message) => {
      if (message.type === 'ready') resolve(undefined);
      else if (message.type === 'init-error') resolve(message.error);
      else if (message.type === 'loaded-files') filesWaiter?.(message.files);
      else {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'result') waiter?.resolve(message.response);
        else waiter?.reject(Object.assign(new Error(`${message.error.name}: ${message.error.message}`), { reported: message.error }));
      }
    });
    child.on('exit', (code, signal) => {
      exited = new Error(`${layout.fn.name} exited (${signal ?? code}). Its output:\n${output()}`);
      reject(exited);
      for (const waiter of pending.values()) waiter.reject(exited);
      pending.clear();
    });
  });
  const initError = await started;
  let nextId = 0;

  return {
    layout,
    initError,
    invoke<T>(event: unknown): Promise<T> {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      const timeoutMs = layout.fn.timeoutSeconds * 1000;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${layout.fn.name} outlasted its ${layout.fn.timeoutSeconds} s timeout. Its output:\n${output()}`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value as T)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        child.send({ type: 'invoke', id, event, timeoutMs });
      });
    },
    loadedFiles() {
      return new Promise<string[]>((resolve) => {
        filesWaiter = resolve;
        child.send({ type: 'loaded-files' });
      });
    },
    output,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
