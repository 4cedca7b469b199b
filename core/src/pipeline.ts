import type {
  ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse,
} from './canonical.js';
import type { ResolvedConfig, ResolvedRoute } from './config/types.js';
import { kAbort, type AttemptRecord, type Candidate, type CoreContext, type RequestContext } from './context.js';
import { Abort } from './upstream/abort.js';
import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_MODEL_NOT_FOUND, AISBF_ERR_NO_ROUTE, AISBF_ERR_UNAUTHORIZED, AISBF_ERR_UPSTREAM_PROTOCOL,
  isGatewayError, type GatewayError,
} from './errors.js';
import type { Logger } from './logger.js';
import type { AttemptLimits, AttemptResult, AttemptValue, CacheEntry, ChatStream, RequestSummary } from './plugin.js';
import { applyPolicy, emit, EXPLAIN, type ExplainStep, type Stages } from './stages.js';
import { assembleChunks, floatsToBase64, responseToChunks } from './stream/chunks.js';
import type { ProviderRuntime } from './upstream/provider-runtime.js';

/** What the HTTP layer sends: a JSON body, or chunks to frame as SSE. */
export type Answer =
  | { kind: 'json'; body: ChatResponse | EmbeddingsResponse; /** The body already serialized (a cache hit). */ json?: string }
  | { kind: 'stream'; chunks: AsyncIterable<ChatChunk> };

/**
 * Runs one request through the stages:
 * auth → ratelimit.admit → cache.get → route → failover(translate) → cache.set → ratelimit.settle → observe.
 * Streams finish their tail (cache, settle, observe) when the last chunk has
 * been handed to the client, or when the client leaves.
 */
export class Pipeline {
  readonly #config: ResolvedConfig;
  readonly #stages: Stages;
  readonly #providers: ReadonlyMap<string, ProviderRuntime>;
  readonly #logger: Logger;

  constructor(config: ResolvedConfig, stages: Stages, providers: ReadonlyMap<string, ProviderRuntime>, logger: Logger) {
    this.#config = config;
    this.#stages = stages;
    this.#providers = providers;
    this.#logger = logger;
  }

