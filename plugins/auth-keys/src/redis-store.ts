import { createClient, type RedisClientType } from '@redis/client';
import type { KeyRecord } from './key-record.js';
import { fromStored, toStored, type KeyStore } from './key-store.js';

/**
 * Keys in Redis: `<prefix>id:<id>` holds the record (JSON), `<prefix>hash:<hash>`
 * the id, and the set `<prefix>ids` every id. Writes go in one MULTI so a
 * reader never sees a hash without its record. Use a Redis with persistence
 * (AOF or RDB): these are durable records.
 */
export class RedisKeyStore implements KeyStore {
  readonly kind = 'redis';
  readonly #client: RedisClientType;
  readonly #prefix: string;

  private constructor(client: RedisClientType, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
  }

  static async connect(url: string, prefix: string): Promise<RedisKeyStore> {
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    }) as RedisClientType;
    // Reconnection errors are reported here; without a listener they would crash the process.
    client.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no connection within 3 s')), 3000); }),
      ]);
    } catch (err) {
      client.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return new RedisKeyStore(client, prefix);
  }

  async init(): Promise<void> {}

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const id = await this.#client.get(`${this.#prefix}hash:${hash}`);
    return id ? this.get(id) : undefined;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const raw = await this.#client.get(`${this.#prefix}id:${id}`);
    return raw ? fromStored(JSON.parse(raw)) : undefined;
  }

  async list(): Promise<KeyRecord[]> {
    const ids = (await this.#client.sMembers(`${this.#prefix}ids`)).sort();
    if (ids.length === 0) return [];
    const raws = await this.#client.mGet(ids.map((id) => `${this.#prefix}id:${id}`));
    return raws.filter((r): r is string => typeof r === 'string').map((r) => fromStored(JSON.parse(r)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async put(record: KeyRecord): Promise<void> {
    const previous = await this.get(record.id);
    const multi = this.#client.multi();
    if (previous && previous.hash !== record.hash) multi.del(`${this.#prefix}hash:${previous.hash}`);
    multi.set(`${this.#prefix}id:${record.id}`, JSON.stringify(toStored(record)));
    multi.set(`${this.#prefix}hash:${record.hash}`, record.id);
    multi.sAdd(`${this.#prefix}ids`, record.id);
    await multi.exec();
  }

  async delete(id: string): Promise<boolean> {
    const previous = await this.get(id);
    if (!previous) return false;
    await this.#client.multi()
      .del(`${this.#prefix}hash:${previous.hash}`)
      .del(`${this.#prefix}id:${id}`)
      .sRem(`${this.#prefix}ids`, id)
      .exec();
    return true;
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isOpen) await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}
