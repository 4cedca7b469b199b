import type { IncomingMessage } from 'node:http';
import { AISBF_ERR_BODY_TOO_LARGE, AISBF_ERR_INVALID_JSON, type GatewayError } from '../errors.js';

/**
 * Reads a request body as JSON, whatever the Content-Type says (curl users
 * forget it; OpenAI's API only speaks JSON). Refuses a body over `limit`
 * bytes with 413 as soon as it knows, discarding the rest unread so the
 * socket survives to carry the answer.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): GatewayError => {
      const err = AISBF_ERR_BODY_TOO_LARGE(limit);
      err.headers.connection = 'close';
      return err;
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(tooLarge());
        return;
      }
      parts.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const text = parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts, size).toString('utf8');
      if (text.trim().length === 0) return reject(AISBF_ERR_INVALID_JSON('the body is empty'));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(AISBF_ERR_INVALID_JSON((err as Error).message));
      }
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
