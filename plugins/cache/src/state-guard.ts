import type { Logger } from 'aisbf';

/** Thrown (and caught by the plugin) when the shared state cannot be used right now. */
export class StateUnavailable extends Error {
  override readonly name = 'StateUnavailable';
}

/**
 * Keeps a slow or dead shared-state backend (Redis) off the response path.
 * Every call is bounded by `timeoutMs`. After a failure the guard stays open
 * for `retryMs`: calls fail at once, without touching the backend, so an
 * outage costs requests nothing; the first call after that is a probe, and
 * when it succeeds the cache is back by itself. One warning is logged when
 * trouble starts and one line when it ends, not one per request.
 *
 * @example const entry = await guard.run('get', () => state.get(key));
 */
export class StateGuard {
  readonly #logger: Pick<Logger, 'warn' | 'info'>;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #onFailure: () => void;
  #openUntil = 0;
  #troubled = false;

  constructor(logger: Pick<Logger, 'warn' | 'info'>, timeoutMs: number, retryMs: number, onFailure: () => void = () => undefined) {
    this.#logger = logger;
    this.#timeoutMs = timeoutMs;
    this.#retryMs = retryMs;
    this.#onFailure = onFailure;
  }

  /** True while calls are refused without trying the backend. */
  get open(): boolean {
    return this.#troubled && Date.now() < this.#openUntil;
  }

  async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.open) throw new StateUnavailable(`shared state unavailable (retrying in ${this.#openUntil - Date.now()} ms)`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
      if (this.#troubled) {
        this.#troubled = false;
        this.#logger.info('cache: shared state answers again; cache back in use');
      }
      return result;
    } catch (err) {
      this.#onFailure();
      this.#openUntil = Date.now() + this.#retryMs;
      if (!this.#troubled) {
        this.#troubled = true;
        this.#logger.warn(
          { op: what, err: err instanceof Error ? err.message : String(err), retryMs: this.#retryMs },
          'cache: shared state failed or is slow; bypassing the cache (requests still go to providers) and retrying',
        );
      }
      throw new StateUnavailable(`shared state ${what} failed`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
