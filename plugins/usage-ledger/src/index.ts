import { catalogFor, type Catalog } from '@aisbf/plugin-catalog';
import { ByteWriter, definePlugin, type Plugin, type RequestContext, type RequestSummary, type ResolvedConfig } from 'aisbf';
import { adminCheck } from './admin-guard.js';
import { ledgerRow, type LedgerRow } from './ledger-row.js';
import { copyRowWriter } from './copy-text.js';
import { PgUsageStore } from './pg-store.js';
import { StateUsageStore } from './state-store.js';
import { grandTotal, parseUsageQuery, toCsv } from './usage-query.js';
import type { UsageStore } from './usage-store.js';
import { WriteQueue, type QueueProblem, type QueueStats } from './write-queue.js';

export type { LedgerRow } from './ledger-row.js';
export type { QueueStats } from './write-queue.js';
export type { GroupBy, UsageTotals } from './usage-query.js';

/**
 * Options of `usage-ledger`.
 *
 * @example plugins: [['usage-ledger', { databaseUrl: '${DATABASE_URL}' }]]
 */
export interface UsageLedgerOptions {
  /** PostgreSQL URL. Without it, daily totals go to the gateway's shared state (use Redis to keep them). */
  databaseUrl?: string;
  /** Table for the rows; created with its indexes at start. Default `aisbf_usage`. */
  table?: string;
  /** Most rows waiting to be written; beyond it rows are dropped and counted, never awaited. Default 10000. */
  queueSize?: number;
  /**
   * Rows per COPY (per write to shared state without a database). Default
   * 2000: each COPY is a transaction, and PostgreSQL spends about 12% less CPU
   * a row on batches of 2000 than of 500. Under light traffic a batch is
   * written after `flushIntervalMs` whatever its size.
   */
  batchSize?: number;
  /** Longest a row waits for its batch, in ms. Default 1000. */
  flushIntervalMs?: number;
  /** PostgreSQL connections. Default 4. */
  poolSize?: number;
  /**
   * Longest a database call may take, in ms: connecting, a batch's COPY, a
   * usage query. Past it the call fails; a batch is retried once, then dropped
   * and counted, so a database that stops answering cannot hang writes or
   * shutdown. Default 30000.
   */
  timeoutMs?: number;
  /** Days the shared-state counters are kept (without a database). Default 400. */
  retentionDays?: number;
  /** The key for `/admin/usage`; default the `auth-keys` admin key, else `AISBF_ADMIN_KEY`. */
  adminKey?: string;
}

/** The plugin object, with its queue counters for metrics and tests. */
export interface UsageLedgerPlugin extends Plugin {
  /** Rows queued, written and dropped since start. */
  stats(): QueueStats;
  /** Writes what is queued now (tests; shutdown does it by itself). */
  flush(): Promise<void>;
}

/**
 * A durable record of every request — who, which model and provider, status,
 * tokens, cost, cache savings — in PostgreSQL (or shared state), and
 * `GET /admin/usage` with totals grouped by team, key, model, provider or day,
 * as JSON or CSV.
 *
 * @example plugins: [['usage-ledger', { databaseUrl: 'postgres://ledger@db/aisbf' }]]
 */
