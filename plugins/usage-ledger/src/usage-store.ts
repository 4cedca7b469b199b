import type { LedgerRow } from './ledger-row.js';
import type { UsageQuery, UsageTotals } from './usage-query.js';

/** Where the ledger keeps its records: PostgreSQL rows, or counters in shared state. */
export interface UsageStore {
  /** `postgres` or `state`. */
  readonly kind: string;
  /** Creates what the store needs (tables, indexes); called once at start. */
  init(): Promise<void>;
  insert(rows: LedgerRow[]): Promise<void>;
  totals(query: UsageQuery): Promise<UsageTotals[]>;
  close(): Promise<void>;
}
