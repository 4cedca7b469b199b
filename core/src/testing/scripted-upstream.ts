import { setImmediate as nextTurn } from 'node:timers/promises';
import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** One answer the fake upstream gives, in order of requests. */
export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** Raw bytes (a recorded stream), written in `pieceSize`-byte writes. */
  raw?: string | Buffer;
  contentType?: string;
  /** Default 5: small writes split events, lines and UTF-8 characters. */
  pieceSize?: number;
}

export type ScriptedUpstream = LoopbackServer & { enqueue(...answers: ScriptedAnswer[]): void };

/**
 * A loopback server that answers each request with the next scripted answer:
 * the base of the provider fakes in the end-to-end tests (they check what the
 * gateway sent in `requests`). Streams are written in small pieces, one per
 * event-loop turn, so the gateway reads them split at awkward places.
 */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const queue: ScriptedAnswer[] = [];
  const server = await startLoopbackServer(async (_req, res) => {
    const next = queue.shift();
    if (!next) return sendJson(res, 500, { message: 'the test scripted no answer for this request' });
    if (next.raw === undefined) return sendJson(res, next.status ?? 200, next.json ?? {}, next.headers);
    res.writeHead(next.status ?? 200, { 'content-type': next.contentType ?? 'text/event-stream', ...next.headers });
    const bytes = Buffer.from(next.raw);
    const size = next.pieceSize ?? 5;
    for (let i = 0; i < bytes.length; i += size) {
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + size));
      await nextTurn();
    }
    res.end();
  });
  return Object.assign(server, { enqueue: (...answers: ScriptedAnswer[]) => { queue.push(...answers); } });
}
