/**
 * The worker thread that owns a PGlite instance for `PgliteWarehouse` (internal). PGlite runs on the
 * thread that calls it and ignores `statement_timeout`, so the database lives here, where the main
 * thread can terminate it when a statement overruns, instead of in the thread that serves requests.
 * Built to dist/pglite-worker.mjs by scripts/build.mjs; run from source through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { QueryFailedError } from '../../core/errors.ts';
import { describeDriverError } from './map-error.ts';
import { openPglite } from './pglite-source.ts';
import { explainReadOnlyOnPglite, runReadOnlyOnPglite } from './pglite-statement.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pglite-worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('pglite-worker must run in a worker thread');
const { source, roleSwitch } = workerData as WorkerInit;

/** Opens the database, reports ready, then answers one request at a time until told to close. */
async function serve(parent: MessagePort): Promise<void> {
  let db: PGlite;
  try {
    db = await openPglite(source, (progress) => parent.postMessage({ type: 'progress', progress } satisfies WorkerReply));
    // The first query pays for PGlite's lazy initialisation; pay it before reporting ready.
    await db.query('SELECT 1');
  } catch (error) {
    parent.postMessage({ type: 'failed', failure: describeDriverError(error) } satisfies WorkerReply);
    parent.close();
    return;
  }
  parent.on('message', (request: WorkerRequest) => {
    if (request.type === 'close') {
      void db.close().finally(() => {
        parent.postMessage({ type: 'closed' } satisfies WorkerReply);
        parent.close();
      });
      return;
    }
    if (request.type === 'explain') {
      explainReadOnlyOnPglite(db, request.sql, request.options, roleSwitch).then(
        (estimate) => parent.postMessage({ type: 'plan', id: request.id, estimate } satisfies WorkerReply),
        (error: unknown) =>
          parent.postMessage({ type: 'error', id: request.id, failure: describeDriverError(error) } satisfies WorkerReply),
      );
      return;
    }
    runReadOnlyOnPglite(db, request.sql, request.options, roleSwitch).then(
      // Bounded by the row cap and the byte budget (budgeted-fetch.ts), so the copy posted to the
      // main thread is too.
      (result) => parent.postMessage({ type: 'result', id: request.id, result } satisfies WorkerReply),
      (error: unknown) =>
        parent.postMessage(
          error instanceof QueryFailedError
            ? ({ type: 'query-failed', id: request.id, message: error.message, details: error.details } satisfies WorkerReply)
            : ({ type: 'error', id: request.id, failure: describeDriverError(error) } satisfies WorkerReply),
        ),
    );
  });
  parent.postMessage({ type: 'ready' } satisfies WorkerReply);
}

// No top-level await: from source this module is loaded through tsx's CommonJS hook.
void serve(port);
