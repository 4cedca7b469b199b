import type {
  AssistantMessage, ChatChunk, ChatChoice, ChatResponse, ChunkChoice, ToolCall, Usage,
} from '../canonical.js';

/**
 * True when a chunk carries something the client must see as an answer:
 * text, a tool call, a refusal or a finish. A role-only chunk is not a token,
 * so failover may still drop a stream that produced only that.
 */
export function isFirstToken(chunk: ChatChunk): boolean {
  for (const c of chunk.choices) {
    const d = c.delta;
    if (c.finish_reason) return true;
    if (d && ((d.content !== undefined && d.content !== null && d.content !== '') || d.tool_calls?.length || d.refusal)) return true;
  }
  return false;
}

/**
 * Builds the full response from a stream's chunks (to cache a streamed answer,
 * or to answer a JSON client from a provider that only streams). Tool-call
 * fragments are joined by their `index`.
 */
export function assembleChunks(chunks: ChatChunk[]): ChatResponse {
  const choices = new Map<number, { message: AssistantMessage; finish: ChatChoice['finish_reason']; calls: ToolCall[] }>();
  let usage: Usage | undefined;
  const head = chunks[0];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      let slot = choices.get(c.index);
      if (!slot) {
        slot = { message: { role: 'assistant', content: null }, finish: null, calls: [] };
        choices.set(c.index, slot);
      }
      const d = c.delta ?? {};
      if (typeof d.content === 'string') slot.message.content = (slot.message.content ?? '') + d.content;
      if (typeof d.refusal === 'string') slot.message.refusal = (slot.message.refusal ?? '') + d.refusal;
      for (const t of d.tool_calls ?? []) {
        let call = slot.calls[t.index];
        if (!call) {
          call = { id: t.id ?? '', type: 'function', function: { name: t.function?.name ?? '', arguments: '' } };
          slot.calls[t.index] = call;
        }
        if (t.id) call.id = t.id;
        if (t.function?.name && !call.function.name) call.function.name = t.function.name;
        if (t.function?.arguments) call.function.arguments += t.function.arguments;
      }
      if (c.finish_reason) slot.finish = c.finish_reason;
    }
  }
  const out: ChatResponse = {
    id: head?.id ?? '',
    object: 'chat.completion',
    created: head?.created ?? Math.floor(Date.now() / 1000),
    model: head?.model ?? '',
    choices: [...choices.entries()].sort((a, b) => a[0] - b[0]).map(([index, s]) => {
      const calls = s.calls.filter(Boolean);
      if (calls.length) s.message.tool_calls = calls;
      return { index, message: s.message, finish_reason: s.finish, logprobs: null };
    }),
  };
  if (usage) out.usage = usage;
  return out;
}

/**
 * Replays a full response as stream chunks, as a live stream would have sent
 * them: role, content, tool calls (one fragment each), finish, then usage when
 * asked for.
 */
export function responseToChunks(res: ChatResponse, includeUsage: boolean): ChatChunk[] {
  const base = { id: res.id, object: 'chat.completion.chunk' as const, created: res.created, model: res.model };
  const out: ChatChunk[] = [];
  const one = (choice: ChunkChoice): ChatChunk => ({ ...base, choices: [choice] });
  for (const c of res.choices) {
    const m = c.message;
    out.push(one({ index: c.index, delta: { role: 'assistant', content: '' }, finish_reason: null }));
    if (m.content) out.push(one({ index: c.index, delta: { content: m.content }, finish_reason: null }));
    if (m.refusal) out.push(one({ index: c.index, delta: { refusal: m.refusal }, finish_reason: null }));
    m.tool_calls?.forEach((t, i) => out.push(one({
      index: c.index,
      delta: { tool_calls: [{ index: i, id: t.id, type: 'function', function: { name: t.function.name, arguments: t.function.arguments } }] },
      finish_reason: null,
    })));
    out.push(one({ index: c.index, delta: {}, finish_reason: c.finish_reason ?? 'stop' }));
  }
  if (includeUsage && res.usage) out.push({ ...base, choices: [], usage: res.usage });
  return out;
}

/** Little-endian float32 bytes of a vector, base64-encoded (what `encoding_format: "base64"` means). */
export function floatsToBase64(vector: number[]): string {
  const f32 = Float32Array.from(vector);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
}
