import type { ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { ChatRequest, EmbeddingsRequest, ModelInfo } from '../canonical.js';
import type { RequestContext, RequestKind } from '../context.js';
import { Abort } from '../upstream/abort.js';
import {
  AISBF_ERR_CLIENT_CLOSED, AISBF_ERR_INTERNAL, AISBF_ERR_METHOD_NOT_ALLOWED, AISBF_ERR_NOT_FOUND,
  isGatewayError, type GatewayError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { Answer, Pipeline } from '../pipeline.js';
import { HttpRequestContext } from './http-request-context.js';
import { readJsonBody } from './read-body.js';
import { newRequestId } from './request-id.js';
import { chatRequestSchema, compileValidator, embeddingsRequestSchema } from './request-schemas.js';

export interface HttpAppOptions {
  pipeline: Pipeline;
  logger: Logger;
  bodyLimit: number;
  /** Entries of GET /v1/models, computed once. */
  models: ModelInfo[];
  /** The router plugins added their endpoints to. */
  router: Router;
  /** False while starting or shutting down (GET /readyz answers 503). */
  ready: () => boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The proxied endpoints, matched before the router (see the first middleware). */
const CORE_ROUTES = new Map<string, RequestKind>([['/v1/chat/completions', 'chat'], ['/v1/embeddings', 'embeddings']]);
const validateChat = compileValidator<ChatRequest>(chatRequestSchema);
const validateEmbeddings = compileValidator<EmbeddingsRequest>(embeddingsRequestSchema);

/**
 * The HTTP surface: OpenAI-compatible endpoints, health checks and whatever
 * plugins registered, with every error answered as an OpenAI error body.
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const { pipeline, logger, bodyLimit, router } = options;
  const app = new Koa();
  const modelsBody = JSON.stringify({ object: 'list', data: options.models });

  app.use(async (ctx, next) => {
    const incoming = ctx.req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : newRequestId();
    ctx.state.requestId = id;
    try {
      // The two proxied endpoints skip the router and Koa's header helpers: they are nearly
      // all of the traffic, and both cost measurable time and garbage per request. Their
      // headers go out in one writeHead (see handle); everything else is plain Koa.
      const kind = ctx.method === 'POST' ? CORE_ROUTES.get(ctx.path) : undefined;
      if (kind) return await handle(ctx, kind, id);
      ctx.set('x-request-id', id);
      await next();
      if (ctx.body == null && ctx.respond !== false) {
        if (ctx.status === 405) throw AISBF_ERR_METHOD_NOT_ALLOWED(ctx.method, ctx.path, ctx.response.get('allow') || 'another method');
        if (ctx.status === 404) throw AISBF_ERR_NOT_FOUND(ctx.method, ctx.path);
      }
    } catch (err) {
      sendError(ctx, err, logger);
    }
  });

  // Matched before the router; listed here so that other methods get 405 with Allow.
  router.post('/v1/chat/completions', (ctx) => handle(ctx, 'chat', ctx.state.requestId as string));
  router.post('/v1/embeddings', (ctx) => handle(ctx, 'embeddings', ctx.state.requestId as string));
  router.get('/v1/models', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = modelsBody;
  });
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const ready = options.ready();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready' };
  });
  app.use(router.routes());
  app.use(router.allowedMethods());

  async function handle(koa: Context, kind: RequestKind, id: string): Promise<void> {
    // Response headers of this request, written at once; sendError applies them to an error answer.
    const out: Record<string, string | number> = { 'x-request-id': id };
    koa.state.headers = out;
    let raw: unknown;
    let body: ChatRequest | EmbeddingsRequest;
    try {
      raw = await readJsonBody(koa.req, bodyLimit);
      body = kind === 'chat' ? validateChat(raw) : validateEmbeddings(raw);
    } catch (err) {
      // Refused before the pipeline: observers still see it (access log, metrics, ledger).
      if (isGatewayError(err)) pipeline.failed(rejectedContext(koa, kind, raw), err);
      throw err;
    }
    // Upstream calls follow this cheap handle; the standard AbortSignal plugins see is made only if one asks.
    const abort = new Abort();
    const res = koa.res;
    res.once('close', () => {
      if (!res.writableFinished) abort.abort(AISBF_ERR_CLIENT_CLOSED());
    });
    const ctx = new HttpRequestContext({ id, kind, body, headers: koa.headers, abort, out });
    let answer: Answer;
    try {
      answer = await pipeline.run(ctx);
    } catch (err) {
      const ge = isGatewayError(err) ? err : AISBF_ERR_INTERNAL(ctx.id);
      pipeline.failed(ctx, ge, abort.aborted);
      throw err;
    }
    if (answer.kind === 'json') {
      // Written straight to the socket: Koa's generic body handling (type sniffing, stream checks) is measurable here.
      const json = answer.json ?? JSON.stringify(answer.body);
      koa.respond = false;
      out['content-type'] = 'application/json; charset=utf-8';
      out['content-length'] = Buffer.byteLength(json);
      res.writeHead(200, out);
      res.end(json);
      return;
    }
    koa.respond = false;
    await writeSse(res, out, answer.chunks, abort, logger, ctx.id);
  }

  return app;
}

/** A context for a request refused before the pipeline ran (bad JSON, schema, size): enough for observers. */
function rejectedContext(koa: Context, kind: RequestKind, raw: unknown): RequestContext {
  const model = typeof (raw as { model?: unknown })?.model === 'string' ? (raw as { model: string }).model : '';
  return {
    id: koa.state.requestId as string,
    kind,
    body: (typeof raw === 'object' && raw !== null ? raw : { model, messages: [] }) as ChatRequest,
    stream: false,
    headers: koa.headers,
    signal: AbortSignal.abort(),
    startedAt: performance.now(),
    model,
    candidates: [],
    attempts: [],
    locals: {},
    setHeader: (name, value) => koa.set(name, value),
  };
}

/**
 * Frames chunks as SSE on the raw response, with backpressure. A failure after
 * the first byte ends the stream with an OpenAI error event (the status line
 * is already sent); a client that left gets nothing more.
 */
async function writeSse(res: ServerResponse, headers: Record<string, string | number>, chunks: AsyncIterable<unknown>, signal: Abort, logger: Logger, id: string): Promise<void> {
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache, no-transform';
  headers['x-accel-buffering'] = 'no';
  headers.connection = 'keep-alive';
  res.writeHead(200, headers);
  res.socket?.setNoDelay(true);
  try {
    for await (const chunk of chunks) {
      if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(res, signal);
      if (signal.aborted) return;
    }
    res.write('data: [DONE]\n\n');
  } catch (err) {
    if (signal.aborted) return;
    const ge = isGatewayError(err) ? err : AISBF_ERR_INTERNAL(id);
    if (!isGatewayError(err)) logger.error({ err, requestId: id }, 'stream failed');
    res.write(`data: ${JSON.stringify(ge.toJSON())}\n\n`);
  } finally {
    res.end();
  }
}

function drained(res: ServerResponse, signal: Abort): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      signal.off('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.once('abort', done);
  });
}

function sendError(ctx: Context, err: unknown, logger: Logger): void {
  const requestId = ctx.state.requestId as string;
  let ge: GatewayError;
  if (isGatewayError(err)) ge = err;
  else {
    logger.error({ err, requestId }, 'unhandled error');
    ge = AISBF_ERR_INTERNAL(requestId);
  }
  if (ge.status === 499 || ctx.res.writableEnded || ctx.res.headersSent) {
    // The client is gone, or the answer already started: nothing more can be said.
    ctx.respond = false;
    if (!ctx.res.writableEnded) ctx.res.end();
    return;
  }
  ctx.set('x-request-id', requestId);
  // What the request's plugins set (rate-limit headers, attempts, the routing trace), then the error's own.
  const own = ctx.state.headers as Record<string, string | number> | undefined;
  if (own) for (const [k, v] of Object.entries(own)) ctx.set(k, String(v));
  for (const [k, v] of Object.entries(ge.headers)) ctx.set(k, v);
  ctx.status = ge.status;
  ctx.body = ge.toJSON();
}
