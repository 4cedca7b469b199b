import type { SharedState } from 'aisbf';
import type { LedgerRow } from './ledger-row.js';
import type { UsageStore } from './usage-store.js';
import { utcDay, type GroupBy, type UsageQuery, type UsageTotals } from './usage-query.js';

const DAY_MS = 86_400_000;
/** Costs are kept as integer nano-dollars: shared state only adds integers atomically. */
const NANO = 1e9;

/** The dimensions a day's counters are split by: enough to answer every `group_by`. */
type Combo = [team: string | null, key: string | null, model: string, provider: string | null];
const COUNTERS = ['requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_nusd', 'cost_unknown_requests', 'saved_nusd'] as const;
type Counter = (typeof COUNTERS)[number];

/**
 * The ledger without a database: daily counters per team × key × model ×
 * provider in the gateway's shared state (durable with the Redis backend).
 * It answers `/admin/usage` at day granularity (`from`/`to` are rounded to
 * whole UTC days) and keeps no per-request rows.
 *
 * Keys under `usage-ledger:<day>:` — `n` (how many combos the day has),
 * `slot:<i>` (combo i), `seen:<combo>` (first writer takes a slot),
 * `c:<combo>:<counter>`; and `usage-ledger:first-day`. Only atomic `incr`
 * and write-once `set`, so several nodes can write at once.
 */
export class StateUsageStore implements UsageStore {
  readonly kind = 'state';
  readonly #state: SharedState;
  readonly #ttlMs: number;

  constructor(state: SharedState, retentionDays: number) {
    this.#state = state;
    this.#ttlMs = retentionDays * DAY_MS;
  }

  async init(): Promise<void> {}

  async insert(rows: LedgerRow[]): Promise<void> {
    // Add up the batch first: one increment per counter and combo, not per row.
    const sums = new Map<string, { day: string; combo: Combo; c: Record<Counter, number> }>();
    for (const r of rows) {
      const day = utcDay(new Date(r.ts));
      const combo: Combo = [r.team, r.principalId, r.model, r.provider];
      const id = `${day}:${JSON.stringify(combo)}`;
      let s = sums.get(id);
      if (!s) {
        s = { day, combo, c: { requests: 0, input_tokens: 0, output_tokens: 0, cached_tokens: 0, cost_nusd: 0, cost_unknown_requests: 0, saved_nusd: 0 } };
        sums.set(id, s);
      }
      s.c.requests++;
      s.c.input_tokens += r.inputTokens ?? 0;
      s.c.output_tokens += r.outputTokens ?? 0;
      s.c.cached_tokens += r.cachedTokens ?? 0;
      if (r.costUsd === null) s.c.cost_unknown_requests++;
      else s.c.cost_nusd += Math.round(r.costUsd * NANO);
      s.c.saved_nusd += Math.round((r.savedUsd ?? 0) * NANO);
    }
    const days = new Set<string>();
    for (const { day, combo, c } of sums.values()) {
      days.add(day);
      await this.#register(day, combo);
      const base = `usage-ledger:${day}:c:${JSON.stringify(combo)}:`;
      await Promise.all(COUNTERS.filter((k) => c[k] !== 0).map((k) => this.#state.incr(base + k, c[k], this.#ttlMs)));
    }
    const first = [...days].sort()[0];
    if (first) await this.#noteFirstDay(first);
  }

  async totals(q: UsageQuery): Promise<UsageTotals[]> {
    const firstDay = await this.#state.get<string>('usage-ledger:first-day');
    if (!firstDay) return [];
    const start = Math.max(Date.parse(`${firstDay}T00:00:00Z`), Math.floor(q.from.getTime() / DAY_MS) * DAY_MS);
    const groups = new Map<string | null, UsageTotals>();
    for (let t = start; t < q.to.getTime(); t += DAY_MS) {
      const day = utcDay(new Date(t));
      const n = (await this.#state.get<number>(`usage-ledger:${day}:n`)) ?? 0;
      for (let i = 1; i <= n; i++) {
        const combo = await this.#state.get<Combo>(`usage-ledger:${day}:slot:${i}`);
        // A slot is taken before its name is written: another node may be between the two.
        if (!combo) continue;
        const base = `usage-ledger:${day}:c:${JSON.stringify(combo)}:`;
        const v = await Promise.all(COUNTERS.map(async (k) => (await this.#state.get<number>(base + k)) ?? 0));
        const group = groupOf(q.groupBy, combo, day);
        let g = groups.get(group);
        if (!g) {
          g = { group, requests: 0, input_tokens: 0, output_tokens: 0, cached_tokens: 0, cost_usd: 0, cost_unknown_requests: 0, saved_usd: 0 };
          groups.set(group, g);
        }
        g.requests += v[0];
        g.input_tokens += v[1];
        g.output_tokens += v[2];
        g.cached_tokens += v[3];
        g.cost_usd += v[4] / NANO;
        g.cost_unknown_requests += v[5];
        g.saved_usd += v[6] / NANO;
      }
    }
    return [...groups.values()].sort((a, b) => (a.group === null ? 1 : b.group === null ? -1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  async close(): Promise<void> {}

  async #register(day: string, combo: Combo): Promise<void> {
    const seen = await this.#state.incr(`usage-ledger:${day}:seen:${JSON.stringify(combo)}`, 1, this.#ttlMs);
    if (seen !== 1) return;
    const slot = await this.#state.incr(`usage-ledger:${day}:n`, 1, this.#ttlMs);
    await this.#state.set(`usage-ledger:${day}:slot:${slot}`, combo, this.#ttlMs);
  }

  async #noteFirstDay(day: string): Promise<void> {
    const known = await this.#state.get<string>('usage-ledger:first-day');
    if (!known || day < known) await this.#state.set('usage-ledger:first-day', day);
  }
}

function groupOf(by: GroupBy, [team, key, model, provider]: Combo, day: string): string | null {
  switch (by) {
    case 'team': return team;
    case 'key': return key;
    case 'model': return model;
    case 'provider': return provider;
    case 'day': return day;
  }
}