  /** The route for a requested model name: a public name, or `<provider>/<model>`. */
  resolve(model: string): { route?: ResolvedRoute; candidates: Candidate[] } {
    const route = this.#config.models[model];
    if (route) return { route, candidates: route.candidates };
    const slash = model.indexOf('/');
    if (slash > 0 && this.#providers.has(model.slice(0, slash)) && slash < model.length - 1) {
      return { candidates: [{ provider: model.slice(0, slash), model: model.slice(slash + 1) }] };
    }
    const names = Object.keys(this.#config.models);
    const hint = names.length
      ? `Use one of: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}, or "<provider>/<model>" with a configured provider (${[...this.#providers.keys()].join(', ')}). GET /v1/models lists them.`
      : `Use "<provider>/<model>" with a configured provider (${[...this.#providers.keys()].join(', ')}). GET /v1/models lists them.`;
    throw AISBF_ERR_MODEL_NOT_FOUND(model, hint);
  }

  async run(ctx: RequestContext): Promise<Answer> {
    const stages = this.#stages;
    const hooks = stages.hooks;
    emit(stages, this.#logger, 'request', ctx);
    let admitted = false;
    try {
      if (stages.hasAuth) {
        const principal = await hooks.auth.promise(ctx);
        if (!principal) throw AISBF_ERR_UNAUTHORIZED();
        ctx.principal = principal;
      }
      const { route, candidates } = this.resolve(ctx.model);
      if (ctx.kind === 'chat') checkChat(ctx.body as ChatRequest, ctx.stream);

      admitted = stages.hasRatelimit;
      if (admitted) await hooks.admit.promise(ctx);

      if (stages.hasCache) {
        const hit = await hooks.cacheGet.promise(ctx);
        if (hit) return this.#fromCache(ctx, hit);
      }

      if (ctx.headers['x-aisbf-explain'] === '1') ctx.locals[EXPLAIN] = [];
      let ranked = stages.hasAlwaysPolicies ? await hooks.route.promise(candidates, ctx) : candidates;
      for (const p of route?.policies ?? this.#config.routing.policies) {
        const policy = p.plugin.route!;
        ranked = await applyPolicy(p.plugin.name, ranked, ctx, (c) => policy.select(c, ctx, p.options));
      }
      if (ranked.length === 0) throw AISBF_ERR_NO_ROUTE(ctx.model, 'the route has no candidates.');
      ctx.candidates = ranked;
      explainHeader(ctx);

      const attempt = (c: Candidate, signal?: AbortSignal, limits?: AttemptLimits) => this.#attempt(ctx, c, signal, limits);
      const result = stages.failover
        ? await stages.failover.hook.run(ranked, attempt, ctx)
        : await attempt(ranked[0]);
      this.#served(ctx, result);

      if (isStream(result.value)) return { kind: 'stream', chunks: this.#tail(ctx, result.value) };
      const body = result.value;
      ctx.usage = body.usage as ChatResponse['usage'];
      // Cache and settle before answering, so a client that asks again at once sees the entry.
      if (stages.hasCache) await hooks.cacheSet.promise(ctx, { response: body, storedAt: Date.now() });
      if (admitted) {
        admitted = false;
        await hooks.settle.promise(ctx, ctx.usage);
      }
      this.#done(ctx, 200, body);
      return { kind: 'json', body: ctx.kind === 'embeddings' ? encodeEmbeddings(body as EmbeddingsResponse, ctx.body as EmbeddingsRequest) : body };
    } catch (err) {
      explainHeader(ctx); // a 503 from routing keeps its trace
      if (ctx.attempts.length > 0) ctx.setHeader('x-aisbf-attempts', String(ctx.attempts.length));
      if (stages.hasCache) await hooks.cacheRelease.promise(ctx);
      if (admitted) await hooks.settle.promise(ctx, undefined);
      throw err;
    }
  }

  /** Reports a failed request to observers (the HTTP layer calls this once it has the final status). */
  failed(ctx: RequestContext, error: GatewayError, cancelled = false): void {
    const summary: RequestSummary = {
      status: error.status, durationMs: performance.now() - ctx.startedAt, error, cancelled: cancelled || error.status === 499, ttftMs: ctx.ttftMs, usage: ctx.usage,
    };
    emit(this.#stages, this.#logger, 'error', ctx, summary);
  }

  #fromCache(ctx: RequestContext, hit: CacheEntry): Answer {
    ctx.cache = 'hit';
    ctx.setHeader('x-aisbf-cache', 'hit');
    ctx.setHeader('age', String(Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000))));
    ctx.usage = hit.response.usage as ChatResponse['usage'];
    // No provider was used: limits and budgets release their reservations (rpm still counted at admit).
    if (this.#stages.hasRatelimit) this.#stages.hooks.settle.promise(ctx, undefined).then(() => this.#done(ctx, 200), () => undefined);
    else this.#done(ctx, 200);
    if (ctx.kind === 'embeddings') return { kind: 'json', body: encodeEmbeddings(hit.response as EmbeddingsResponse, ctx.body as EmbeddingsRequest) };
    const res = hit.response as ChatResponse;
    if (!ctx.stream) return { kind: 'json', body: res, json: hit.json };
    return { kind: 'stream', chunks: replay(responseToChunks(res, includeUsage(ctx))) };
  }

  /** One try on one candidate: the translate stage, timed and recorded. */
  async #attempt(ctx: RequestContext, candidate: Candidate, signal?: AbortSignal, limits?: AttemptLimits): Promise<AttemptResult> {
    const runtime = this.#providers.get(candidate.provider);
    const startedAt = performance.now();
    const record: AttemptRecord = { provider: candidate.provider, model: candidate.model, outcome: 'ok', latencyMs: 0, startedAt };
    ctx.attempts.push(record);
    try {
      if (!runtime) throw AISBF_ERR_NO_ROUTE(ctx.model, `provider '${candidate.provider}' is not configured.`);
      const own = (ctx as CoreContext)[kAbort];
      // A strategy's own signal (a hedge it may cancel) and the client's departure both stop the call.
      const abort = signal ? Abort.follow(own ?? ctx.signal, signal) : own ?? Abort.follow(ctx.signal);
      const call = {
        abort,
        stream: ctx.stream,
        limits,
        onDropped: (params: string[]) => ctx.setHeader('x-aisbf-dropped-params', params.join(', ')),
      };
      const value: AttemptValue = ctx.kind === 'chat'
        ? await runtime.chat(ctx.body as ChatRequest, candidate.model, call)
        : await runtime.embeddings(ctx.body as EmbeddingsRequest, candidate.model, call);
      if (ctx.stream && !isStream(value)) throw AISBF_ERR_UPSTREAM_PROTOCOL(candidate.provider, 'asked for a stream, got JSON');
      record.latencyMs = performance.now() - startedAt;
      return { candidate, value };
    } catch (err) {
      record.latencyMs = performance.now() - startedAt;
      const sig = signal ?? (ctx as CoreContext)[kAbort] ?? ctx.signal;
      // An abort whose reason is a gateway error (a strategy's timeout) is that error, not a cancel.
      const failure = sig.aborted && isGatewayError(sig.reason) && sig.reason.status !== 499 ? sig.reason : err;
      record.outcome = sig.aborted && failure === err ? 'aborted' : 'error';
      if (isGatewayError(failure)) {
        record.error = failure;
        record.status = failure.status;
      }
      throw err;
    } finally {
      emit(this.#stages, this.#logger, 'attempt', ctx, record);
    }
  }

  #served(ctx: RequestContext, result: AttemptResult): void {
    ctx.served = result.candidate;
    ctx.setHeader('x-aisbf-provider', result.candidate.provider);
    ctx.setHeader('x-aisbf-model', result.candidate.model);
    ctx.setHeader('x-aisbf-attempts', String(ctx.attempts.length));
    if (this.#stages.hasCache && !ctx.cache) ctx.cache = 'miss';
    if (ctx.cache) ctx.setHeader('x-aisbf-cache', ctx.cache);
  }

  /**
   * Passes the stream to the client, keeping usage (and stripping the usage
   * chunk unless the client asked for it), then runs the tail stages once the
   * stream has ended, failed or been abandoned.
   */
  async *#tail(ctx: RequestContext, stream: ChatStream): AsyncGenerator<ChatChunk> {
    const wantUsage = includeUsage(ctx);
    const keep = this.#stages.hasCache ? ([] as ChatChunk[]) : undefined;
    let complete = false;
    let failure: unknown;
    let first = true;
    const delivered = { chunks: 0, chars: 0 };
    ctx.delivered = delivered;
    try {
      for await (const chunk of stream) {
        if (first) {
          first = false;
          ctx.ttftMs = performance.now() - ctx.startedAt;
        }
        keep?.push(chunk);
        delivered.chunks++;
        for (const c of chunk.choices) {
          if (typeof c.delta.content === 'string') delivered.chars += c.delta.content.length;
          for (const t of c.delta.tool_calls ?? []) delivered.chars += t.function?.arguments?.length ?? 0;
        }
        if (chunk.usage) {
          ctx.usage = chunk.usage;
          if (!wantUsage) {
            if (chunk.choices.length === 0) continue;
            yield { ...chunk, usage: undefined };
            continue;
          }
        }
        yield chunk;
      }
      complete = true;
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      stream.cancel();
      void this.#finishStream(ctx, complete, failure, keep);
    }
  }

  async #finishStream(ctx: RequestContext, complete: boolean, failure: unknown, kept: ChatChunk[] | undefined): Promise<void> {
    const hooks = this.#stages.hooks;
    try {
      let stored = false;
      if (complete && kept) {
        const assembled = assembleChunks(kept);
        if (assembled.choices.length > 0 && assembled.choices.every((c) => c.finish_reason)) {
          await hooks.cacheSet.promise(ctx, { response: assembled, storedAt: Date.now() });
          stored = true;
        }
      }
      if (kept && !stored) await hooks.cacheRelease.promise(ctx);
      if (this.#stages.hasRatelimit) await hooks.settle.promise(ctx, ctx.usage);
    } finally {
      if (complete) this.#done(ctx, 200);
      else if (isGatewayError(failure)) this.failed(ctx, failure, ((ctx as CoreContext)[kAbort] ?? ctx.signal).aborted);
      else {
        const summary: RequestSummary = { status: 499, durationMs: performance.now() - ctx.startedAt, usage: ctx.usage, ttftMs: ctx.ttftMs, cancelled: true };
        emit(this.#stages, this.#logger, 'error', ctx, summary);
      }
    }
  }

  #done(ctx: RequestContext, status: number, response?: ChatResponse | EmbeddingsResponse): void {
    const summary: RequestSummary = { status, durationMs: performance.now() - ctx.startedAt, ttftMs: ctx.ttftMs, usage: ctx.usage, response };
    emit(this.#stages, this.#logger, 'response', ctx, summary);
  }
}

/** Sends the routing trace when the client asked for it; header values must be visible ASCII, so the JSON is escaped. */
function explainHeader(ctx: RequestContext): void {
  const steps = ctx.locals[EXPLAIN] as ExplainStep[] | undefined;
  if (!steps) return;
  ctx.setHeader('x-aisbf-explain', JSON.stringify(steps).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function isStream(v: AttemptValue): v is ChatStream {
  return typeof (v as ChatStream)[Symbol.asyncIterator] === 'function';
}

function includeUsage(ctx: RequestContext): boolean {
  return (ctx.body as ChatRequest).stream_options?.include_usage === true;
}

async function* replay(chunks: ChatChunk[]): AsyncGenerator<ChatChunk> {
  yield* chunks;
}

/** Checks that depend on more than the JSON schema. */
function checkChat(req: ChatRequest, stream: boolean): void {
  if (!stream && req.stream_options != null) {
    throw AISBF_ERR_INVALID_REQUEST('stream_options is only allowed when stream is true.', 'stream_options');
  }
}

/** Float vectors → base64 when the client asked for it (the openai SDK does by default). */
function encodeEmbeddings(res: EmbeddingsResponse, req: EmbeddingsRequest): EmbeddingsResponse {
  if (req.encoding_format !== 'base64') return res;
  if (res.data.every((d) => typeof d.embedding === 'string')) return res;
  return {
    ...res,
    data: res.data.map((d) => (typeof d.embedding === 'string' ? d : { ...d, embedding: floatsToBase64(d.embedding) })),
  };
}
