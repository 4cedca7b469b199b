import { createHash } from 'node:crypto';
import type { ChatRequest, RequestContext } from 'aisbf';

/**
 * The conversation a request belongs to: the session header when the client
 * sends one, else a hash of the conversation's prefix — every message up to
 * and including the first user message, which stays the same turn after turn
 * (and is what providers' prompt caches key on). Scoped by route and caller,
 * so two callers never share a pin. `undefined` for requests that are not a
 * chat and carry no header.
 *
 * @example sessionKey(ctx, 'x-aisbf-session') // → 'route-affinity:smart:key_1:s:7f3a…'
 */
export function sessionKey(ctx: RequestContext, header: string): string | undefined {
  const scope = `route-affinity:${ctx.model}:${ctx.principal?.id ?? '-'}`;
  const raw = ctx.headers[header];
  const session = Array.isArray(raw) ? raw[0] : raw;
  if (session) return `${scope}:s:${digest(session)}`;
  if (ctx.kind !== 'chat') return undefined;
  const messages = (ctx.body as ChatRequest).messages;
  const firstUser = messages.findIndex((m) => m.role === 'user');
  if (firstUser === -1) return undefined;
  const prefix = messages.slice(0, firstUser + 1).map((m) => [m.role, m.content ?? null]);
  return `${scope}:p:${digest(JSON.stringify(prefix))}`;
}

/** Keys stay short and never carry the client's text. */
function digest(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 32);
}
