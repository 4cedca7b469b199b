import { Gauge, type Registry } from 'prom-client';
import type { Plugin } from 'aisbf';

/** The counters the `usage-ledger` plugin object hands out with `stats()`. */
interface LedgerStatsSource {
  stats(): { queued: number; written: number; dropped: number; failedBatches: number };
}

function isLedger(p: Plugin): p is Plugin & LedgerStatsSource {
  return p.name === 'usage-ledger' && typeof (p as Partial<LedgerStatsSource>).stats === 'function';
}

/**
 * `aisbf_ledger_records{state}`: the usage ledger's queue, read at scrape
 * time — `queued`, `written`, `dropped` (a full queue or a failed write: the
 * numbers to alert on) and `failed_batches`. Absent without the ledger.
 */
export function registerLedgerGauge(registry: Registry, plugins: readonly Plugin[]): boolean {
  const ledger = plugins.find(isLedger);
  if (!ledger) return false;
  new Gauge({
    name: 'aisbf_ledger_records',
    help: 'Usage ledger records by state since start: queued (waiting), written, dropped (queue full or write failed), failed_batches.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = ledger.stats();
      this.set({ state: 'queued' }, s.queued);
      this.set({ state: 'written' }, s.written);
      this.set({ state: 'dropped' }, s.dropped);
      this.set({ state: 'failed_batches' }, s.failedBatches);
    },
  });
  return true;
}
