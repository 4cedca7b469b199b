import type { Period } from './period.js';
import type { Price } from './pricing.js';

/**
 * A spend limit in USD per period.
 *
 * @example { usd: 50, period: 'month' }
 */
export interface BudgetLimit {
  usd: number;
  period: Period;
}

export type BudgetScopeKind = 'key' | 'user' | 'team';

/**
 * Options of the `budget` plugin. Per-key budgets come from the key itself
 * (`budget` on an `auth-keys` key, read from `ctx.principal.budget`) and win
 * over `defaults.key`.
 *
 * @example
 * ['budget', { defaults: { team: { usd: 500, period: 'month' }, key: { usd: 20, period: 'day' } },
 *              overrides: { team: { research: { usd: 5000, period: 'month' } } } }]
 */
export interface BudgetOptions {
  defaults?: Partial<Record<BudgetScopeKind, BudgetLimit>>;
  overrides?: Partial<Record<Exclude<BudgetScopeKind, 'key'>, Record<string, BudgetLimit>>>;
  /** Prices per `provider/model` or `model`, used before the catalogue's. */
  prices?: Record<string, Price>;
  /** Output tokens reserved when the request sets no max_tokens and the catalogue knows no max output. Default 4096. */
  defaultMaxTokens?: number;
  /**
   * A model with no known price, under a budget: `refuse` (default; 403 saying
   * which price is missing) or `free` (counted as costing nothing, e.g. self-hosted models).
   */
  unpriced?: 'refuse' | 'free';
}

const limit = {
  type: 'object',
  additionalProperties: false,
  required: ['usd', 'period'],
  properties: { usd: { type: 'number', minimum: 0 }, period: { enum: ['day', 'month'] } },
};
const named = { type: 'object', additionalProperties: limit };
const price = {
  type: 'object',
  additionalProperties: false,
  required: ['inputPerMTok', 'outputPerMTok'],
  properties: { inputPerMTok: { type: 'number', minimum: 0 }, outputPerMTok: { type: 'number', minimum: 0 } },
};

export const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaults: { type: 'object', additionalProperties: false, properties: { key: limit, user: limit, team: limit } },
    overrides: { type: 'object', additionalProperties: false, properties: { user: named, team: named } },
    prices: { type: 'object', additionalProperties: price },
    defaultMaxTokens: { type: 'integer', minimum: 1 },
    unpriced: { enum: ['refuse', 'free'] },
  },
};
