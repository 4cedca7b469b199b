import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the loopback server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  /** The body parsed as JSON when it is JSON, else the raw text. */
  body: unknown;
  /** True when the client (the gateway) closed the connection before the response ended. */
  aborted: boolean;
}

export type LoopbackHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Resolves when a request has been aborted by its client (for disconnect tests). */
  nextAbort(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that speaks whatever protocol `handler`
 * writes: the base of every fake provider in the tests and the bench.
 *
 * @example
 * const up = await startLoopbackServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
 */
export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const abortWaiters: Array<(r: RecordedRequest) => void> = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let body: unknown = text;
      try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
      const rec: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, aborted: false };
      requests.push(rec);
      res.on('close', () => {
        if (!res.writableFinished) {
          rec.aborted = true;
          abortWaiters.splice(0).forEach((w) => w(rec));
        }
      });
      Promise.resolve(handler(rec, res)).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'server_error', param: null, code: null } }));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nextAbort: () => new Promise((resolve) => abortWaiters.push(resolve)),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts an SSE response; write events with `sendEvent`. */
export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  res.flushHeaders();
}

/** Writes one SSE event: `event:` (optional) and `data:` with JSON (or a raw string such as `[DONE]`). */
export function sendEvent(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}
