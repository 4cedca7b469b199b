/**
 * A loopback fake of the Gemini API (Generative Language, v1beta): JSON
 * answers, `alt=sse` streams framed with CRLF and no `[DONE]`, batch
 * embeddings. The scenario is picked by the last user text.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startLoopbackServer, type LoopbackServer, type RecordedRequest } from 'aisbf/testing';

interface Part {
  text?: string;
  functionCall?: { name: string; args: unknown; id?: string };
  functionResponse?: { name: string; response: unknown };
  thoughtSignature?: string;
}
interface Body { contents: Array<{ role: string; parts: Part[] }>; requests?: Array<{ content: { parts: Array<{ text: string }> } }> }

export const SIGNATURE = 'CiQBcsig/A+Zm9v==';
const USAGE = { promptTokenCount: 12, candidatesTokenCount: 5, thoughtsTokenCount: 30, cachedContentTokenCount: 4, totalTokenCount: 47 };

function error(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

function answer(parts: Part[], finishReason = 'STOP') {
  return { candidates: [{ index: 0, content: { role: 'model', parts }, finishReason }], usageMetadata: USAGE, modelVersion: 'gemini-fake-001', responseId: 'r-json' };
}

/** `data: …\r\n\r\n` events, written in 7-byte pieces so CRLF pairs and characters arrive split. */
async function sse(res: ServerResponse, events: unknown[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const bytes = Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join(''), 'utf8');
  for (let i = 0; i < bytes.length; i += 7) {
    res.write(bytes.subarray(i, i + 7));
    if (i % 140 === 0) await new Promise((r) => setImmediate(r));
  }
  res.end();
}

const chunk = (parts: Part[], extra: Record<string, unknown> = {}) =>
  ({ candidates: [{ index: 0, content: { role: 'model', parts }, ...extra }], modelVersion: 'gemini-fake-001', responseId: 'r-stream' });

function lastUserText(body: Body): string {
  const last = body.contents.at(-1);
  const text = last?.parts.filter((p) => p.text).map((p) => p.text).at(-1);
  return text ?? (last?.parts.some((p) => p.functionResponse) ? 'function-responses' : '');
}

async function handle(req: RecordedRequest, res: ServerResponse): Promise<void> {
  const m = /^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent\?alt=sse|embedContent|batchEmbedContents)$/.exec(req.url);
  if (!m || req.headers['x-goog-api-key'] !== 'k') {
    sendJson(res, 404, error(404, 'NOT_FOUND', `unexpected ${req.method} ${req.url} or key`));
    return;
  }
  const body = req.body as Body;
  if (m[2] === 'embedContent') return sendJson(res, 200, { embedding: { values: [0.5, -0.25, 1] } });
  if (m[2] === 'batchEmbedContents') {
    return sendJson(res, 200, { embeddings: body.requests!.map((r, i) => ({ values: [i, r.content.parts[0].text.length, -0.5] })) });
  }
  const stream = m[2].startsWith('stream');
  const scenario = lastUserText(body);
  switch (scenario) {
    case 'rate-limit':
      return sendJson(res, 429, error(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for generate_content_requests_per_minute.', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '21s' },
      ]));
    case 'unavailable':
      return sendJson(res, 503, error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'));
    case 'too-long':
      return sendJson(res, 400, error(400, 'INVALID_ARGUMENT', 'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).'));
    case 'blocked': {
      const blocked = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 }, responseId: 'r-b' };
      return stream ? sse(res, [blocked]) : sendJson(res, 200, blocked);
    }
    case 'unsafe-answer':
      return sendJson(res, 200, { candidates: [{ index: 0, finishReason: 'SAFETY' }], usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 }, responseId: 'r-u' });
    case 'error-in-stream':
      return sse(res, [error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')]);
    case 'tools':
      return stream
        ? sse(res, [
          chunk([{ text: 'Let me look.' }]),
          chunk([{ functionCall: { name: 'weather', args: { city: 'Tromsø', unit: '°C' } }, thoughtSignature: SIGNATURE }]),
          { ...chunk([{ functionCall: { name: 'time', args: {} } }], { finishReason: 'STOP' }), usageMetadata: USAGE },
        ])
        : sendJson(res, 200, answer([{ functionCall: { name: 'weather', args: { city: 'Tromsø' } }, thoughtSignature: SIGNATURE }]));
    case 'function-responses': {
      // Answer with what came back, so the test sees what Gemini would have received.
      const turn = body.contents.at(-2)!;
      const calls = turn.parts.filter((p) => p.functionCall);
      const results = body.contents.at(-1)!.parts.map((p) => p.functionResponse);
      return sendJson(res, 200, answer([{ text: JSON.stringify({ calls, results }) }]));
    }
    default:
  }
  if (!stream) return sendJson(res, 200, answer([{ text: 'Thinking…', thought: true } as Part, { text: `You said: ${scenario}` }]));
  return sse(res, [
    chunk([{ text: 'Hé' }]),
    { ...chunk([{ text: 'llo wörld 🙂' }]), usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 2, totalTokenCount: 14 } },
    { ...chunk([{ text: '!' }], { finishReason: 'STOP' }), usageMetadata: USAGE },
  ]);
}

export function startFakeGemini(): Promise<LoopbackServer> {
  return startLoopbackServer(handle);
}
