import { createClient, type RedisClientType } from '@redis/client';
import { GatewayError, type Logger, type RateLimitResult, type SharedState } from 'aisbf';
import { GCRA, INCR_WITH_TTL } from './lua.js';

export interface RedisStateOptions {
  /** `redis://host:port/db`; default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of every key; default `aisbf:`. Give each gateway cluster its own. */
  prefix?: string;
  /** A command that takes longer fails (callers then degrade, e.g. the cache bypasses). Default 1000 ms. */
  commandTimeoutMs?: number;
  /** How long start-up waits for the first connection before going on without it. Default 3000 ms. */
  connectTimeoutMs?: number;
}

/** A Redis operation that failed or timed out: callers decide how to degrade. */
export function redisUnavailable(what: string, cause: unknown): GatewayError {
  return new GatewayError(`Shared state (Redis) is unavailable: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, {
    name: 'AISBF_ERR_STATE_UNAVAILABLE', status: 503, type: 'server_error', code: 'state_unavailable', retryable: true, cause,
  });
}

/**
 * SharedState on Redis. Values are JSON strings under `prefix + key`
 * (`SET … PX` for TTLs); counters and rate limits run as Lua scripts so they
 * are atomic across every node. Commands fail fast while disconnected (no
 * offline queue) and time out after `commandTimeoutMs`, so a Redis outage
 * slows no request; the client reconnects by itself.
 */
export class RedisState implements SharedState {
  readonly backend = 'redis';
  readonly volatile = false;
  readonly #client: RedisClientType;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  private constructor(client: RedisClientType, prefix: string, timeoutMs: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  /** Connects (waiting at most `connectTimeoutMs`; an unreachable Redis is logged, not fatal). */
  static async connect(options: RedisStateOptions, logger?: Pick<Logger, 'warn'>): Promise<RedisState> {
    const url = options.url ?? 'redis://127.0.0.1:6379';
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: options.connectTimeoutMs ?? 3000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    }) as RedisClientType;
    let lastError = '';
    client.on('error', (err: Error) => {
      // node-redis reports every failed reconnect; say it once per distinct message.
      if (err.message !== lastError) logger?.warn({ err: err.message }, 'redis state: connection problem (retrying)');
      lastError = err.message;
    });
    client.on('ready', () => { lastError = ''; });
    const state = new RedisState(client, options.prefix ?? 'aisbf:', options.commandTimeoutMs ?? 1000);
    const connecting = client.connect().catch(() => undefined);
    const timer = new Promise((resolve) => setTimeout(resolve, options.connectTimeoutMs ?? 3000).unref());
    await Promise.race([connecting, timer]);
    if (!client.isReady) logger?.warn({ url: redact(url) }, 'redis state: not connected yet; operations fail fast until it is');
    return state;
  }

  /** True while connected. */
  get ready(): boolean {
    return this.#client.isReady;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.#run('get', () => this.#client.get(this.#prefix + key));
    return raw == null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const text = JSON.stringify(value);
    await this.#run('set', () => (ttlMs ? this.#client.set(this.#prefix + key, text, { PX: Math.max(1, Math.ceil(ttlMs)) }) : this.#client.set(this.#prefix + key, text)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#run('delete', () => this.#client.del(this.#prefix + key))) > 0;
  }

  async incr(key: string, by = 1, ttlMs = 0): Promise<number> {
    const v = await this.#run('incr', () => this.#client.eval(INCR_WITH_TTL, { keys: [this.#prefix + key], arguments: [String(Math.trunc(by)), String(Math.ceil(ttlMs))] }));
    return Number(v);
  }

  async rateLimit(key: string, limit: number, windowMs: number, cost = 1, force = false): Promise<RateLimitResult> {
    const r = (await this.#run('rateLimit', () => this.#client.eval(GCRA, {
      keys: [this.#prefix + key],
      arguments: [String(limit), String(windowMs), String(cost), force ? '1' : '0'],
    }))) as number[];
    return { allowed: Number(r[0]) === 1, remaining: Number(r[1]), retryAfterMs: Number(r[2]), resetMs: Number(r[3]) };
  }

  async close(): Promise<void> {
    try {
      if (this.#client.isOpen) await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }

  async #run<T>(what: string, op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
    } catch (err) {
      throw redisUnavailable(what, err);
    } finally {
      clearTimeout(timer);
    }
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://…';
  }
}
