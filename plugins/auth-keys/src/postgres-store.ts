import pg from 'pg';
import type { KeyRecord } from './key-record.js';
import { fromStored, toStored, type KeyStore } from './key-store.js';

const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Keys in one PostgreSQL table: `(id text primary key, hash text unique, record jsonb)`.
 * Lookups by hash hit the unique index.
 */
export class PostgresKeyStore implements KeyStore {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #table: string;

  constructor(url: string, table: string) {
    if (!TABLE.test(table)) throw new Error(`store.table '${table}' is not a plain lower-case SQL identifier.`);
    this.#table = table;
    // A small pool: lookups are cached for under a second, so the store sees little traffic.
    this.#pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30_000 });
    // An idle client that loses its connection emits here; without a listener that would crash the process.
    this.#pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    try {
      await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${this.#table} (
        id text PRIMARY KEY,
        hash text NOT NULL UNIQUE,
        record jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    } catch (err) {
      // Several nodes starting together race on CREATE TABLE IF NOT EXISTS; the loser sees a duplicate.
      const code = (err as { code?: string }).code;
      if (code !== '23505' && code !== '42P07') throw err;
    }
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const r = await this.#pool.query(`SELECT record FROM ${this.#table} WHERE hash = $1`, [hash]);
    return r.rows[0] ? fromStored(r.rows[0].record) : undefined;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const r = await this.#pool.query(`SELECT record FROM ${this.#table} WHERE id = $1`, [id]);
    return r.rows[0] ? fromStored(r.rows[0].record) : undefined;
  }

  async list(): Promise<KeyRecord[]> {
    const r = await this.#pool.query(`SELECT record FROM ${this.#table} ORDER BY created_at, id`);
    return r.rows.map((row: { record: unknown }) => fromStored(row.record));
  }

  async put(record: KeyRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO ${this.#table} (id, hash, record) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET hash = EXCLUDED.hash, record = EXCLUDED.record`,
      [record.id, record.hash, JSON.stringify(toStored(record))],
    );
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.#pool.query(`DELETE FROM ${this.#table} WHERE id = $1`, [id]);
    return (r.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
