/**
 * Shared helpers of the cache tests: raw HTTP calls (to control headers and
 * the exact JSON text), reading a stream the way an application does, and a
 * bounded wait for a condition (never a timing assertion).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type OpenAI from 'openai';

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** POSTs `body` (an object, or JSON text sent byte for byte) to the gateway. */
export async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* SSE or plain text: keep it */ }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** What a streamed answer amounts to, as the official SDK parsed it. */
export interface StreamResult {
  role?: string;
  content: string;
  finish: string | null;
  toolCalls: Array<{ id?: string; name?: string; arguments: string }>;
  usage?: unknown;
  chunks: number;
  cacheHeader: string | null;
  age: string | null;
}

/** Streams one chat completion with the SDK and assembles what it received. */
export async function streamChat(
  client: OpenAI,
  params: Omit<OpenAI.Chat.ChatCompletionCreateParamsStreaming, 'stream'>,
  headers: Record<string, string> = {},
): Promise<StreamResult> {
  const { data: stream, response } = await client.chat.completions
    .create({ ...params, stream: true }, { headers })
    .withResponse();
  const out: StreamResult = {
    content: '', finish: null, toolCalls: [], chunks: 0,
    cacheHeader: response.headers.get('x-aisbf-cache'), age: response.headers.get('age'),
  };
  for await (const chunk of stream) {
    out.chunks++;
    if (chunk.usage) out.usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta.role) out.role = c.delta.role;
      out.content += c.delta.content ?? '';
      if (c.finish_reason) out.finish = c.finish_reason;
      for (const t of c.delta.tool_calls ?? []) {
        const slot = (out.toolCalls[t.index] ??= { arguments: '' });
        if (t.id) slot.id = t.id;
        if (t.function?.name) slot.name = t.function.name;
        slot.arguments += t.function?.arguments ?? '';
      }
    }
  }
  return out;
}

/** Polls `check` until it returns true, at most `tries` times, `everyMs` apart. Returns whether it did. */
export async function eventually(check: () => boolean | Promise<boolean>, tries = 100, everyMs = 20): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}

let counter = 0;
/** A prompt no other test uses, so tests sharing a gateway never see each other's entries. */
export function uniquePrompt(label: string): string {
  counter++;
  return `${label} #${counter} ${process.pid}`;
}
