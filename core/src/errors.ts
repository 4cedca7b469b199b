/**
 * The error catalogue. Every error the gateway answers with is a `GatewayError`
 * built from one of the `AISBF_ERR_*` constructors below, so each has one HTTP
 * status and one OpenAI error body: `{ error: { message, type, param, code } }`.
 *
 * Plugins throw these too (an auth plugin throws `AISBF_ERR_UNAUTHORIZED()`), and
 * provider adapters build theirs with `upstreamError()`.
 */

/** The OpenAI error body. All four keys are always present. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface GatewayErrorInit {
  status: number;
  type: string;
  code?: string | null;
  param?: string | null;
  /** Catalogue name, e.g. `AISBF_ERR_MODEL_NOT_FOUND`. */
  name?: string;
  /** Response headers to send with the error (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /**
   * Whether trying again (here or on another candidate) may succeed. Failover
   * reads this; the core fallback ignores it.
   */
  retryable?: boolean;
  /** Milliseconds the upstream asked us to wait (from `retry-after` / `retry-after-ms`). */
  retryAfterMs?: number;
  /** The plugin in which it happened, and the stage. */
  plugin?: string;
  stage?: string;
  /** The provider id whose upstream answered with this error. */
  provider?: string;
  cause?: unknown;
}

const BRAND = Symbol.for('aisbf.GatewayError');

/**
 * An error with an HTTP status and an OpenAI error body.
 *
 * @example
 * throw new GatewayError('Key expired: create a new one with POST /admin/keys', {
 *   status: 401, type: 'authentication_error', code: 'invalid_api_key' });
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  retryable: boolean;
  retryAfterMs?: number;
  plugin?: string;
  stage?: string;
  provider?: string;

  constructor(message: string, init: GatewayErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = init.name ?? 'GatewayError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.headers = init.headers ?? {};
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.plugin = init.plugin;
    this.stage = init.stage;
    this.provider = init.provider;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }

  /** The body sent to the client. */
  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * True for any GatewayError, even one made by another copy of this package
 * (a plugin that bundles its own `aisbf`): checked by brand, not `instanceof`.
 */
export function isGatewayError(err: unknown): err is GatewayError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

type Make<A extends unknown[]> = (...args: A) => GatewayError;

function define<A extends unknown[]>(
  name: string,
  status: number,
  type: string,
  code: string | null,
  message: (...args: A) => string,
  extra: Partial<GatewayErrorInit> = {},
): Make<A> {
  return (...args: A) => new GatewayError(message(...args), { ...extra, name, status, type, code });
}

// ── Client errors ─────────────────────────────────────────────────────────────

export const AISBF_ERR_INVALID_JSON = define('AISBF_ERR_INVALID_JSON', 400, 'invalid_request_error', null,
  (detail: string) => `The request body is not valid JSON (${detail}). Send a JSON object with Content-Type: application/json.`);

export const AISBF_ERR_INVALID_REQUEST = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(message, { name: 'AISBF_ERR_INVALID_REQUEST', status: 400, type: 'invalid_request_error', param, code });

export const AISBF_ERR_BODY_TOO_LARGE = define('AISBF_ERR_BODY_TOO_LARGE', 413, 'invalid_request_error', 'request_too_large',
  (limit: number) => `The request body is larger than the limit of ${limit} bytes. Send a smaller body, or raise server.bodyLimit in the config.`);

export const AISBF_ERR_MODEL_NOT_FOUND = (model: string, hint: string) =>
  new GatewayError(`The model '${model}' does not exist on this gateway. ${hint}`, {
    name: 'AISBF_ERR_MODEL_NOT_FOUND', status: 404, type: 'not_found_error', code: 'model_not_found', param: 'model',
  });

export const AISBF_ERR_NOT_FOUND = define('AISBF_ERR_NOT_FOUND', 404, 'invalid_request_error', 'not_found',
  (method: string, path: string) => `No route for ${method} ${path}. The gateway serves POST /v1/chat/completions, POST /v1/embeddings and GET /v1/models.`);