export default function usageLedger(options: UsageLedgerOptions = {}): UsageLedgerPlugin {
  let store: UsageStore | undefined;
  // With PostgreSQL, rows wait for their batch as their COPY lines' bytes, written into the
  // batch's buffer as each request ends: a waiting row is not an object the garbage collector
  // has to trace and promote (rows wait up to a second, longer than young objects live).
  let lines: WriteQueue<LedgerRow, ByteWriter> | undefined;
  let rows: WriteQueue<LedgerRow> | undefined;
  let catalog: Catalog;
  let config: ResolvedConfig;

  function record(ctx: RequestContext, summary: RequestSummary): void {
    const row = ledgerRow(ctx, summary, catalog, config);
    (lines ?? rows)?.push(row);
  }

  return definePlugin<UsageLedgerPlugin>({
    name: 'usage-ledger',
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
        table: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
        queueSize: { type: 'integer', minimum: 1 },
        batchSize: { type: 'integer', minimum: 1, maximum: 10000 },
        flushIntervalMs: { type: 'integer', minimum: 1 },
        poolSize: { type: 'integer', minimum: 1 },
        timeoutMs: { type: 'integer', minimum: 1 },
        retentionDays: { type: 'integer', minimum: 1 },
        adminKey: { type: 'string', minLength: 16 },
      },
    },
    stats: () => (lines ?? rows)?.stats() ?? { queued: 0, written: 0, dropped: 0, failedBatches: 0 },
    flush: async () => {
      await (lines ?? rows)?.flush();
    },
    async setup(api) {
      config = api.config;
      catalog = catalogFor(api.config);
      let pgStore: PgUsageStore | undefined;
      if (options.databaseUrl) {
        store = pgStore = new PgUsageStore(options.databaseUrl, options.table ?? 'aisbf_usage', options.poolSize, options.timeoutMs);
      } else {
        store = new StateUsageStore(api.state, options.retentionDays ?? 400);
        if (api.state.volatile) {
          api.logger.warn('usage-ledger has no databaseUrl and the shared state is in process memory: usage records are lost on restart. Set databaseUrl, or state.backend: redis.');
        }
      }
      await store.init();
      const log = api.logger;
      const sink = store;
      const capacity = options.queueSize ?? 10_000;
      const batchSize = options.batchSize ?? 2000;
      const flushIntervalMs = options.flushIntervalMs ?? 1000;
      const onProblem = (p: QueueProblem) => {
        const err = p.error instanceof Error ? p.error.message : String(p.error);
        if (p.kind === 'dropped') log.warn({ dropped: p.count }, 'usage-ledger dropped records: the queue was full or a batch failed twice (the store is slower than traffic, or unreachable)');
        else if (p.retry) log.error({ rows: p.count, err }, 'usage-ledger write failed; retrying once');
        else log.error({ rows: p.count, err }, 'usage-ledger write failed again; the rows are dropped. Check the database.');
      };
      const queueOptions = { capacity, batchSize, flushIntervalMs, onProblem };
      if (pgStore) {
        const pgSink = pgStore;
        // A batch's buffer starts the size the last batch ended with (plus a quarter), so it
        // rarely grows under steady traffic and stays small under light traffic. Once its COPY
        // has succeeded, the buffer takes the next batch: a new one would be fresh memory, cold in
        // the cache, for the thread that serves requests to write each row into.
        let bytesHint = 16_384;
        let spare: ByteWriter | undefined;
        const write = async (batch: ByteWriter) => {
          const bytes = batch.bytes();
          bytesHint = Math.max(16_384, Math.ceil(bytes.length * 1.25));
          await pgSink.insertBytes(bytes);
          batch.truncate(0);
          spare = batch;
        };
        const writeRow = copyRowWriter();
        lines = new WriteQueue<LedgerRow, ByteWriter>(write, queueOptions, {
          create: () => {
            const reused = spare;
            spare = undefined;
            return reused ?? new ByteWriter(bytesHint);
          },
          add: (batch, row) => {
            const start = batch.length;
            try {
              writeRow(batch, row);
            } catch (err) {
              // A half-written line would fail the whole batch's COPY.
              batch.truncate(start);
              throw err;
            }
          },
        });
      } else {
        rows = new WriteQueue<LedgerRow>((batch) => sink.insert(batch), queueOptions);
      }

      api.router.get('/admin/usage', async (ctx) => {
        await adminCheck(config, options.adminKey)(ctx.headers);
        const q = parseUsageQuery(ctx.query);
        const data = await sink.totals(q);
        if (q.format === 'csv') {
          ctx.type = 'text/csv; charset=utf-8';
          ctx.set('content-disposition', `attachment; filename="aisbf-usage-${q.groupBy}.csv"`);
          ctx.body = toCsv(q.groupBy, data);
          return;
        }
        ctx.body = {
          object: 'usage',
          group_by: q.groupBy,
          from: q.from.toISOString(),
          to: q.to.toISOString(),
          store: sink.kind,
          data: data.map(({ group, ...totals }) => ({ [q.groupBy]: group, ...totals })),
          total: grandTotal(data),
        };
      });
    },
    async close() {
      await (lines ?? rows)?.close();
      await store?.close();
    },
    observe: { response: record, error: record },
  });
}
