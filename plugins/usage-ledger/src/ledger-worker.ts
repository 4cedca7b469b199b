// The ledger worker: rows are queued, encoded for COPY and written to PostgreSQL here,
// off the thread that serves requests.
import { serveBatches } from 'aisbf/worker';
import { PgUsageStore, type RowValues } from './pg-store.js';
import { WriteQueue, type QueueStats } from './write-queue.js';

/** What the plugin hands its worker. */
export interface LedgerWorkerData {
  databaseUrl: string;
  table: string;
  poolSize?: number;
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
}

/** What the worker reports: its counters after each batch, and problems for the gateway's log. */
export type LedgerWorkerEvent =
  | { stats: QueueStats }
  | { problem: { kind: 'dropped' | 'write-failed'; count: number; error?: string }; stats: QueueStats };

serveBatches<RowValues, LedgerWorkerData>((data, emit: (e: LedgerWorkerEvent) => void) => {
  const store = new PgUsageStore(data.databaseUrl, data.table, data.poolSize);
  const queue: WriteQueue<RowValues> = new WriteQueue<RowValues>((rows) => store.insertValues(rows), {
    capacity: data.capacity,
    batchSize: data.batchSize,
    flushIntervalMs: data.flushIntervalMs,
    onProblem: (p) => emit({
      problem: { kind: p.kind, count: p.count, error: p.error === undefined ? undefined : p.error instanceof Error ? p.error.message : String(p.error) },
      stats: queue.stats(),
    }),
    onSettled: (stats) => emit({ stats }),
  });
  return {
    batch(rows) {
      for (const r of rows) queue.push(r);
    },
    calls: {
      flush: async () => {
        await queue.flush();
        return queue.stats();
      },
      close: async () => {
        await queue.close();
        await store.close();
        return queue.stats();
      },
    },
  };
});
