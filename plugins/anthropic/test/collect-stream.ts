/**
 * Reads a chat stream from the openai SDK the way an application does:
 * content joined, tool calls assembled by their `index`, the last finish
 * reason, and every usage seen. Shared by the providers' end-to-end tests.
 */
import type OpenAI from 'openai';

export interface CollectedStream {
  text: string;
  finish: string | null;
  calls: Array<{ id: string; name: string; args: string }>;
  usages: unknown[];
}

export async function collectStream(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<CollectedStream> {
  const out: CollectedStream = { text: '', finish: null, calls: [], usages: [] };
  for await (const chunk of stream) {
    if (chunk.usage) out.usages.push(chunk.usage);
    for (const c of chunk.choices) {
      out.text += c.delta.content ?? '';
      for (const t of c.delta.tool_calls ?? []) {
        const call = (out.calls[t.index] ??= { id: '', name: '', args: '' });
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name = t.function.name;
        call.args += t.function?.arguments ?? '';
      }
      out.finish = c.finish_reason ?? out.finish;
    }
  }
  return out;
}
