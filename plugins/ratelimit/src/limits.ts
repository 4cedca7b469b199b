import type { RequestContext } from 'aisbf';

/**
 * Limits for one scope. Each is optional; an absent limit is not enforced.
 *
 * @example { rpm: 60, tpm: 100_000, concurrent: 4 }
 */
export interface Limits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute: input (estimated) plus the output allowance at admission, actual usage after. */
  tpm?: number;
  /** Requests in flight at the same time. */
  concurrent?: number;
}

/** What a limit is counted per. `model` is the public model name the client asked for. */
export type ScopeKind = 'key' | 'user' | 'team' | 'model';

/**
 * Options of the `ratelimit` plugin: defaults per scope, and overrides for
 * named users, teams and models. Per-key overrides come from the key itself
 * (`limits` on an `auth-keys` key), read from `ctx.principal.limits`.
 *
 * @example
 * ['ratelimit', { defaults: { key: { rpm: 60, tpm: 100000 }, team: { rpm: 600 } }, overrides: { team: { research: { rpm: 2000 } } } }]
 */
export interface RateLimitOptions {
  defaults?: Partial<Record<ScopeKind, Limits>>;
  overrides?: Partial<Record<Exclude<ScopeKind, 'key'>, Record<string, Limits>>>;
  /** Output tokens assumed at admission when the request sets no max and the catalogue knows none. Default 4096. */
  defaultMaxTokens?: number;
  /**
   * Concurrency counters expire this long after they were created (default 300000 ms),
   * so slots held by a node that crashed mid-request come back.
   */
  concurrencyLeaseMs?: number;
}

/** One scope that applies to a request, with its merged limits. */
export interface Scope {
  kind: ScopeKind;
  /** The key id, user, team or model name. */
  id: string;
  limits: Limits;
}

function hasAny(l: Limits): boolean {
  return l.rpm !== undefined || l.tpm !== undefined || l.concurrent !== undefined;
}

/**
 * The scopes that limit this request, from the principal set by auth (never
 * from the request body: a `user` field in the body changes nothing) and the
 * model name. Without a principal every caller shares the `anonymous` key scope.
 */
export function scopesFor(ctx: RequestContext, options: RateLimitOptions): Scope[] {
  const d = options.defaults ?? {};
  const o = options.overrides ?? {};
  const p = ctx.principal;
  const keyLimits = typeof p?.limits === 'object' && p.limits !== null ? (p.limits as Limits) : {};
  const out: Scope[] = [{ kind: 'key', id: p?.id ?? 'anonymous', limits: { ...d.key, ...keyLimits } }];
  if (typeof p?.user === 'string') out.push({ kind: 'user', id: p.user, limits: { ...d.user, ...o.user?.[p.user] } });
  if (typeof p?.team === 'string') out.push({ kind: 'team', id: p.team, limits: { ...d.team, ...o.team?.[p.team] } });
  out.push({ kind: 'model', id: ctx.model, limits: { ...d.model, ...o.model?.[ctx.model] } });
  return out.filter((s) => hasAny(s.limits));
}

/**
 * JSON Schema of `Limits`: for this plugin's options, and for plugins that
 * hand limits to it on the principal (auth-keys stores them per key).
 */
export const limitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rpm: { type: 'integer', minimum: 1 },
    tpm: { type: 'integer', minimum: 1 },
    concurrent: { type: 'integer', minimum: 1 },
  },
} as const;

const named = { type: 'object', additionalProperties: limitsSchema };

export const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaults: {
      type: 'object',
      additionalProperties: false,
      properties: { key: limitsSchema, user: limitsSchema, team: limitsSchema, model: limitsSchema },
    },
    overrides: {
      type: 'object',
      additionalProperties: false,
      properties: { user: named, team: named, model: named },
    },
    defaultMaxTokens: { type: 'integer', minimum: 1 },
    concurrencyLeaseMs: { type: 'integer', minimum: 1000 },
  },
};
