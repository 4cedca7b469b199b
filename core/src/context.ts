import type { ChatRequest, EmbeddingsRequest, Usage } from './canonical.js';
import type { GatewayError } from './errors.js';
import type { Abort } from './upstream/abort.js';

/** Where core keeps a request's cheap cancellation handle on its context (not part of the plugin API). */
export const kAbort = Symbol('aisbf.abort');

/** The context as core holds it. */
export interface CoreContext extends RequestContext {
  [kAbort]?: Abort;
}

/**
 * Who is calling, as established by the auth stage. Later stages (limits,
 * routing by tier, cache scoping, the usage ledger) read it from `ctx.principal`.
 *
 * @example { id: 'key_7f3a', user: 'ana', team: 'search', tier: 'premium' }
 */
export interface Principal {
  /** Stable id of the credential (never the secret itself). */
  id: string;
  user?: string;
  team?: string;
  tier?: string;
  /** Anything else an auth plugin wants later stages to see. */
  [attribute: string]: unknown;
}

/**
 * One candidate the route stage may send the request to: a provider id from
 * the config and the upstream model name.
 *
 * @example { provider: 'claude', model: 'claude-sonnet-4-5', weight: 2, tags: ['strong'] }
 */
export interface Candidate {
  provider: string;
  model: string;
  weight?: number;
  tags?: string[];
  [attribute: string]: unknown;
}

/** One attempt to serve the request from a candidate, as failover made it. */
export interface AttemptRecord {
  provider: string;
  model: string;
  /** `ok`, or the error code/type that ended it. */
  outcome: 'ok' | 'error' | 'aborted';
  status?: number;
  error?: GatewayError;
  /** Milliseconds from attempt start to the first token (streams) or the full answer. */
  latencyMs: number;
  startedAt: number;
}

/** What `ctx.kind` tells apart. */
export type RequestKind = 'chat' | 'embeddings';

/**
 * The per-request state every stage hook receives. Core creates it once per
 * request; plugins read it and add to it (`ctx.principal`, `ctx.locals`).
 *
 * @example
 * auth(ctx) {
 *   const key = ctx.headers.authorization?.slice(7);
 *   return key === process.env.MY_KEY ? { id: 'static' } : undefined;
 * }
 */
export interface RequestContext {
  /** The request id, also sent back as `x-request-id`. */
  readonly id: string;
  readonly kind: RequestKind;
  /** The validated request body (canonical form). Routing may not change `model`. */
  readonly body: ChatRequest | EmbeddingsRequest;
  /** True when the client asked for SSE. */
  readonly stream: boolean;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Aborted when the client disconnects or the gateway gives up. */
  readonly signal: AbortSignal;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  /** The public model name the client asked for. */
  readonly model: string;
  /** Set by the auth stage. */
  principal?: Principal;
  /** The candidates chosen by the route stage, best first. */
  candidates: Candidate[];
  /** Every attempt made so far (failover appends). */
  readonly attempts: AttemptRecord[];
  /** The candidate that answered. */
  served?: Candidate;
  /** Usage of the final answer, once known. */
  usage?: Usage;
  /** Cache outcome, when a cache plugin took part. */
  cache?: 'hit' | 'miss' | 'bypass';
  /** Time to first token in ms (streams) once known. */
  ttftMs?: number;
  /**
   * What a stream handed to the client so far: chunks and characters of text
   * (content and tool-call arguments). Lets observers estimate the output of a
   * stream the client cancelled before the provider reported usage.
   */
  delivered?: { chunks: number; chars: number };
  /** Per-request scratch space for plugins; use your plugin name as the key. */
  readonly locals: Record<string, unknown>;
  /** Adds a response header (before the response starts). */
  setHeader(name: string, value: string): void;
}
