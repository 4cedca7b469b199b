import { settle } from '@aisbf/plugin-catalog';
import { definePlugin, type Candidate, type Plugin, type RequestContext, type SharedState } from 'aisbf';
import { sessionKey } from './session-key.js';

export { sessionKey } from './session-key.js';

/**
 * Options of the `affinity` policy (plugin-wide, or per route as `['affinity', { … }]`).
 *
 * @example ['affinity', { header: 'x-session-id', ttlMs: 300000, ttlMsByProvider: { gpt: 600000 } }]
 */
export interface AffinityOptions {
  /** Request header naming the session; default `x-aisbf-session`. Without it, the conversation prefix is hashed. */
  header?: string;
  /** How long a pin lives after its last use: the provider's prompt-cache TTL; default 300000 (5 minutes). */
  ttlMs?: number;
  /** Pin lifetime per provider id, for providers whose prompt cache lives longer or shorter. */
  ttlMsByProvider?: Record<string, number>;
}

/** Where a conversation is pinned. */
export interface Pin {
  provider: string;
  model: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    header: { type: 'string', minLength: 1, pattern: '^[a-z0-9-]+$' },
    ttlMs: { type: 'integer', minimum: 1 },
    ttlMsByProvider: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
  },
};

/** What `select` leaves for the observe hook of the same request. */
interface Routed {
  key: string;
  options: AffinityOptions;
  pin?: Pin;
  /** The pinned candidate was among those this policy was given. */
  present: boolean;
}

const LOCAL = 'route-affinity';

/**
 * Routing policy `affinity`: keeps a conversation on the provider that served
 * it, so the provider's prompt cache keeps paying off. The conversation is
 * named by a session header or by a hash of its prefix; the pin lives in
 * shared state (every node honours it) for the prompt-cache TTL, renewed on
 * each use. The pinned candidate goes first; the pin moves only when it
 * failed (or can no longer be routed to) and another candidate served.
 * Put it last in a route's policies so nothing re-ranks after it.
 *
 * @example models: { chat: { candidates: ['claude/claude-sonnet-4-5', 'gpt/gpt-4o'], policies: ['latency', 'affinity'] } }
 */
export default function affinity(options: AffinityOptions = {}): Plugin {
  const ttlFor = (o: AffinityOptions, provider: string) => o.ttlMsByProvider?.[provider] ?? o.ttlMs ?? 300_000;
  let state: SharedState | undefined;

  return definePlugin({
    name: 'route-affinity',
    options: schema,
    setup(api) {
      state = api.state;
    },
    route: {
      async select(candidates, ctx, routeOptions) {
        if (!state) throw new Error('route-affinity: setup() has not run (the gateway calls it at start).');
        const o: AffinityOptions = routeOptions ? { ...options, ...(routeOptions as AffinityOptions) } : options;
        const key = sessionKey(ctx, (o.header ?? 'x-aisbf-session').toLowerCase());
        if (!key) return settle('affinity', ctx, candidates, { ranked: candidates, note: 'no session' });
        const pin = await state.get<Pin>(key);
        const at = pin ? findPinned(candidates, pin) : -1;
        const routed: Routed = { key, options: o, pin, present: at !== -1 };
        ctx.locals[LOCAL] = routed;
        if (at === -1) return settle('affinity', ctx, candidates, { ranked: candidates, note: pin ? `pinned ${pin.provider}/${pin.model} not available` : 'new session' });
        const ranked = [candidates[at], ...candidates.slice(0, at), ...candidates.slice(at + 1)];
        return settle('affinity', ctx, candidates, { ranked, note: `pinned ${pin!.provider}/${pin!.model}` });
      },
    },
    observe: {
      async response(ctx) {
        const routed = ctx.locals[LOCAL] as Routed | undefined;
        const served = ctx.served;
        if (!state || !routed || !served) return;
        const next = nextPin(routed, served, ctx);
        if (next) await state.set(routed.key, next, ttlFor(routed.options, next.provider));
      },
    },
  });
}

/** Index of the pinned candidate: the same provider and model, else the same provider. */
function findPinned(candidates: Candidate[], pin: Pin): number {
  const exact = candidates.findIndex((c) => c.provider === pin.provider && c.model === pin.model);
  return exact !== -1 ? exact : candidates.findIndex((c) => c.provider === pin.provider);
}

/**
 * The pin to store after a served request: a new session pins what served
 * it; the same provider renews its pin; another provider takes over only if
 * the pinned one failed in this request or could not be routed to. Otherwise
 * (a later policy chose differently) the pin stays as it was.
 */
export function nextPin(routed: { pin?: Pin; present: boolean }, served: Candidate, ctx: Pick<RequestContext, 'attempts'>): Pin | undefined {
  const fresh = { provider: served.provider, model: served.model };
  const pin = routed.pin;
  if (!pin) return fresh;
  if (pin.provider === served.provider) return fresh;
  const pinnedFailed = ctx.attempts.some((a) => a.provider === pin.provider && a.outcome === 'error');
  return pinnedFailed || !routed.present ? fresh : undefined;
}
