import type { ChatChunk, ChatRequest, ChatResponse, ToolCall, Usage } from 'aisbf';
import { estimateTokens, hash, lastUserText, messageText, splitInto } from './text.js';

/** What the mock answers: an echo of the prompt, or a call to the tool the request demands. */
export function mockAnswer(req: ChatRequest, model: string): ChatResponse {
  const prompt = lastUserText(req);
  const forced = req.tool_choice === 'required' ? req.tools?.[0]?.function.name
    : typeof req.tool_choice === 'object' ? req.tool_choice.function.name : undefined;
  const promptTokens = req.messages.reduce((n, m) => n + estimateTokens(messageText(m)) + 3, 0);
  const id = `chatcmpl-mock${hash(JSON.stringify(req.messages)).toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  if (forced) {
    const call: ToolCall = { id: `call_${hash(prompt, 1).toString(36)}`, type: 'function', function: { name: forced, arguments: JSON.stringify({ input: prompt }) } };
    const usage = makeUsage(promptTokens, estimateTokens(call.function.arguments));
    return { id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls', logprobs: null }], usage };
  }
  const text = `Echo: ${prompt}`;
  const n = Math.max(1, req.n ?? 1);
  const choices = Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant' as const, content: text }, finish_reason: 'stop' as const, logprobs: null }));
  return { id, object: 'chat.completion', created, model, choices, usage: makeUsage(promptTokens, estimateTokens(text) * n) };
}

function makeUsage(prompt: number, completion: number): Usage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/**
 * The answer as a live stream would send it: role, content in `pieces`
 * chunks (tool-call arguments in fragments), finish, usage.
 */
export function mockChunks(res: ChatResponse, pieces: number): ChatChunk[] {
  const base = { id: res.id, object: 'chat.completion.chunk' as const, created: res.created, model: res.model };
  const out: ChatChunk[] = [];
  for (const c of res.choices) {
    out.push({ ...base, choices: [{ index: c.index, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const piece of splitInto(c.message.content ?? '', pieces)) {
      out.push({ ...base, choices: [{ index: c.index, delta: { content: piece }, finish_reason: null }] });
    }
    c.message.tool_calls?.forEach((t, i) => {
      out.push({ ...base, choices: [{ index: c.index, delta: { tool_calls: [{ index: i, id: t.id, type: 'function', function: { name: t.function.name, arguments: '' } }] }, finish_reason: null }] });
      for (const frag of splitInto(t.function.arguments, pieces)) {
        out.push({ ...base, choices: [{ index: c.index, delta: { tool_calls: [{ index: i, function: { arguments: frag } }] }, finish_reason: null }] });
      }
    });
    out.push({ ...base, choices: [{ index: c.index, delta: {}, finish_reason: c.finish_reason }] });
  }
  out.push({ ...base, choices: [], usage: res.usage });
  return out;
}
