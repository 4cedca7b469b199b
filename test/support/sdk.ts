import OpenAI, { APIError } from 'openai';

/**
 * Helpers the providers' end-to-end tests share: read an SDK stream the way an
 * application does, and capture the error of a request that must fail.
 */

/** What a client saw of one stream: content joined, tool calls assembled by `index`, the last finish, every usage. */
export interface Collected {
  text: string;
  finish: string | null;
  calls: Array<{ id: string; name: string; args: string }>;
  usages: OpenAI.CompletionUsage[];
  chunks: number;
}

/** Reads an SDK chat stream to its end. */
export async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<Collected> {
  const out: Collected = { text: '', finish: null, calls: [], usages: [], chunks: 0 };
  for await (const chunk of stream) {
    out.chunks++;
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

/** Starts a stream and reads it to its end: rejects however the failure arrives (status or error event). */
export async function streamToEnd(client: OpenAI, body: Omit<OpenAI.ChatCompletionCreateParamsStreaming, 'stream'>): Promise<Collected> {
  return collect(await client.chat.completions.create({ ...body, stream: true }));
}

/** Sends a one-line chat request that must fail, and returns the SDK's error for the test to inspect. */
export async function chatError(client: OpenAI, model = 'chat', stream = false): Promise<APIError> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'x' }];
  try {
    if (stream) await streamToEnd(client, { model, messages });
    else await client.chat.completions.create({ model, messages });
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('the request was expected to fail, and it succeeded');
}