export const AISBF_ERR_METHOD_NOT_ALLOWED = (method: string, path: string, allowed: string) =>
  new GatewayError(`${method} is not allowed on ${path}; use ${allowed}.`, {
    name: 'AISBF_ERR_METHOD_NOT_ALLOWED', status: 405, type: 'invalid_request_error', code: 'method_not_allowed', headers: { allow: allowed },
  });

export const AISBF_ERR_UNSUPPORTED = (what: string, param: string | null = null) =>
  new GatewayError(what, { name: 'AISBF_ERR_UNSUPPORTED', status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param });

// ── Stage errors (thrown by plugins) ─────────────────────────────────────────

export const AISBF_ERR_UNAUTHORIZED = define('AISBF_ERR_UNAUTHORIZED', 401, 'authentication_error', 'invalid_api_key',
  (why = 'No valid API key was sent.') => `${why} Send it as "Authorization: Bearer <key>".`);

export const AISBF_ERR_FORBIDDEN = define('AISBF_ERR_FORBIDDEN', 403, 'permission_error', null, (why: string) => why);

export const AISBF_ERR_RATE_LIMITED = (message: string, retryAfterMs: number, code = 'rate_limit_exceeded') =>
  new GatewayError(message, {
    name: 'AISBF_ERR_RATE_LIMITED', status: 429, type: code === 'insufficient_quota' ? 'insufficient_quota' : 'rate_limit_error', code,
    retryAfterMs, headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });

export const AISBF_ERR_NO_ROUTE = define('AISBF_ERR_NO_ROUTE', 503, 'server_error', 'no_route',
  (model: string, why: string) => `No candidate can serve '${model}': ${why}`);

export const AISBF_ERR_PLUGIN = (plugin: string, stage: string, cause: unknown) =>
  new GatewayError(`Plugin '${plugin}' failed in stage '${stage}': ${cause instanceof Error ? cause.message : String(cause)}`, {
    name: 'AISBF_ERR_PLUGIN', status: 500, type: 'server_error', code: 'plugin_error', plugin, stage, cause,
  });

export const AISBF_ERR_INTERNAL = define('AISBF_ERR_INTERNAL', 500, 'server_error', null,
  (requestId: string) => `The gateway failed unexpectedly. Report request id ${requestId} to the operator.`);

// ── Upstream errors ──────────────────────────────────────────────────────────

export const AISBF_ERR_UPSTREAM_TIMEOUT = (provider: string, what: string) =>
  new GatewayError(`Provider '${provider}' did not answer in time (${what}).`, {
    name: 'AISBF_ERR_UPSTREAM_TIMEOUT', status: 504, type: 'server_error', code: 'timeout', retryable: true, provider,
  });

export const AISBF_ERR_UPSTREAM_UNREACHABLE = (provider: string, cause: unknown) =>
  new GatewayError(`Provider '${provider}' could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`, {
    name: 'AISBF_ERR_UPSTREAM_UNREACHABLE', status: 502, type: 'server_error', code: 'upstream_unreachable', retryable: true, provider, cause,
  });

export const AISBF_ERR_UPSTREAM_PROTOCOL = (provider: string, detail: string) =>
  new GatewayError(`Provider '${provider}' sent a response the gateway cannot read: ${detail}`, {
    name: 'AISBF_ERR_UPSTREAM_PROTOCOL', status: 502, type: 'server_error', code: 'bad_upstream_response', retryable: true, provider,
  });

/**
 * A provider refused the gateway's own credentials (401/403). Passing that
 * status on would tell the client its key is wrong; it is the operator's
 * provider config that is.
 */
export const AISBF_ERR_UPSTREAM_AUTH = (provider: string, cause: GatewayError) =>
  new GatewayError(`Provider '${provider}' refused the gateway's credentials (HTTP ${cause.status}: ${cause.message}). Check the key of providers.${provider} in the config.`, {
    name: 'AISBF_ERR_UPSTREAM_AUTH', status: 502, type: 'server_error', code: 'upstream_auth_failed', provider, cause,
  });

export const AISBF_ERR_CLIENT_CLOSED = define('AISBF_ERR_CLIENT_CLOSED', 499, 'invalid_request_error', 'client_closed_request',
  () => 'The client closed the connection before the answer was complete.');

// ── Config errors (never reach a client: they stop the start) ────────────────

