import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { Usage } from './canonical.js';
import type { AttemptRecord, Candidate, Principal, RequestContext } from './context.js';
import { AISBF_ERR_NO_ROUTE, AISBF_ERR_PLUGIN, isGatewayError } from './errors.js';
import type { Logger } from './logger.js';
import type { CacheEntry, FailoverHook, ObserveHooks, Plugin, RequestSummary } from './plugin.js';

/**
 * The stage table: every extension point of the pipeline, declared once, each
 * with one behaviour. Core taps plugins into it in plugin order; plugins never
 * see tapable.
 *
 * | stage     | hook kind                 | behaviour                                                        |
 * |-----------|---------------------------|------------------------------------------------------------------|
 * | auth      | series, bail              | first plugin returning a principal wins                          |
 * | admit     | series                    | every ratelimit plugin admits (may throw 429) and reserves       |
 * | cacheGet  | series, bail              | first plugin returning an entry answers the request              |
 * | route     | series, waterfall         | each `always` policy narrows/re-ranks the candidates             |
 * | cacheSet  | series, errors logged     | every cache plugin may store the answer                          |
 * | cacheRelease | series, errors logged  | the request ended without cacheSet (failure, cut stream)        |
 * | settle    | series, errors logged     | every ratelimit plugin replaces its reservation by actual usage |
 * | failover  | one plugin                | drives the attempts (core fallback: first candidate, once)       |
 * | observe   | fire-and-forget           | observers run after the response path, errors logged             |
 */
export const STAGE_NAMES = ['auth', 'ratelimit', 'cache', 'route', 'failover', 'observe'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface StageTable {
  readonly auth: AsyncSeriesBailHook<[RequestContext], Principal | undefined>;
  readonly admit: AsyncSeriesHook<[RequestContext]>;
  readonly cacheGet: AsyncSeriesBailHook<[RequestContext], CacheEntry | undefined>;
  readonly route: AsyncSeriesWaterfallHook<[Candidate[], RequestContext]>;
  readonly cacheSet: AsyncSeriesHook<[RequestContext, CacheEntry]>;
  readonly cacheRelease: AsyncSeriesHook<[RequestContext]>;
  readonly settle: AsyncSeriesHook<[RequestContext, Usage | undefined]>;
}

/** The stages as wired for one gateway. */
export interface Stages {
  readonly hooks: StageTable;
  /** Which plugins serve each stage, in call order (what `aisbf check` prints). */
  readonly served: Readonly<Record<StageName | 'provider' | 'state', string[]>>;
  readonly hasAuth: boolean;
  readonly hasRatelimit: boolean;
  readonly hasCache: boolean;
  /** Some loaded policy applies to every route (the route stage's waterfall has taps). */
  readonly hasAlwaysPolicies: boolean;
  readonly failover?: { plugin: string; hook: FailoverHook };
  /** Observer hooks by event, in plugin order: an event nobody listens to costs nothing. */
  readonly observers: Readonly<Record<ObserveEvent, ReadonlyArray<Observer>>>;
}

/** The events of the observe stage. */
export type ObserveEvent = keyof ObserveHooks;

interface Observer {
  plugin: string;
  hooks: ObserveHooks;
  fn: (ctx: RequestContext, arg?: unknown) => unknown;
}

/** Runs `fn`, wrapping anything but a GatewayError with the plugin name and stage. */
async function guarded<T>(plugin: string, stage: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isGatewayError(err)) {
      err.plugin ??= plugin;
      err.stage ??= stage;
      throw err;
    }
    throw AISBF_ERR_PLUGIN(plugin, stage, err);
  }
}

