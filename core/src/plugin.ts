/**
 * The plugin contract. A plugin is a plain object made by a factory; each field
 * other than `name`, `setup` and `close` is a hook for one stage of the pipeline:
 *
 *   auth → ratelimit → cache → route → failover ( translate ) → cache store → settle → observe
 *
 * Plugins never import tapable or Koa middleware: they return functions and
 * core calls them in order (preset plugins first, then user plugins, with
 * `enforce` and `before` as escape hatches). An error thrown from a hook is
 * wrapped with the plugin's name and the stage, unless it is already a
 * `GatewayError` (then it is answered as is: that is how auth says 401).
 */
import type Router from '@koa/router';
import type {
  ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse, Usage,
} from './canonical.js';
import type { AttemptRecord, Candidate, Principal, RequestContext } from './context.js';
import type { GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import type { SharedState, SharedStateOptions } from './state/shared-state.js';
import type { ResolvedConfig } from './config/types.js';

/** A JSON Schema (draft-07, as ajv reads it). */
export type JSONSchema = Record<string, unknown>;

// ── Providers ────────────────────────────────────────────────────────────────

/**
 * A provider entry of the config. Core reads the common keys; the adapter's own
 * options sit flat beside them and are checked against `ProviderAdapter.options`.
 *
 * @example { type: 'azure', apiKey: '${AZURE_KEY}', baseURL: 'https://x.openai.azure.com', deployment: 'gpt4o', apiVersion: '2024-10-21' }
 */
export interface ProviderConfig {
  /** The adapter: the `provider.type` of a loaded plugin (auto-loaded by name when missing). */
  type: string;
  /** Base URL of the upstream API; adapters append their paths to it. */
  baseURL?: string;
  /** Secret for the upstream; write `${ENV_VAR}` in config files. */
  apiKey?: string;
  /** Whole-request timeout in ms (headers and body); default 600000. */
  timeoutMs?: number;
  /** TCP/TLS connect timeout in ms; default 10000. */
  connectTimeoutMs?: number;
  /**
   * Models to advertise in `GET /v1/models` as `<id>/<model>`, optionally with
   * catalogue facts for routing and cost (see `ProviderModelInfo`).
   */
  models?: Array<string | ProviderModelInfo>;
  /** Extra headers sent on every upstream request. */
  headers?: Record<string, string>;
  [option: string]: unknown;
}

/**
 * A model of a provider with the facts routing and accounting use; every field
 * but `id` is optional and overrides the bundled catalogue.
 *
 * @example { id: 'llama3.1:8b', price: { input: 0, output: 0 }, quality: 0.55, contextWindow: 131072, capabilities: ['tools', 'json'], tags: ['cheap'] }
 */
export interface ProviderModelInfo {
  id: string;
  /** USD per million tokens. */
  price?: { input?: number | null; output?: number | null; cachedInput?: number | null };
  /** 0–1, higher is better. */
  quality?: number;
  contextWindow?: number;
  maxOutput?: number;
  /** What the model can do: any of `tools`, `vision`, `json`, `embeddings`. */
  capabilities?: Array<'tools' | 'vision' | 'json' | 'embeddings'>;
  tags?: string[];
  [fact: string]: unknown;
}

/** The id of a provider model entry. */
export function modelId(m: string | ProviderModelInfo): string {
  return typeof m === 'string' ? m : m.id;
}

/**
 * What an adapter needs to translate one request: the provider id and entry,
 * and the upstream model chosen by routing.
 */
export interface ProviderTarget<Options extends ProviderConfig = ProviderConfig> {
  /** The provider id (config key), e.g. `claude`. */
  id: string;
  config: Options;
  /** The upstream model name, e.g. `claude-sonnet-4-5`. */
  model: string;
}

/**
 * The native HTTP request an adapter wants core to send.
 *
 * @example { path: '/messages', headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' }, body: nativeBody }
 */
export interface UpstreamRequest {
  /** Appended to the provider's `baseURL` (which may itself carry a path); may include a query string. */
  path: string;
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  /** Serialised as JSON by core. */
  body?: unknown;
  /** How the upstream frames a stream. Default `sse`. */
  framing?: 'sse' | 'ndjson';
  /**
   * Request parameters the adapter dropped because the provider cannot honour
   * them; core reports them to the client in `x-aisbf-dropped-params`.
   */
  dropped?: string[];
}

/**
 * One parsed upstream stream event. For SSE, `event` is the `event:` field and
 * `data` the JSON-parsed `data:` payload (joined across lines); for NDJSON,
 * `data` is one parsed line. The OpenAI `[DONE]` sentinel ends the stream and
 * is not passed on.
 */
export interface StreamEvent {
  event?: string;
  data: unknown;
}

/**
 * Turns one upstream stream into canonical chunks. Made fresh for every stream
 * (it may keep state: tool-call indices, usage seen so far).
 *
 * `event` returns the chunks for one upstream event (none is fine) and throws a
 * `GatewayError` for an error event. `end` flushes at the end of the upstream
 * stream. The translator must emit the usage chunk (`choices: []`) whenever the
 * provider reports usage: core strips it when the client did not ask for it.
 */
export interface StreamTranslator {
  event(ev: StreamEvent): ChatChunk[] | undefined;
  end?(): ChatChunk[] | undefined;
}

/** Canonical ⇄ native translation for chat. Pure functions: no sockets, no timers. */
export interface ChatTranslator<Options extends ProviderConfig = ProviderConfig> {
  request(req: ChatRequest, target: ProviderTarget<Options>): UpstreamRequest;
  response(body: unknown, target: ProviderTarget<Options>, req: ChatRequest): ChatResponse;
  stream(target: ProviderTarget<Options>, req: ChatRequest): StreamTranslator;
}

export interface EmbeddingsTranslator<Options extends ProviderConfig = ProviderConfig> {
  request(req: EmbeddingsRequest, target: ProviderTarget<Options>): UpstreamRequest;
  /** Return float arrays; core encodes base64 when the client asked for it. */
  response(body: unknown, target: ProviderTarget<Options>, req: EmbeddingsRequest): EmbeddingsResponse;
}

interface ProviderAdapterBase {
  /** The name used as `type:` in provider entries, e.g. `anthropic`. */
  type: string;
  /** JSON Schema for the adapter's own keys on a provider entry (common keys are core's). */
  options?: JSONSchema;
  /** Defaults for common keys, e.g. `{ baseURL: 'https://api.openai.com/v1' }`. */
  defaults?: Partial<ProviderConfig>;
  /** Checks a provider entry beyond its schema; throw a message to refuse it at load. */
  validate?(config: ProviderConfig, id: string): void;
}

/**
 * An adapter for a provider that speaks HTTP: core sends the request built by
 * `chat.request`, then hands the parsed body or stream events back.
 *
 * @example
 * provider: {
 *   type: 'acme',
 *   defaults: { baseURL: 'https://api.acme.ai' },
 *   chat: { request: toAcme, response: fromAcme, stream: () => new AcmeStream() },
 *   error: (status, body, headers) => upstreamError({ status, message: body?.detail ?? 'error', headers }),
 * }
 */
export interface HttpProviderAdapter<Options extends ProviderConfig = ProviderConfig> extends ProviderAdapterBase {
  chat: ChatTranslator<Options>;
  embeddings?: EmbeddingsTranslator<Options>;
  /** Maps an upstream error response (status ≥ 400, body parsed as JSON when possible) to a client error. */
  error(status: number, body: unknown, headers: Record<string, string | string[] | undefined>, target: ProviderTarget<Options>): GatewayError;
}

/**
 * An adapter that answers without HTTP: in-process mocks, local runtimes,
 * vendor SDKs. Core calls `invoke` instead of sending a request.
 */
export interface DirectProviderAdapter<Options extends ProviderConfig = ProviderConfig> extends ProviderAdapterBase {
  invoke: {
    chat(req: ChatRequest, target: ProviderTarget<Options>, signal: AbortSignal): Promise<ChatResponse | AsyncIterable<ChatChunk>>;
    embeddings?(req: EmbeddingsRequest, target: ProviderTarget<Options>, signal: AbortSignal): Promise<EmbeddingsResponse>;
  };
}

export type ProviderAdapter<Options extends ProviderConfig = ProviderConfig> =
  | HttpProviderAdapter<Options>
  | DirectProviderAdapter<Options>;

// ── Stage hooks ──────────────────────────────────────────────────────────────

/**
 * Rate limiting and budgets: `admit` before the call (throw a 429 to refuse,
 * reserve what the request may use), `settle` after it with the provider's
 * real usage to replace the reservation. `usage` is undefined when no
 * provider usage was incurred: the request failed, or it was answered from
 * the cache (`ctx.cache === 'hit'`).
 */
export interface RateLimitHook {
  admit(ctx: RequestContext): void | Promise<void>;
  settle?(ctx: RequestContext, usage: Usage | undefined): void | Promise<void>;
}

/**
 * A stored answer. `storedAt` (ms since epoch) gives the `age` header. A cache
 * that keeps the serialized response may hand it over as `json`: core then
 * sends it as is to a JSON client instead of serializing `response` again.
 * Core never mutates `response`, so a cache may share one (frozen) object.
 */
export interface CacheEntry {
  response: ChatResponse | EmbeddingsResponse;
  storedAt: number;
  json?: string;
}

/**
 * A response cache. `get` returns an entry to answer without calling a
 * provider (a streaming client gets it replayed as SSE); `set` receives every
 * successful answer (streams assembled into one response). Set `ctx.cache`.
 */
export interface CacheHook {
  get(ctx: RequestContext): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  set(ctx: RequestContext, entry: CacheEntry): void | Promise<void>;
  /**
   * The request ended without `set`: it failed, its stream was cut or the
   * client left. Lets a cache release what `get` held (e.g. coalesced waiters).
   */
  release?(ctx: RequestContext): void | Promise<void>;
}

/**
 * A routing policy: takes the ranked candidates and returns a ranked subset.
 * It may reorder and remove, never invent. `always: true` applies it to every
 * route (e.g. capability filtering); otherwise a route opts in by naming it in
 * `models.<name>.policies`, optionally with per-route options.
 *
 * @example
 * route: { select: (candidates, ctx) => ctx.principal?.tier === 'free' ? candidates.filter((c) => c.tags?.includes('cheap')) : candidates }
 */
export interface RoutePolicy<Options = unknown> {
  always?: boolean;
  select(candidates: Candidate[], ctx: RequestContext, options: Options): Candidate[] | Promise<Candidate[]>;
}

/** A stream whose first token has already arrived (failover may still drop it unseen). */
export interface ChatStream extends AsyncIterable<ChatChunk> {
  /** Stops the upstream call. */
  cancel(): void;
}

/** What one successful attempt produced. */
export type AttemptValue = ChatResponse | EmbeddingsResponse | ChatStream;

export interface AttemptResult {
  candidate: Candidate;
  value: AttemptValue;
}

/**
 * Limits a failover strategy may put on one attempt's HTTP call.
 *
 * @example attempt(candidate, signal, { connectTimeoutMs: 3000, firstByteTimeoutMs: 20000 })
 */
export interface AttemptLimits {
  /** Connect timeout for providers whose entry sets no `connectTimeoutMs`. */
  connectTimeoutMs?: number;
  /** The upstream's response headers must arrive within this time (JSON and streams). */
  firstByteTimeoutMs?: number;
}

/**
 * Makes one attempt on a candidate. Resolves when the full answer (JSON) or the
 * first token (stream) has arrived; rejects with a `GatewayError` whose
 * `retryable` says whether another try may help. Aborting `signal` cancels it
 * (abort with a GatewayError as the reason to have observers see that error).
 */
export type AttemptFn = (candidate: Candidate, signal?: AbortSignal, limits?: AttemptLimits) => Promise<AttemptResult>;

/**
 * An attempt strategy: drives attempts over the ranked candidates. Without a
 * failover plugin, core tries the first candidate once.
 */
export interface FailoverHook {
  run(candidates: Candidate[], attempt: AttemptFn, ctx: RequestContext): Promise<AttemptResult>;
}

/** What observers get when a request ends. */
export interface RequestSummary {
  status: number;
  /** The JSON answer (not for streams; a stream's text is not kept). */
  response?: ChatResponse | EmbeddingsResponse;
  durationMs: number;
  ttftMs?: number;
  usage?: Usage;
  error?: GatewayError;
  /** True when the client went away before the end. */
  cancelled?: boolean;
}

/**
 * Observers run off the response path: never awaited by the request, errors
 * logged and dropped.
 */
export interface ObserveHooks {
  request?(ctx: RequestContext): void | Promise<void>;
  attempt?(ctx: RequestContext, attempt: AttemptRecord): void | Promise<void>;
  response?(ctx: RequestContext, summary: RequestSummary): void | Promise<void>;
  error?(ctx: RequestContext, summary: RequestSummary): void | Promise<void>;
}

/** A shared-state backend (e.g. Redis), chosen by `state.backend` in config. */
export interface StateBackend {
  backend: string;
  create(options: SharedStateOptions): SharedState | Promise<SharedState>;
}

/** What `setup` receives. */
export interface PluginApi {
  /** The resolved config (read-only). */
  readonly config: ResolvedConfig;
  /** Shared state: memory on one node, Redis in a cluster. */
  readonly state: SharedState;
  /** A child logger named after the plugin. */
  readonly logger: Logger;
  /** Register extra HTTP endpoints (e.g. `/metrics`, `/admin/keys`). */
  readonly router: Router;
}

/**
 * An aisbf plugin.
 *
 * @example
 * export default function headerAuth(options: { header: string }): Plugin {
 *   return definePlugin({
 *     name: 'header-auth',
 *     auth: (ctx) => {
 *       const v = ctx.headers[options.header];
 *       return typeof v === 'string' ? { id: v } : undefined;
 *     },
 *   });
 * }
 */
export interface Plugin {
  /** Unique name; for an npm plugin, the package suffix (`@aisbf/plugin-cache` → `cache`). */
  name: string;
  /** `pre` runs before normal plugins in every stage, `post` after. */
  enforce?: 'pre' | 'post';
  /** Run before these plugins (by name) in every stage they share. */
  before?: string[];
  /** JSON Schema for the options given as `[name, options]` in config. */
  options?: JSONSchema;
  /** Called once at start, in order, before the server listens. */
  setup?(api: PluginApi): void | Promise<void>;
  /** Called once at shutdown, in reverse order. */
  close?(): void | Promise<void>;

  /** First plugin to return a principal wins; none → 401 if any auth plugin is loaded. */
  auth?(ctx: RequestContext): Principal | undefined | Promise<Principal | undefined>;
  ratelimit?: RateLimitHook;
  cache?: CacheHook;
  route?: RoutePolicy;
  failover?: FailoverHook;
  provider?: ProviderAdapter;
  observe?: ObserveHooks;
  state?: StateBackend;
}
