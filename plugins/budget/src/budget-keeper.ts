import { AISBF_ERR_RATE_LIMITED, type SharedState } from 'aisbf';
import type { BudgetLimit, BudgetScopeKind } from './options.js';
import { periodName, periodWindow } from './period.js';
import { dollars, toMicro } from './pricing.js';

/** A budget that applies to one request. */
export interface BudgetScope {
  kind: BudgetScopeKind;
  id: string;
  limit: BudgetLimit;
}

/** What an admitted request holds: the counters it reserved in, and how much. */
export interface BudgetReservation {
  micro: number;
  counters: string[];
}

/** Spent counters outlive their period by a day, so a late settle still lands in the right one. */
const GRACE_MS = 86_400_000;

/**
 * Spend per scope and period as integer micro-dollars in shared state.
 * Admission adds the worst-case cost with one atomic increment per scope and
 * keeps it only if the total stays within the limit, so the sum of what is
 * reserved never exceeds a budget: concurrent requests cannot overshoot it by
 * more than what one request's real cost exceeds its reservation (nothing,
 * when the reservation is bounded by max_tokens). Settling swaps the
 * reservation for the real cost.
 */
export class BudgetKeeper {
  readonly #state: SharedState;
  readonly #now: () => number;

  constructor(state: SharedState, now: () => number = Date.now) {
    this.#state = state;
    this.#now = now;
  }

  /** The counter of a scope for the period containing now. */
  counter(scope: BudgetScope, now = this.#now()): { key: string; end: number } {
    const w = periodWindow(scope.limit.period, now);
    return { key: `budget:${scope.kind}:${encodeURIComponent(scope.id)}:${scope.limit.period}:${w.label}`, end: w.end };
  }

  /** What a scope has spent (and holds reserved) this period, in micro-dollars. */
  async spent(scope: BudgetScope): Promise<number> {
    return Number((await this.#state.get<number>(this.counter(scope).key)) ?? 0);
  }

  /** Reserves `usd` in every scope, or throws 429 `insufficient_quota` naming the scope that is out. */
  async reserve(scopes: BudgetScope[], usd: number): Promise<BudgetReservation> {
    const micro = toMicro(usd);
    const now = this.#now();
    const targets = scopes.map((s) => ({ s, limit: toMicro(s.limit.usd), ...this.counter(s, now) }));
    if (micro <= 0) return { micro: 0, counters: [] };

    // A read first, so a request that cannot fit never touches the counter and never makes a concurrent one fail.
    const before = await Promise.all(targets.map((t) => this.#state.get<number>(t.key)));
    const full = targets.findIndex((t, i) => Number(before[i] ?? 0) + micro > t.limit);
    if (full >= 0) throw this.#refusal(targets[full].s, Number(before[full] ?? 0), micro, targets[full].end, now);

    const after = await Promise.allSettled(targets.map((t) => this.#state.incr(t.key, micro, t.end - now + GRACE_MS)));
    const over = after.findIndex((r, i) => r.status === 'fulfilled' && r.value > targets[i].limit);
    const failed = after.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (over >= 0 || failed) {
      await Promise.allSettled(targets.map((t, i) => (after[i].status === 'fulfilled' ? this.#state.incr(t.key, -micro) : undefined)));
      if (failed) throw failed.reason;
      const got = after[over] as PromiseFulfilledResult<number>;
      throw this.#refusal(targets[over].s, got.value - micro, micro, targets[over].end, now);
    }
    return { micro, counters: targets.map((t) => t.key) };
  }

  /** Replaces the reservation by the real cost (0 when nothing was used). */
  async settle(r: BudgetReservation, actualUsd: number): Promise<void> {
    const delta = toMicro(actualUsd) - r.micro;
    if (delta === 0 || r.counters.length === 0) return;
    await Promise.all(r.counters.map((key) => this.#state.incr(key, delta)));
  }

  #refusal(s: BudgetScope, spent: number, micro: number, end: number, now: number) {
    const limit = toMicro(s.limit.usd);
    return AISBF_ERR_RATE_LIMITED(
      `Budget exceeded for ${s.kind} '${s.id}': ${dollars(Math.min(spent, limit))} of ${dollars(limit)} is spent or reserved ${periodName(s.limit.period)}, `
      + `and this request may cost up to ${dollars(micro)}. The budget resets at ${new Date(end).toISOString()}; a lower max_tokens lowers the reservation.`,
      end - now,
      'insufficient_quota',
    );
  }
}
