import type { Limits } from '@aisbf/plugin-ratelimit';
import { AISBF_ERR_INVALID_REQUEST } from 'aisbf';

/** Per-key rate limits: the `ratelimit` plugin's `Limits`, which it reads from the principal. */
export type KeyLimits = Limits;

/** A per-key spend limit; read by the `budget` plugin from the principal. */
export interface KeyBudget {
  usd: number;
  period: 'day' | 'month';
}

/**
 * What the gateway knows about one API key. The secret itself is never part
 * of it: only its hash, which is never returned by the admin API either.
 *
 * @example
 * { id: 'key_3f9a0c1b2d4e', hash: 'sha256:…', user: 'ana', team: 'search', tier: 'premium',
 *   models: ['smart', 'gpt/*'], limits: { rpm: 60 }, budget: { usd: 20, period: 'month' }, createdAt: '2026-01-05T10:00:00.000Z' }
 */
export interface KeyRecord {
  id: string;
  hash: string;
  /** A label for people ("ci pipeline"); not used for decisions. */
  name?: string;
  user?: string;
  team?: string;
  tier?: string;
  /** Models the key may call: exact public names or `provider/model`, or a prefix ending in `*`. Absent = all. */
  models?: string[];
  limits?: KeyLimits;
  budget?: KeyBudget;
  /** ISO 8601; the key is refused from then on. */
  expiresAt?: string;
  disabled?: boolean;
  createdAt: string;
  /** `config` for keys from the config file (read-only through the admin API), `store` for the rest. */
  source: 'config' | 'store';
}

/** The fields a client of the admin API may set. */
export type KeyFields = Pick<KeyRecord, 'name' | 'user' | 'team' | 'tier' | 'models' | 'limits' | 'budget' | 'expiresAt' | 'disabled'>;

/** The admin API's view of a key: everything but the hash. */
export type PublicKey = Omit<KeyRecord, 'hash'> & { object: 'api_key' };

export function publicView(r: KeyRecord): PublicKey {
  const { hash: _hash, ...rest } = r;
  return { object: 'api_key', ...rest };
}

/** JSON Schema of a key's budget, shared by the plugin options (config keys) and the admin API. */
export const budgetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['usd', 'period'],
  properties: { usd: { type: 'number', minimum: 0 }, period: { enum: ['day', 'month'] } },
} as const;

const TEXT = /^[\w.@:/ -]{1,128}$/;
const MODEL = /^[\w.@:/-]{1,200}\*?$|^\*$/;
const FIELDS = new Set(['name', 'user', 'team', 'tier', 'models', 'limits', 'budget', 'expiresAt', 'disabled']);

/**
 * Checks an admin API body (POST or PATCH) by hand: the messages name the
 * field, and nothing unknown (say, a `hash` or `id`) slips into a record.
 */
export function parseKeyFields(body: unknown): KeyFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw AISBF_ERR_INVALID_REQUEST('The body must be a JSON object.');
  const input = body as Record<string, unknown>;
  const out: KeyFields = {};
  for (const [k, v] of Object.entries(input)) {
    if (!FIELDS.has(k)) throw AISBF_ERR_INVALID_REQUEST(`Unknown field '${k}'. Allowed: ${[...FIELDS].join(', ')}.`, k);
    if (v === null || v === undefined) continue;
    switch (k) {
      case 'name': case 'user': case 'team': case 'tier':
        if (typeof v !== 'string' || !TEXT.test(v)) throw AISBF_ERR_INVALID_REQUEST(`'${k}' must be 1–128 characters of letters, digits, space and . _ @ : / -.`, k);
        out[k] = v;
        break;
      case 'models':
        if (!Array.isArray(v) || v.length > 200 || !v.every((m) => typeof m === 'string' && MODEL.test(m))) {
          throw AISBF_ERR_INVALID_REQUEST("'models' must be an array of model names (a trailing '*' matches a prefix).", k);
        }
        out.models = v as string[];
        break;
      case 'limits':
        out.limits = parseLimits(v);
        break;
      case 'budget':
        out.budget = parseBudget(v);
        break;
      case 'expiresAt':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw AISBF_ERR_INVALID_REQUEST("'expiresAt' must be an ISO 8601 date-time.", k);
        out.expiresAt = new Date(v).toISOString();
        break;
      case 'disabled':
        if (typeof v !== 'boolean') throw AISBF_ERR_INVALID_REQUEST("'disabled' must be true or false.", k);
        out.disabled = v;
        break;
    }
  }
  return out;
}

function parseLimits(v: unknown): KeyLimits {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw AISBF_ERR_INVALID_REQUEST("'limits' must be an object { rpm, tpm, concurrent }.", 'limits');
  const out: KeyLimits = {};
  for (const [k, n] of Object.entries(v)) {
    if (k !== 'rpm' && k !== 'tpm' && k !== 'concurrent') throw AISBF_ERR_INVALID_REQUEST(`Unknown limit '${k}'; use rpm, tpm or concurrent.`, `limits.${k}`);
    if (!Number.isSafeInteger(n) || (n as number) < 1) throw AISBF_ERR_INVALID_REQUEST(`'limits.${k}' must be a positive integer.`, `limits.${k}`);
    out[k] = n as number;
  }
  return out;
}

function parseBudget(v: unknown): KeyBudget {
  const b = v as Partial<KeyBudget> | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b)
    || typeof b.usd !== 'number' || !Number.isFinite(b.usd) || b.usd < 0
    || (b.period !== 'day' && b.period !== 'month') || Object.keys(b).some((k) => k !== 'usd' && k !== 'period')) {
    throw AISBF_ERR_INVALID_REQUEST("'budget' must be { usd: <number ≥ 0>, period: 'day' | 'month' }.", 'budget');
  }
  return { usd: b.usd, period: b.period };
}

/**
 * Whether a key may call `model` (the name the client sent). Patterns are
 * exact names, or a prefix followed by `*` (`gpt/*`, `*`).
 */
export function allowsModel(patterns: readonly string[] | undefined, model: string): boolean {
  if (!patterns) return true;
  for (const p of patterns) {
    if (p.endsWith('*') ? model.startsWith(p.slice(0, -1)) : model === p) return true;
  }
  return false;
}
