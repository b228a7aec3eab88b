/**
 * A lock file that says "a process is building this data folder", so that a second process waits
 * for the first build instead of repeating it. It is an optimisation, not what keeps the folder
 * consistent: builds publish with atomic renames, so even two builds at once leave a valid folder.
 *
 * A lock is stale, and may be broken, when its process is gone (same host) or when its heartbeat
 * (the file's modification time, touched every few seconds) has stopped for a minute.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';

const HEARTBEAT_MS = 2_000;
const STALE_AFTER_MS = 60_000;

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly startedAt: string;
}

/** A held lock; `release()` removes it (only if it is still ours). */
export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the lock at `path`, or returns `undefined` at once when another process holds it. */
export async function tryLock(path: string): Promise<HeldLock | undefined> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    startedAt: new Date().toISOString(),
  };
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      const current = await readOwner(path);
      if (current?.token === owner.token) await unlink(path).catch(() => undefined);
    },
  };
}

/** Whether a lock file exists at `path` (held or stale). */
export async function isLocked(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the lock at `path` if it is stale; returns true when there is no live lock any more.
 * Renames before deleting, so that of two processes breaking the same stale lock only one succeeds.
 */
export async function breakIfStale(path: string): Promise<boolean> {
  let modified: number;
  try {
    modified = (await stat(path)).mtimeMs;
  } catch {
    return true;
  }
  const owner = await readOwner(path);
  const deadProcess = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid);
  const silent = Date.now() - modified > STALE_AFTER_MS;
  // A lock file without a readable owner is either being written this instant or left by a crash.
  if (!deadProcess && !silent) return false;
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return true;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
