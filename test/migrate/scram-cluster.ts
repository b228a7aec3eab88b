/**
 * A throw-away PostgreSQL cluster that checks passwords (SCRAM-SHA-256 for every connection), for
 * the tests that must prove a login works with a password: the shared server on 127.0.0.1:5432
 * trusts every connection, so a login there proves nothing about its password.
 *
 * The cluster is made with the machine's own PostgreSQL binaries (`initdb`, `pg_ctl`, version 15
 * where several are installed, or the folder in `BI_AGENT_TEST_PG_BINDIR`), in a temporary folder,
 * listening on 127.0.0.1 on a free port, logging every statement (`log_statement = all`) to a file
 * the tests can read; as root it runs as the `postgres` user, which PostgreSQL requires. When the
 * binaries are missing, `scramClusterAvailable()` says why and the suites skip.
 *
 * @example
 * ```ts
 * const cluster = await startScramCluster();
 * const client = new pg.Client(cluster.url({ user: 'postgres', password: cluster.superuserPassword }));
 * await cluster.stop();
 * ```
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const chownAsync = promisify(chown);

export interface ScramCluster {
  /** The superuser's (`postgres`) password. */
  readonly superuserPassword: string;
  readonly port: number;
  /** A connection URL for `user` with `password` (default database `postgres`). */
  url(login: { user: string; password: string; database?: string }): string;
  /** Everything the server logged so far (every statement, with `log_statement = all`). */
  serverLog(): Promise<string>;
  stop(): Promise<void>;
}

/** The folder of the PostgreSQL binaries to use, or why there is none. */
function binaries(): { bindir: string } | { missing: string } {
  const configured = process.env.BI_AGENT_TEST_PG_BINDIR;
  if (configured) return existsSync(join(configured, 'initdb')) ? { bindir: configured } : { missing: `no initdb in ${configured}` };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) return { missing: `no PostgreSQL binaries under ${root} (set BI_AGENT_TEST_PG_BINDIR)` };
  const preferred = versions.includes('15') ? '15' : versions.sort((a, b) => Number(b) - Number(a))[0]!;
  return { bindir: join(root, preferred, 'bin') };
}

let availability: string | undefined | null = null;

/** Undefined when a cluster can be started here, else the reason (printed once). */
export function scramClusterUnavailable(): string | undefined {
  if (availability !== null) return availability;
  const found = binaries();
  availability = 'missing' in found ? found.missing : undefined;
  if (availability) console.warn(`Password-checking PostgreSQL tests skipped: ${availability}.`);
  return availability;
}

/** Starts a fresh cluster (initdb ≈ 2 s, start < 1 s). */
export async function startScramCluster(): Promise<ScramCluster> {
  const found = binaries();
  if ('missing' in found) throw new Error(found.missing);
  const { bindir } = found;
  const folder = await mkdtemp(join(tmpdir(), 'bi-agent-scram-'));
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
  const as = async (command: string, args: string[]): Promise<void> => {
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', join(bindir, command), ...args]);
    else await run(join(bindir, command), args);
  };
  const owner = asRoot ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) } : undefined;
  const superuserPassword = randomBytes(12).toString('base64url');
  const passwordFile = join(folder, 'superuser-password');
  await writeFile(passwordFile, superuserPassword, { mode: 0o600 });
  await chmod(folder, 0o700);
  if (owner) {
    await chownAsync(folder, owner.uid, owner.gid);
    await chownAsync(passwordFile, owner.uid, owner.gid);
  }
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  await as('initdb', ['-D', data, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const settings = [`-p ${port}`, `-k ${folder}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c log_statement=all', '-c password_encryption=scram-sha-256'];
  await as('pg_ctl', ['-D', data, '-o', settings.join(' '), '-w', '-t', '60', '-l', log, 'start']);

  let stopped = false;
  return {
    superuserPassword,
    port,
    url: ({ user, password, database = 'postgres' }) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    serverLog: () => readFile(log, 'utf8'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
