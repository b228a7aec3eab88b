/**
 * A PostgreSQL SCRAM-SHA-256 password verifier, computed here from the password, so that a login's
 * password can be set with `ALTER ROLE … PASSWORD '<verifier>'` without the password itself ever
 * reaching the server — not in the statement text, not in a parameter, not in a log line. It is what
 * psql's `\password` and libpq's `PQencryptPasswordConn` do; PostgreSQL stores a verifier it is given
 * as is, whatever `password_encryption` says.
 *
 * The format and the derivation are PostgreSQL's own (src/common/scram-common.c, RFC 5802/7677):
 *
 *     SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
 *     SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations)
 *     StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")),  ServerKey = HMAC(SaltedPassword, "Server Key")
 *
 * The RDS Data API logs in to Aurora PostgreSQL 14 and later only with SCRAM-SHA-256 (not MD5), so
 * this is also the only kind of verifier that lets the question path in.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import saslprepLibrary from '@mongodb-js/saslprep';

/** PostgreSQL's defaults (`scram_iterations`, SCRAM_DEFAULT_SALT_LEN). */
export const SCRAM_DEFAULT_ITERATIONS = 4096;
const SALT_BYTES = 16;
/** PostgreSQL refuses to SASLprep longer passwords (MAX_PASSWORD_LENGTH); we refuse to hash them. */
const MAX_PASSWORD_BYTES = 1024;

export interface ScramOptions {
  /** The salt; default 16 random bytes (tests pass PostgreSQL's to compare verifiers). */
  readonly salt?: Uint8Array;
  /** PBKDF2 iterations; default 4096, as PostgreSQL. */
  readonly iterations?: number;
}

/** The shape of a SCRAM-SHA-256 verifier: only base64 and digits, so it is safe inside a SQL literal. */
export const SCRAM_VERIFIER = /^SCRAM-SHA-256\$[1-9][0-9]*:[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/;

/**
 * The verifier PostgreSQL would store for `password`.
 *
 * @example
 * const verifier = scramSha256Verifier(secret.password);
 * // 'SCRAM-SHA-256$4096:…$…:…' — set with ALTER ROLE bi_query PASSWORD '<verifier>'
 */
export function scramSha256Verifier(password: string, options: ScramOptions = {}): string {
  const iterations = options.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('SCRAM iterations must be a positive integer');
  const salt = Buffer.from(options.salt ?? randomBytes(SALT_BYTES));
  if (salt.length === 0) throw new Error('A SCRAM salt must not be empty');
  const salted = pbkdf2Sync(Buffer.from(postgresSaslprep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * The password as PostgreSQL feeds it to PBKDF2 (pg_saslprep and its callers): pure ASCII is used as
 * is (no profile checks at all); otherwise the RFC 4013 profile (map, NFKC, prohibit, bidi), and when
 * the profile rejects the string — or maps it to nothing — the original password, unchanged. libpq
 * and the server agree on this, so a client logging in with the same password derives the same keys.
 */
export function postgresSaslprep(password: string): string {
  if (LONE_SURROGATE.test(password)) throw new Error('The password is not valid Unicode (a lone surrogate)');
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new Error(`The password is longer than PostgreSQL accepts for SCRAM (${MAX_PASSWORD_BYTES} bytes)`);
  }
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  try {
    const prepared = saslprepLibrary(password);
    return prepared.length > 0 ? prepared : password;
  } catch {
    return password; // prohibited output, unassigned code point or bidi violation: PostgreSQL uses the raw bytes
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