/** A config problem. `path` is the key path, e.g. `providers.x.timeoutMs`. */
export class ConfigError extends Error {
  constructor(message: string, readonly path?: string, readonly plugin?: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Facts about an upstream error that adapters extract from their provider's body.
 * `upstreamError()` turns them into the normalised client error (WIRE-FORMATS §8.2).
 */
export interface UpstreamErrorFacts {
  /** HTTP status the upstream answered with. */
  status: number;
  /** The upstream's message, kept verbatim. */
  message: string;
  /** A provider-specific code or type, used to refine the mapping (e.g. `insufficient_quota`). */
  code?: string | null;
  param?: string | null;
  /** The kind of failure when the provider says it plainly. */
  kind?: 'context_length' | 'content_filter' | 'quota' | 'overloaded' | 'rate_limit' | 'timeout' | 'auth' | 'not_found';
  /** Upstream response headers, for `retry-after` / `retry-after-ms`. */
  headers?: Record<string, string | string[] | undefined>;
  provider?: string;
}

const CONTEXT_LENGTH = /context length|context window|maximum context|too many tokens|prompt is too long|input length and `?max_tokens`? exceed|exceeds? the (?:maximum|context)/i;

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = first(headers['retry-after']);
  if (ra === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The normalised client error for an upstream failure (WIRE-FORMATS §8.2):
 * keeps the upstream message, maps status/type/code, forwards `retry-after`,
 * and marks whether failover may try again.
 *
 * @example
 * error(status, body, headers) {
 *   return upstreamError({ status, message: body?.error?.message ?? 'unknown', code: body?.error?.code, headers });
 * }
 */
export function upstreamError(f: UpstreamErrorFacts): GatewayError {
  const wait = retryAfterMs(f.headers);
  const headers: Record<string, string> = {};
  if (wait !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(wait / 1000)));
  const base = { provider: f.provider, retryAfterMs: wait, headers, name: 'AISBF_ERR_UPSTREAM' };
  const code = f.code ?? null;
  const kind = f.kind
    ?? (code === 'insufficient_quota' || code === 'enforced_spend_limit_reached' ? 'quota'
      : code === 'context_length_exceeded' || CONTEXT_LENGTH.test(f.message) ? 'context_length'
      : code === 'content_filter' ? 'content_filter' : undefined);

  if (kind === 'context_length') return new GatewayError(f.message, { ...base, status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: f.param ?? 'messages' });
  if (kind === 'content_filter') return new GatewayError(f.message, { ...base, status: 400, type: 'invalid_request_error', code: 'content_filter', param: f.param ?? 'messages' });
  if (kind === 'quota') return new GatewayError(f.message, { ...base, status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
  if (kind === 'overloaded') return new GatewayError(f.message, { ...base, status: 503, type: 'server_error', code: 'overloaded', retryable: true });
  if (kind === 'timeout') return new GatewayError(f.message, { ...base, status: 504, type: 'server_error', code: 'timeout', retryable: true });
  if (kind === 'rate_limit' || f.status === 429) return new GatewayError(f.message, { ...base, status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true });
  if (kind === 'auth' || f.status === 401) return new GatewayError(f.message, { ...base, status: 401, type: 'authentication_error', code: 'invalid_api_key' });
  if (f.status === 402 || f.status === 403) return new GatewayError(f.message, { ...base, status: 403, type: 'permission_error', code });
  if (kind === 'not_found' || f.status === 404) return new GatewayError(f.message, { ...base, status: 404, type: 'not_found_error', code: 'model_not_found', param: f.param ?? 'model' });
  if (f.status === 408 || f.status === 504) return new GatewayError(f.message, { ...base, status: 504, type: 'server_error', code: 'timeout', retryable: true });
  if (f.status === 503 || f.status === 529) return new GatewayError(f.message, { ...base, status: 503, type: 'server_error', code: 'overloaded', retryable: true });
  if (f.status >= 500) return new GatewayError(f.message, { ...base, status: 502, type: 'server_error', code: null, retryable: true });
  // Remaining 4xx (400, 409, 413, 422…): the request's fault, returned as is.
  return new GatewayError(f.message, { ...base, status: f.status, type: 'invalid_request_error', code, param: f.param ?? null });
}
