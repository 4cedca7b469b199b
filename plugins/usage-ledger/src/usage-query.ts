import { AISBF_ERR_INVALID_REQUEST } from 'aisbf';

/** What `/admin/usage` can group by. `key` is the principal id (the credential's id, not the secret). */
export const GROUP_BY = ['team', 'key', 'model', 'provider', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** A parsed `/admin/usage` query: `[from, to)` in UTC. */
export interface UsageQuery {
  groupBy: GroupBy;
  from: Date;
  to: Date;
  format: 'json' | 'csv';
}

/**
 * Totals of one group. `cost_usd` sums the rows with a known price;
 * `cost_unknown_requests` counts the others, so an unknown price is never
 * silently a zero.
 *
 * @example { group: 'search', requests: 120, input_tokens: 5400, output_tokens: 20100, cached_tokens: 0, cost_usd: 0.3177, cost_unknown_requests: 0, saved_usd: 0.012 }
 */
export interface UsageTotals {
  /** The team, key id, model, provider or day (`YYYY-MM-DD`); null for rows without one (no team, no provider). */
  group: string | null;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  cost_unknown_requests: number;
  saved_usd: number;
}

export const TOTAL_FIELDS = ['requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'cost_unknown_requests', 'saved_usd'] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function parseTime(v: string, param: 'from' | 'to'): Date {
  const d = new Date(DAY.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) {
    throw AISBF_ERR_INVALID_REQUEST(`'${param}' must be a date (2026-11-24) or an ISO timestamp (2026-11-24T10:00:00Z); got '${v}'.`, param);
  }
  // A bare day as `to` includes that whole day.
  return param === 'to' && DAY.test(v) ? new Date(d.getTime() + DAY_MS) : d;
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads `group_by`, `from`, `to` and `format` from a query string. Defaults:
 * group by team, from the epoch to now.
 */
export function parseUsageQuery(q: Record<string, string | string[] | undefined>, now = new Date()): UsageQuery {
  const groupBy = one(q.group_by) ?? 'team';
  if (!(GROUP_BY as readonly string[]).includes(groupBy)) {
    throw AISBF_ERR_INVALID_REQUEST(`'group_by' must be one of ${GROUP_BY.join(', ')}; got '${groupBy}'.`, 'group_by');
  }
  const format = one(q.format) ?? 'json';
  if (format !== 'json' && format !== 'csv') throw AISBF_ERR_INVALID_REQUEST(`'format' must be json or csv; got '${format}'.`, 'format');
  const fromRaw = one(q.from);
  const toRaw = one(q.to);
  const from = fromRaw ? parseTime(fromRaw, 'from') : new Date(0);
  const to = toRaw ? parseTime(toRaw, 'to') : new Date(now.getTime() + 1);
  if (from >= to) throw AISBF_ERR_INVALID_REQUEST(`'from' must be before 'to'.`, 'from');
  return { groupBy: groupBy as GroupBy, from, to, format };
}

/** The UTC day of a time, as `YYYY-MM-DD`. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // Quote what would break the row, and defuse spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The totals as CSV (RFC 4180), header first; the group column is named after `group_by`. */
export function toCsv(groupBy: GroupBy, rows: UsageTotals[]): string {
  const lines = [[groupBy, ...TOTAL_FIELDS].join(',')];
  for (const r of rows) lines.push([csvCell(r.group), ...TOTAL_FIELDS.map((f) => csvCell(r[f]))].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The sum of all groups. */
export function grandTotal(rows: UsageTotals[]): Omit<UsageTotals, 'group'> {
  const t = { requests: 0, input_tokens: 0, output_tokens: 0, cached_tokens: 0, cost_usd: 0, cost_unknown_requests: 0, saved_usd: 0 };
  for (const r of rows) for (const f of TOTAL_FIELDS) t[f] += r[f];
  return t;
}
