/**
 * What escapes every command's own handling — an error event nobody listened to, a promise
 * nobody awaited — is still reported as a clear one-line message, never as a stack trace (unless
 * `BI_AGENT_DEBUG` is set). During a batch a stray rejection is reported and the batch goes on:
 * no line is waiting for it. An uncaught exception ends the process with status 1, since the
 * state of whatever threw is unknown.
 */
import { errorMessage } from './errors.ts';

let batches = 0;

/** Marks a batch as running while `work` runs, so that a stray rejection does not end it. */
export async function whileBatchRuns<T>(work: () => Promise<T>): Promise<T> {
  batches += 1;
  try {
    return await work();
  } finally {
    batches -= 1;
  }
}

/** Installs the process-wide handlers; call once, from the command's entry point. */
export function installLastResortHandlers(stderr: NodeJS.WritableStream = process.stderr): void {
  const report = (error: unknown): void => {
    stderr.write(`bi-agent: ${errorMessage(error)}\n`);
    if (process.env.BI_AGENT_DEBUG && error instanceof Error) stderr.write(`${error.stack}\n`);
  };
  process.on('uncaughtException', (error) => {
    report(error);
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    report(reason);
    if (batches === 0) process.exit(1);
  });
}
