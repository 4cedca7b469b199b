import {
  AISBF_ERR_CLIENT_CLOSED, isGatewayError,
  type AttemptFn, type AttemptLimits, type AttemptResult, type AttemptValue, type Candidate, type ChatStream, type RequestContext,
} from 'aisbf';
import { backoffDelay } from './backoff.js';
import type { Admission, Breaker, ProbeTicket } from './breaker.js';
import { classify } from './classify.js';
import { allBreakersOpen, deadlinePassed, ttftPassed, upstreamAuth } from './errors.js';
import { hedgeDelay, type HedgeBudget, type LatencyTracker } from './hedge.js';
import type { Settings } from './options.js';
import { after, idleGuard } from './timeouts.js';

/** What the strategy needs beyond the request: built once in `setup`. */
export interface StrategyDeps {
  settings: Settings;
  breaker?: Breaker;
  budget?: HedgeBudget;
  latency: LatencyTracker;
  /** Where state-store trouble is reported; throttle it, it can happen on every request. */
  warn: (details: Record<string, unknown>, message: string) => void;
  random?: () => number;
}

/**
 * What the plugin leaves in `ctx.locals.failover` for observers.
 *
 * @example { hedges: 1, retries: 0, skipped: ['flaky/m1'], panic: false }
 */
export interface FailoverLocals {
  /** Hedged attempts started. */
  hedges: number;
  /** Retries on the same candidate after a backoff. */
  retries: number;
  /** Candidates not tried because their breaker was open. */
  skipped: string[];
  /** True when every candidate's breaker was open and they were tried anyway (`breaker.panic`). */
  panic: boolean;
}

/** One attempt in flight. */
interface Run {
  candidate: Candidate;
  controller: AbortController;
  probe?: ProbeTicket;
  startedAt: number;
  /** Set once the run has produced its one event (or was given up on). */
  finished: boolean;
  stop: Array<() => void>;
}

type Event =
  | { type: 'done'; run: Run; result: AttemptResult }
  | { type: 'fail'; run: Run; error: unknown }
  | { type: 'hedge'; run: Run }
  | { type: 'ttft'; run: Run }
  | { type: 'retry'; candidate: Candidate }
  | { type: 'deadline' }
  | { type: 'client' };

/** Why a losing or abandoned attempt was aborted (never shown to a client). */
class Abandoned extends Error {
  override readonly name = 'Abandoned';
}

/**
 * Drives the attempts of one request over the ranked candidates: breaker
 * admission, immediate failover or retries with backoff, hedging, the
 * time-to-first-token timeout and the total deadline. Every timer and every
 * attempt it starts is stopped or aborted before it returns.
 *
 * The loop is a small event queue: attempts, timers and the client's
 * disconnect post events; one consumer decides. That keeps the decision logic
 * sequential (no two callbacks racing to launch the same candidate).
 */
