/** Password hashing (scrypt, node:crypto) and opaque tokens that are stored only as sha256. */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 64;
/** The longest password accepted (LIMITS.passwordMax); scrypt's cost grows with its length. */
const MAX_PASSWORD = 1024;

function scryptAsync(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < 8) throw new Error('a password needs at least 8 characters');
  if (password.length > MAX_PASSWORD)
    throw new Error(`a password has at most ${MAX_PASSWORD} characters`);
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | null = null;

/**
 * A hash of a random password with the parameters `hashPassword` uses today: a login for an
 * account that does not exist, or has no password, is checked against it, so it costs one
 * scrypt like a wrong password and its timing does not tell which accounts exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}

/**
 * Checks a password against a stored hash, or against the dummy hash when there is none
 * (unknown account, OIDC-only account): always exactly one scrypt, and false without a hash.
 * `onDummy` is told when the dummy was used (tests assert the path).
 */
export async function checkPassword(
  password: string,
  stored: string | null | undefined,
  onDummy?: () => void,
): Promise<boolean> {
  if (stored) return verifyPassword(password, stored);
  onDummy?.();
  await verifyPassword(password, await dummyPasswordHash());
  return false;
}

/** Compares two secrets (hex digests, tokens) in constant time; false when lengths differ. */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new secret token: 256 random bits. The caller shows it once and stores `tokenHash(token)`. */
export function newToken(prefix: 'sza' | 'szs'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
