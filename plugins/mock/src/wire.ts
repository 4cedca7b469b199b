/**
 * Options of a `mock` provider entry (flat beside `type`).
 *
 * @example { type: 'mock', latencyMs: 20, ttftMs: 5, chunks: 8, failRate: 0.1, failStatus: 503 }
 */
export interface MockOptions {
  type: string;
  /** Delay before a JSON answer, in ms. Default 0. */
  latencyMs?: number;
  /** Delay before the first streamed chunk, in ms. Default: `latencyMs`. */
  ttftMs?: number;
  /** Delay between streamed chunks, in ms. Default 0. */
  chunkDelayMs?: number;
  /** How many content chunks a stream is cut into. Default 4. */
  chunks?: number;
  /** Share of requests that fail, 0–1, spread evenly (every 1/rate-th request), so runs repeat exactly. Default 0. */
  failRate?: number;
  /** HTTP status of an injected failure. Default 500. */
  failStatus?: number;
  /** End streams with a dropped connection after this many content chunks (a mid-stream cut). */
  cutAfterChunks?: number;
  /** Length of embedding vectors. Default 8. */
  dimensions?: number;
  [option: string]: unknown;
}