export async function runAttempts(candidates: Candidate[], attempt: AttemptFn, ctx: RequestContext, deps: StrategyDeps): Promise<AttemptResult> {
  const { settings: s, breaker, budget, latency, warn } = deps;
  const random = deps.random ?? Math.random;
  const locals: FailoverLocals = { hedges: 0, retries: 0, skipped: [], panic: false };
  ctx.locals.failover = locals;

  const inbox = new Inbox<Event>();
  const running = new Set<Run>();
  const retryTimers = new Set<() => void>();
  const tries = new Map<Candidate, number>();
  const skipped: Array<{ candidate: Candidate; retryInMs: number }> = [];
  const deadlineAt = performance.now() + (s.timeouts.totalMs > 0 ? s.timeouts.totalMs : Infinity);
  let cursor = 0;
  let started = 0;
  /** With `breaker.panic`: how many skipped candidates were launched anyway. */
  let panicked = 0;
  let newest: Run | undefined;
  let lastError: unknown;

  if (ctx.signal.aborted) throw clientGone(ctx);
  const onClient = () => inbox.push({ type: 'client' });
  ctx.signal.addEventListener('abort', onClient, { once: true });
  const stopDeadline = after(s.timeouts.totalMs, () => inbox.push({ type: 'deadline' }));
  budget?.request();

  async function admit(c: Candidate): Promise<Admission> {
    if (!breaker) return { allowed: true };
    try {
      return await breaker.admit(c);
    } catch (err) {
      // A state outage must not take the gateway down with it: fail open.
      warn({ err: String(err), provider: c.provider, model: c.model }, 'breaker state unreadable; trying the candidate');
      return { allowed: true };
    }
  }

  function report(c: Candidate, ok: boolean, probe?: ProbeTicket): void {
    if (!breaker) return;
    // Off the response path: the next request reads it, this one need not wait.
    (ok ? breaker.success(c, probe) : breaker.failure(c, probe))
      .catch((err: unknown) => warn({ err: String(err), provider: c.provider }, 'breaker state not updated'));
  }

  /** Starts an attempt on `c` if its breaker lets it; false when it does not. */
  async function tryLaunch(c: Candidate): Promise<boolean> {
    if (performance.now() >= deadlineAt) return false;
    const a = await admit(c);
    if (!a.allowed) {
      skipped.push({ candidate: c, retryInMs: a.retryInMs });
      locals.skipped.push(`${c.provider}/${c.model}`);
      return false;
    }
    launch(c, a.probe);
    return true;
  }

  /** True while panic routing still has a skipped candidate to try. */
  const canPanic = () => s.breaker !== false && s.breaker.panic && panicked < skipped.length;

  /** Starts the next candidate the breakers allow; `panic` also falls back to the refused ones. */
  async function launchNext(panic = true): Promise<boolean> {
    while (cursor < candidates.length) {
      if (await tryLaunch(candidates[cursor++])) return true;
    }
    // Panic routing: when the breakers leave nothing, an open breaker is a
    // worse bet than usual, not a certain failure — try those candidates in
    // rank order rather than turn a blip into a cooldown-long outage.
    if (panic && canPanic() && performance.now() < deadlineAt) {
      locals.panic = true;
      launch(skipped[panicked++].candidate, undefined);
      return true;
    }
    return false;
  }

  function launch(c: Candidate, probe: ProbeTicket | undefined): void {
    const run: Run = { candidate: c, controller: new AbortController(), probe, startedAt: performance.now(), finished: false, stop: [] };
    tries.set(c, (tries.get(c) ?? 0) + 1);
    started++;
    running.add(run);
    newest = run;
    const ttftMs = s.timeouts.ttftMs;
    // A stream is timed to its first token here; a JSON attempt to the upstream's first response byte, by core
    // (AttemptLimits), except for the last hope, which only totalMs bounds.
    if (ctx.stream) run.stop.push(after(ttftMs, () => inbox.push({ type: 'ttft', run })));
    const lastHope = cursor >= candidates.length && !canPanic() && (tries.get(c) ?? 0) > s.retries;
    const limits: AttemptLimits = {};
    if (s.timeouts.connectMs > 0) limits.connectTimeoutMs = s.timeouts.connectMs;
    if (!ctx.stream && !lastHope && ttftMs > 0) limits.firstByteTimeoutMs = ttftMs;
    if (s.hedge && locals.hedges < s.hedge.max) {
      run.stop.push(after(Math.max(1, hedgeDelay(s.hedge, c, ctx.stream, latency)), () => inbox.push({ type: 'hedge', run })));
    }
    // The plugin's connect timeout is the default for providers whose entry sets none.
    attempt(c, run.controller.signal, limits).then(
      (result) => {
        run.stop.forEach((f) => f());
        if (run.finished) return cancelValue(result.value);
        run.finished = true;
        inbox.push({ type: 'done', run, result });
      },
      (error: unknown) => {
        run.stop.forEach((f) => f());
        if (run.finished) return;
        run.finished = true;
        inbox.push({ type: 'fail', run, error });
      },
    );
  }

  /** Aborts `run` upstream (closing its socket) without counting it against the provider. */
  function abandon(run: Run, why: string): void {
    run.stop.forEach((f) => f());
    running.delete(run);
    if (run.finished) return;
    run.finished = true;
    run.controller.abort(new Abandoned(why));
  }

  function giveUp(): unknown {
    if (lastError === undefined) {
      return skipped.length ? allBreakersOpen(ctx.model, skipped) : deadlinePassed(candidates[0]?.provider ?? 'upstream', s.timeouts.totalMs, 0);
    }
    if (isGatewayError(lastError) && (lastError.status === 401 || lastError.status === 403)) return upstreamAuth(lastError);
    return lastError;
  }

  try {
    if (!(await launchNext())) throw giveUp();
    for (;;) {
      const ev = await inbox.take();
      switch (ev.type) {
        case 'done': {
          const { run, result } = ev;
          running.delete(run);
          report(run.candidate, true, run.probe);
          latency.record(run.candidate, ctx.stream, performance.now() - run.startedAt);
          for (const other of [...running]) abandon(other, 'another attempt answered first');
          if (locals.hedges > 0) ctx.setHeader('x-aisbf-hedges', String(locals.hedges));
          if (!isStream(result.value)) return result;
          // A failure after the first token cannot be failed over any more, but it is still the provider's.
          const onError = (err: unknown) => { if (classify(err) !== 'final') report(run.candidate, false); };
          return { candidate: result.candidate, value: idleGuard(result.value, s.timeouts.idleMs, run.candidate.provider, onError) };
        }
        case 'fail': {
          const { run, error } = ev;
          running.delete(run);
          if (ctx.signal.aborted) throw clientGone(ctx);
          const outcome = classify(error);
          lastError = error;
          if (outcome === 'final') throw error;
          report(run.candidate, false, run.probe);
          // Another attempt (a hedge) is still running: it is the failover; let it finish.
          if (running.size > 0) break;
          const c = run.candidate;
          const n = tries.get(c) ?? 0;
          if (outcome === 'retry' && n <= s.retries) {
            const wait = backoffDelay(n, s.backoff, isGatewayError(error) ? error.retryAfterMs : undefined, random);
            if (wait !== undefined && performance.now() + wait < deadlineAt) {
              const stop = after(Math.max(1, wait), () => {
                retryTimers.delete(stop);
                inbox.push({ type: 'retry', candidate: c });
              });
              retryTimers.add(stop);
              break;
            }
          }
          if (!(await launchNext()) && running.size === 0 && retryTimers.size === 0) throw giveUp();
          break;
        }
        case 'retry': {
          locals.retries++;
          const launched = (await tryLaunch(ev.candidate)) || (await launchNext());
          if (!launched && running.size === 0 && retryTimers.size === 0) throw giveUp();
          break;
        }
        case 'ttft': {
          const { run } = ev;
          if (run.finished) break;
          const c = run.candidate;
          // The last hope is not given up for being slow: a late answer beats
          // none, and totalMs still bounds it. Otherwise the slow attempt is a
          // failure like any other: aborted (socket closed), counted, failed over.
          if (cursor >= candidates.length && !canPanic() && (tries.get(c) ?? 0) > s.retries) break;
          run.finished = true;
          run.stop.forEach((f) => f());
          const err = ttftPassed(c.provider, s.timeouts.ttftMs);
          run.controller.abort(err);
          inbox.push({ type: 'fail', run, error: err });
          break;
        }
        case 'hedge': {
          const { run } = ev;
          if (run.finished || run !== newest || !s.hedge || locals.hedges >= s.hedge.max || cursor >= candidates.length) break;
          if (budget && !budget.tryHedge()) break;
          // A hedge is a bet on a healthy candidate: never on one its breaker refused.
          if (await launchNext(false)) locals.hedges++;
          break;
        }
        case 'deadline':
          throw deadlinePassed(newest?.candidate.provider ?? candidates[0]?.provider ?? 'upstream', s.timeouts.totalMs, started);
        case 'client':
          throw clientGone(ctx);
      }
    }
  } finally {
    stopDeadline();
    ctx.signal.removeEventListener('abort', onClient);
    retryTimers.forEach((stop) => stop());
    for (const run of [...running]) abandon(run, 'the request is over');
    // An answer that arrived while the decision was being made elsewhere must still be released.
    for (const ev of inbox.drain()) if (ev.type === 'done') cancelValue(ev.result.value);
  }
}

function clientGone(ctx: RequestContext): unknown {
  return isGatewayError(ctx.signal.reason) ? ctx.signal.reason : AISBF_ERR_CLIENT_CLOSED();
}

function isStream(v: AttemptValue): v is ChatStream {
  return typeof (v as ChatStream)[Symbol.asyncIterator] === 'function';
}

function cancelValue(v: AttemptValue): void {
  if (isStream(v)) v.cancel();
}

/** A queue with one waiting consumer. */
class Inbox<T> {
  #items: T[] = [];
  #waiter: ((v: T) => void) | undefined;

  push(v: T): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w(v);
    } else this.#items.push(v);
  }

  take(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    return new Promise((resolve) => { this.#waiter = resolve; });
  }

  drain(): T[] {
    return this.#items.splice(0);
  }
}
