import { AISBF_ERR_UPSTREAM_TIMEOUT, type ChatChunk, type ChatStream } from 'aisbf';

/**
 * Wraps a stream whose first token has arrived so that a gap of more than
 * `idleMs` between two chunks ends it: the upstream call is cancelled (its
 * socket closed) and iteration throws a 504 `timeout` error, which core turns
 * into an OpenAI error event for a client that already has the first bytes.
 *
 * The gap is measured from the moment the consumer asks for the next chunk,
 * so a slow client (backpressure) is never blamed on the upstream.
 *
 * `onError` sees every error that ends the stream (an idle timeout, a cut
 * connection, an upstream error event), so the breaker can count failures
 * that happen after the first token too.
 *
 * @example return { candidate, value: idleGuard(stream, 30_000, candidate.provider, (err) => breaker.failure(candidate)) };
 */
export function idleGuard(inner: ChatStream, idleMs: number, provider: string, onError?: (err: unknown) => void): ChatStream {
  if (!(idleMs > 0) && !onError) return inner;
  const idleError = () => AISBF_ERR_UPSTREAM_TIMEOUT(provider, `no stream chunk for ${idleMs} ms after the first token`);
  return {
    cancel: () => inner.cancel(),
    async *[Symbol.asyncIterator](): AsyncGenerator<ChatChunk> {
      const it = inner[Symbol.asyncIterator]();
      let timedOut = false;
      try {
        for (;;) {
          let r: IteratorResult<ChatChunk>;
          try {
            r = await within(it.next(), idleMs, () => {
              timedOut = true;
              return idleError();
            });
          } catch (err) {
            onError?.(err);
            throw err;
          }
          if (r.done) return;
          yield r.value;
        }
      } finally {
        inner.cancel();
        // After a timeout the source's pending `next()` may never settle, and
        // `return()` would queue behind it: let it finish on its own.
        if (timedOut) it.return?.().catch(() => undefined);
        else await it.return?.();
      }
    },
  };
}

/** `p`, or a rejection with `timeout()` when it takes longer than `ms` (no limit when `ms` ≤ 0). */
function within<T>(p: Promise<T>, ms: number, timeout: () => unknown): Promise<T> {
  if (!(ms > 0)) return p;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(timeout()), ms); });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * A one-shot timer that is easy to cancel from a `finally`. `ms` ≤ 0 (or not
 * finite) means "no timer": that is how a timeout is turned off.
 *
 * @example const stop = after(ttftMs, () => controller.abort(timeoutError)); try { … } finally { stop(); }
 */
export function after(ms: number, fn: () => void): () => void {
  if (!(ms > 0) || !Number.isFinite(ms)) return noop;
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
}

function noop(): void {}
