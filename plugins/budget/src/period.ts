/** A budget period, in UTC. */
export type Period = 'day' | 'month';

/** One period: where it starts and ends (ms since epoch) and a label for state keys. */
export interface PeriodWindow {
  start: number;
  end: number;
  /** `2026-11-24` for a day, `2026-11` for a month. */
  label: string;
}

/**
 * The period that contains `now`, in UTC (a budget resets at midnight UTC,
 * or on the 1st of the month).
 *
 * @example periodWindow('month', Date.parse('2026-11-24T09:00:00Z')) // → { start: 2026-11-01, end: 2026-12-01, label: '2026-11' }
 */
export function periodWindow(period: Period, now: number): PeriodWindow {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === 'day') {
    const start = Date.UTC(y, m, d.getUTCDate());
    return { start, end: Date.UTC(y, m, d.getUTCDate() + 1), label: new Date(start).toISOString().slice(0, 10) };
  }
  const start = Date.UTC(y, m, 1);
  return { start, end: Date.UTC(y, m + 1, 1), label: new Date(start).toISOString().slice(0, 7) };
}

/** The words a message uses for the period. */
export function periodName(period: Period): string {
  return period === 'day' ? 'today (UTC)' : 'this month (UTC)';
}
