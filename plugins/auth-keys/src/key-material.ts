import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every generated key starts with this, so secret scanners and people can recognise one. */
export const KEY_PREFIX = 'sk-aisbf-';

/** Longest credential we hash; anything longer is refused before any work is done. */
export const MAX_KEY_LENGTH = 256;

/**
 * A new API key: the prefix and 32 random bytes (256 bits) in base64url.
 * Show it to its owner once; store only `hashKey(key)`.
 *
 * @example generateKey() // → 'sk-aisbf-q3J0…' (52 characters)
 */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The stored form of a key: `sha256:<hex>`. A fast hash is enough because keys
 * are high-entropy random strings (no dictionary to brute-force); the prefix
 * names the algorithm so it can change later without ambiguity.
 *
 * @example hashKey('sk-aisbf-abc') // → 'sha256:5a1f…'
 */
export function hashKey(plaintext: string): string {
  return `sha256:${createHash('sha256').update(plaintext, 'utf8').digest('hex')}`;
}

/** True when `hash` has the shape `hashKey` produces (what config and stores may hold). */
export function isKeyHash(hash: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(hash);
}

/** Compares two stored hashes in constant time (both have the same length when well-formed). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Compares a presented secret with an expected one in constant time: both are
 * hashed first, so neither the content nor the length leaks through timing.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** What a request carried: nothing, something unusable, or a candidate key. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'malformed'; why: string }
  | { kind: 'key'; key: string };

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Reads the credential from `Authorization: Bearer <key>` or `x-api-key: <key>`
 * (Authorization first). Never includes the secret in `why`.
 */
export function readCredential(headers: Headers): Credential {
  const auth = headers.authorization;
  if (auth !== undefined) {
    if (typeof auth !== 'string') return { kind: 'malformed', why: 'The Authorization header was sent more than once.' };
    const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(auth);
    if (!m) return { kind: 'malformed', why: 'The Authorization header is malformed; it must be "Bearer <key>".' };
    return checked(m[1]);
  }
  const x = headers['x-api-key'];
  if (x !== undefined) {
    if (typeof x !== 'string') return { kind: 'malformed', why: 'The x-api-key header was sent more than once.' };
    const key = x.trim();
    if (key.length === 0 || /\s/.test(key)) return { kind: 'malformed', why: 'The x-api-key header is malformed.' };
    return checked(key);
  }
  return { kind: 'none' };
}

function checked(key: string): Credential {
  if (key.length > MAX_KEY_LENGTH) return { kind: 'malformed', why: `The API key is longer than ${MAX_KEY_LENGTH} characters.` };
  return { kind: 'key', key };
}
