/**
 * The SCRAM-SHA-256 verifier the migration function sets as the query login's password: it must be
 * exactly what PostgreSQL itself computes from the password (same salt, same iterations, the same
 * SASLprep, including PostgreSQL's fallbacks), and a login given it must accept the password — and
 * nothing else — over a real SCRAM exchange.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSaslprep, SCRAM_VERIFIER, scramSha256Verifier } from '../../functions/migrate/scram-verifier.ts';
import { postgresAvailable, TEST_POSTGRES_URL } from '../support/postgres.ts';
import { scramClusterUnavailable, startScramCluster, type ScramCluster } from './scram-cluster.ts';

/** Passwords that take each path of PostgreSQL's SASLprep (src/common/saslprep.c). */
const PASSWORDS: [string, string][] = [
  ['printable ASCII, as Secrets Manager generates', 'Zq7,XbN9=e.R2^kW-u5Lm_T8yA3c4Hd'],
  ['ASCII with a control character (ASCII skips the profile)', 'bell\u0007tab\tend'],
  ['a compatibility ligature (NFKC changes it)', 'ﬁnancé'],
  ['a combining accent (NFKC composes it)', 'Ame\u0301lie'],
  ['a non-ASCII space (mapped to a space)', 'two\u00A0words'],
  ['only a character mapped to nothing (empty: the raw password)', '\u00AD'],
  ['a prohibited character (the raw password)', 'é\u0007'],
  ['mixed bidirectional text (the raw password)', 'x\u0627y'],
  ['a code point unassigned in Unicode 3.2 (the raw password)', 'é\u0221'],
  ['CJK', '日本語のパスワード'],
];

describe('Function: scramSha256Verifier', () => {
  it("has PostgreSQL's shape and defaults: 4096 iterations, a 16-byte salt, 32-byte keys", () => {
    const verifier = scramSha256Verifier('pencil');
    expect(verifier).toMatch(SCRAM_VERIFIER);
    const [, iterations, salt, storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
    expect(Number(iterations)).toBe(4096);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(storedKey!, 'base64')).toHaveLength(32);
    expect(Buffer.from(serverKey!, 'base64')).toHaveLength(32);
  });

  it('salts every verifier afresh, and is a function of the password, salt and iterations alone', () => {
    expect(scramSha256Verifier('pencil')).not.toBe(scramSha256Verifier('pencil'));
    const salt = randomBytes(16);
    expect(scramSha256Verifier('pencil', { salt, iterations: 10 })).toBe(scramSha256Verifier('pencil', { salt, iterations: 10 }));
    expect(scramSha256Verifier('pencil', { salt, iterations: 10 })).not.toBe(scramSha256Verifier('pencil', { salt, iterations: 11 }));
    expect(scramSha256Verifier('pencil', { salt, iterations: 10 })).not.toBe(scramSha256Verifier('pencil!', { salt, iterations: 10 }));
  });

  it('refuses what PostgreSQL cannot hash as given: ill-formed Unicode, over 1024 bytes, no salt, no iterations', () => {
    expect(() => scramSha256Verifier('half \uD800 surrogate')).toThrow(/not valid Unicode/);
    expect(() => scramSha256Verifier('x'.repeat(1025))).toThrow(/longer than/);
    expect(() => scramSha256Verifier('x'.repeat(1024))).not.toThrow();
    expect(() => scramSha256Verifier('pencil', { salt: new Uint8Array() })).toThrow(/salt/);
    expect(() => scramSha256Verifier('pencil', { iterations: 0 })).toThrow(/iterations/);
  });

  it('prepares passwords as PostgreSQL does: ASCII as is, the profile otherwise, the raw text when the profile refuses', () => {
    expect(postgresSaslprep('bell\u0007')).toBe('bell\u0007');
    expect(postgresSaslprep('ﬁnancé')).toBe('financé');
    expect(postgresSaslprep('two\u00A0words')).toBe('two words');
    expect(postgresSaslprep('soft\u00ADhyphen')).toBe('softhyphen');
    expect(postgresSaslprep('\u00AD')).toBe('\u00AD');
    expect(postgresSaslprep('é\u0007')).toBe('é\u0007');
  });
});

describe.skipIf(!(await postgresAvailable()))('Function: scramSha256Verifier, against PostgreSQL 15', () => {
  let client: pg.Client;
  const role = `scram_probe_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    client = new pg.Client(TEST_POSTGRES_URL);
    await client.connect();
    await client.query(`SET password_encryption = 'scram-sha-256'`);
  });
  afterAll(async () => {
    await client?.query(`DROP ROLE IF EXISTS ${role}`);
    await client?.end();
  });

  it.each(PASSWORDS)('computes the verifier PostgreSQL stores for %s, given its salt and iterations', async (_, password) => {
    await client.query(`DROP ROLE IF EXISTS ${role}`);
    await client.query(`CREATE ROLE ${role} PASSWORD ${client.escapeLiteral(password)}`);
    const { rows } = await client.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
    const stored = rows[0]!.rolpassword;
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)!;
    expect(scramSha256Verifier(password, { iterations: Number(iterations), salt: Buffer.from(salt!, 'base64') })).toBe(stored);
  });
});

describe.skipIf(scramClusterUnavailable() !== undefined)('Function: scramSha256Verifier, logging in over SCRAM', () => {
  let cluster: ScramCluster;
  let admin: pg.Client;
  beforeAll(async () => {
    cluster = await startScramCluster();
    admin = new pg.Client(cluster.url({ user: 'postgres', password: cluster.superuserPassword }));
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
  });

  const login = async (user: string, password: string): Promise<string> => {
    const client = new pg.Client({ connectionString: cluster.url({ user, password }), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query<{ who: string }>('SELECT current_user AS who')).rows[0]!.who;
    } finally {
      await client.end();
    }
  };

  it.each([PASSWORDS[0]!, PASSWORDS[2]!, PASSWORDS[4]!, PASSWORDS[9]!])(
    'gives a login that accepts the password (%s) with node-postgres, and refuses another',
    async (_, password) => {
      const user = `scram_login_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD ${admin.escapeLiteral(scramSha256Verifier(password))}`);
      try {
        const { rows } = await admin.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [user]);
        expect(rows[0]!.rolpassword).toMatch(SCRAM_VERIFIER); // stored as given, not hashed again
        expect(await login(user, password)).toBe(user);
        await expect(login(user, `${password}x`)).rejects.toMatchObject({ code: '28P01' });
      } finally {
        await admin.query(`DROP ROLE ${user}`);
      }
    },
  );
});