/** Wires plugins (already in order) into a fresh, frozen stage table. */
export function createStages(plugins: readonly Plugin[], logger: Logger): Stages {
  const hooks: StageTable = Object.freeze({
    auth: new AsyncSeriesBailHook<[RequestContext], Principal | undefined>(['ctx']),
    admit: new AsyncSeriesHook<[RequestContext]>(['ctx']),
    cacheGet: new AsyncSeriesBailHook<[RequestContext], CacheEntry | undefined>(['ctx']),
    route: new AsyncSeriesWaterfallHook<[Candidate[], RequestContext]>(['candidates', 'ctx']),
    cacheSet: new AsyncSeriesHook<[RequestContext, CacheEntry]>(['ctx', 'entry']),
    cacheRelease: new AsyncSeriesHook<[RequestContext]>(['ctx']),
    settle: new AsyncSeriesHook<[RequestContext, Usage | undefined]>(['ctx', 'usage']),
  });
  const served: Record<StageName | 'provider' | 'state', string[]> = {
    auth: [], ratelimit: [], cache: [], route: [], failover: [], observe: [], provider: [], state: [],
  };
  const observers: Record<ObserveEvent, Observer[]> = { request: [], attempt: [], response: [], error: [] };
  let failover: Stages['failover'];

  for (const p of plugins) {
    const name = p.name;
    if (p.auth) {
      const auth = p.auth.bind(p);
      hooks.auth.tapPromise(name, (ctx) => guarded(name, 'auth', () => auth(ctx)));
      served.auth.push(name);
    }
    if (p.ratelimit) {
      const rl = p.ratelimit;
      hooks.admit.tapPromise(name, (ctx) => guarded(name, 'ratelimit', () => rl.admit(ctx)));
      if (rl.settle) {
        const settle = rl.settle.bind(rl);
        hooks.settle.tapPromise(name, (ctx, usage) => logged(logger, name, 'ratelimit.settle', () => settle(ctx, usage)));
      }
      served.ratelimit.push(name);
    }
    if (p.cache) {
      const cache = p.cache;
      hooks.cacheGet.tapPromise(name, (ctx) => guarded(name, 'cache', () => cache.get(ctx)));
      hooks.cacheSet.tapPromise(name, (ctx, entry) => logged(logger, name, 'cache.set', () => cache.set(ctx, entry)));
      if (cache.release) {
        const release = cache.release.bind(cache);
        hooks.cacheRelease.tapPromise(name, (ctx) => logged(logger, name, 'cache.release', () => release(ctx)));
      }
      served.cache.push(name);
    }
    if (p.route) {
      served.route.push(p.route.always ? name : `${name} (per route)`);
      if (p.route.always) {
        const policy = p.route;
        hooks.route.tapPromise(name, (candidates, ctx) => applyPolicy(name, candidates, ctx, (c) => policy.select(c, ctx, undefined)));
      }
    }
    if (p.failover) {
      if (failover) {
        throw new Error(`Two failover plugins are loaded ('${failover.plugin}' and '${name}'); one drives the attempts. Remove one from the config.`);
      }
      failover = { plugin: name, hook: p.failover };
      served.failover.push(name);
    }
    if (p.observe) {
      const hooks = p.observe;
      for (const event of Object.keys(observers) as ObserveEvent[]) {
        const fn = hooks[event] as Observer['fn'] | undefined;
        if (fn) observers[event].push({ plugin: name, hooks, fn });
      }
      served.observe.push(name);
    }
    if (p.provider) served.provider.push(`${name} (type ${p.provider.type})`);
    if (p.state) served.state.push(`${name} (backend ${p.state.backend})`);
  }
  if (!failover) served.failover.push('(core: first candidate, once)');

  return Object.freeze({
    hooks,
    served,
    hasAuth: served.auth.length > 0,
    hasRatelimit: served.ratelimit.length > 0,
    hasCache: served.cache.length > 0,
    hasAlwaysPolicies: plugins.some((p) => p.route?.always),
    failover,
    observers,
  });
}

/** `ctx.locals` key of the routing trace kept when the client sends `x-aisbf-explain: 1`. */
export const EXPLAIN = 'aisbf:explain';

/** One routing step as `x-aisbf-explain` reports it: `provider/model` lists in and out. */
export interface ExplainStep {
  policy: string;
  in: string[];
  out: string[];
}

/**
 * Runs one routing policy and holds it to the contract: it may re-rank and
 * remove, never invent a candidate, and an empty result names the culprit.
 */
export async function applyPolicy(
  name: string,
  candidates: Candidate[],
  ctx: RequestContext,
  select: (c: Candidate[]) => Candidate[] | Promise<Candidate[]>,
): Promise<Candidate[]> {
  const out = await guarded(name, 'route', () => select(candidates));
  if (!Array.isArray(out)) throw AISBF_ERR_PLUGIN(name, 'route', new Error('a policy must return an array of candidates'));
  for (const c of out) {
    if (!candidates.includes(c)) {
      throw AISBF_ERR_PLUGIN(name, 'route', new Error(`returned a candidate it was not given (${c?.provider}/${c?.model}); policies may only filter and re-rank`));
    }
  }
  const trace = ctx.locals[EXPLAIN] as ExplainStep[] | undefined;
  if (trace) {
    const id = (c: Candidate) => `${c.provider}/${c.model}`;
    trace.push({ policy: name, in: candidates.map(id), out: out.map(id) });
  }
  if (out.length === 0 && candidates.length > 0) {
    const removed = candidates.map((c) => `${c.provider}/${c.model}`).join(', ');
    const err = AISBF_ERR_NO_ROUTE(ctx.model, `policy '${name}' removed every candidate (${removed}).`);
    err.plugin = name;
    err.stage = 'route';
    throw err;
  }
  return out;
}

async function logged(logger: Logger, plugin: string, stage: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (err) {
    logger.warn({ plugin, stage, err: err instanceof Error ? err.message : String(err) }, 'plugin hook failed; the request was not affected');
  }
}

/** Observe events waiting for the next turn of the event loop, in order. */
const pending: Array<{ list: ReadonlyArray<Observer>; logger: Logger; event: ObserveEvent; ctx: RequestContext; arg: unknown }> = [];

/**
 * Observe events: run after the response path, never awaited, errors logged.
 * Events queue up and one `setImmediate` runs them all, in order: under load
 * many requests finish per turn of the event loop, and a timer each would
 * cost more than most observers do.
 */
export function emit(
  stages: Stages,
  logger: Logger,
  event: ObserveEvent,
  ctx: RequestContext,
  arg?: AttemptRecord | RequestSummary,
): void {
  const list = stages.observers[event];
  if (list.length === 0) return;
  if (pending.push({ list, logger, event, ctx, arg }) === 1) setImmediate(drain);
}

function drain(): void {
  // Events emitted by observers themselves wait for the next turn.
  const batch = pending.splice(0, pending.length);
  for (const { list, logger, event, ctx, arg } of batch) {
    for (const o of list) {
      try {
        const r = o.fn.call(o.hooks, ctx, arg);
        if (r && typeof (r as Promise<unknown>).then === 'function') {
          (r as Promise<unknown>).catch((err) => logger.warn({ plugin: o.plugin, event, err: String(err) }, 'observer failed'));
        }
      } catch (err) {
        logger.warn({ plugin: o.plugin, event, err: String(err) }, 'observer failed');
      }
    }
  }
}
