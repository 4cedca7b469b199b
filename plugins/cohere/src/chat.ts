import { randomUUID } from 'node:crypto';
import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, AISBF_ERR_UPSTREAM_PROTOCOL, upstreamError,
  type ChatRequest, type ChatResponse, type FinishReason, type ProviderTarget, type ToolCall, type UpstreamRequest, type Usage,
} from 'aisbf';
import { toCohereMessages } from './messages.js';
import type { CohereChatRequest, CohereChatResponse, CohereFinishReason, CohereOptions, CohereTool, CohereUsage } from './wire.js';

/**
 * The native request, plus the OpenAI parameters that were present but cannot
 * be honoured by Cohere and were left out (for `x-aisbf-dropped-params`).
 *
 * @example { path: '/v2/chat', headers: { authorization: 'Bearer …' }, body: { model: 'command-a-03-2025', messages: [] }, dropped: ['user'] }
 */
export type CohereUpstreamRequest = UpstreamRequest & { body: CohereChatRequest; dropped: string[] };

/** Canonical parameters Cohere has no field for: dropped, and named in `dropped`. */
const DROPPED = ['logit_bias', 'logprobs', 'top_logprobs', 'user', 'parallel_tool_calls'] as const;

export function cohereHeaders(config: CohereOptions): Record<string, string> {
  return config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
}

/** Canonical chat request → `POST /v2/chat`. */
export function chatRequest(req: ChatRequest, target: ProviderTarget<CohereOptions>): CohereUpstreamRequest {
  if (req.n != null && req.n > 1) {
    throw AISBF_ERR_UNSUPPORTED('Cohere returns one choice per request: n > 1 is not supported. Send n: 1 or several requests.', 'n');
  }
  const body: CohereChatRequest = { model: target.model, messages: toCohereMessages(req.messages) };
  if (req.stream) body.stream = true;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) body.max_tokens = maxTokens;
  if (req.stop != null) body.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.temperature != null) body.temperature = req.temperature;
  if (req.top_p != null) body.p = req.top_p;
  if (req.seed != null) body.seed = req.seed;
  if (req.frequency_penalty != null) body.frequency_penalty = req.frequency_penalty;
  if (req.presence_penalty != null) body.presence_penalty = req.presence_penalty;
  applyTools(req, body);
  const rf = req.response_format;
  if (rf?.type === 'json_object') body.response_format = { type: 'json_object' };
  else if (rf?.type === 'json_schema') {
    body.response_format = rf.json_schema?.schema ? { type: 'json_object', json_schema: rf.json_schema.schema } : { type: 'json_object' };
  }
  const dropped = DROPPED.filter((k) => req[k] != null && !(k === 'logprobs' && req.logprobs === false));
  return { path: '/v2/chat', headers: cohereHeaders(target.config), body, dropped };
}

/**
 * Cohere's `tool_choice` only says REQUIRED or NONE; "auto" is the default
 * (field omitted). A named tool is REQUIRED with only that tool offered.
 */
function applyTools(req: ChatRequest, body: CohereChatRequest): void {
  let tools = req.tools;
  const choice = req.tool_choice;
  if (choice && typeof choice === 'object') {
    const name = choice.function?.name;
    tools = tools?.filter((t) => t.function.name === name);
    if (!tools?.length) {
      throw AISBF_ERR_INVALID_REQUEST(`tool_choice names '${name}', which is not among the tools sent.`, 'tool_choice');
    }
    body.tool_choice = 'REQUIRED';
  } else if (choice === 'required') body.tool_choice = 'REQUIRED';
  else if (choice === 'none') body.tool_choice = 'NONE';
  if (!tools?.length) return;
  body.tools = tools.map((t): CohereTool => {
    const fn: CohereTool['function'] = { name: t.function.name };
    if (t.function.description !== undefined) fn.description = t.function.description;
    if (t.function.parameters !== undefined) fn.parameters = t.function.parameters;
    return { type: 'function', function: fn };
  });
  if (tools.some((t) => t.function.strict)) body.strict_tools = true;
}

/** `chatcmpl-…` id for answers whose upstream id is missing. */
export function newCompletionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** Cohere's token counts: `tokens` (what the model saw) first, `billed_units` as fallback. */
export function toUsage(u: CohereUsage | undefined): Usage {
  const prompt = u?.tokens?.input_tokens ?? u?.billed_units?.input_tokens ?? 0;
  const completion = u?.tokens?.output_tokens ?? u?.billed_units?.output_tokens ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (typeof u?.cached_tokens === 'number') usage.prompt_tokens_details = { cached_tokens: u.cached_tokens };
  return usage;
}

/**
 * Maps Cohere's finish reason; ERROR and TIMEOUT are failures, not answers,
 * so they throw (502 / 504, retryable) instead of passing as "stop".
 */
export function toFinishReason(reason: CohereFinishReason | undefined, sawToolCalls: boolean, provider: string, detail?: string): FinishReason {
  if (reason === 'ERROR') throw upstreamError({ status: 500, message: detail || 'Cohere ended the generation with finish_reason ERROR', provider });
  if (reason === 'TIMEOUT') throw upstreamError({ status: 504, message: detail || 'Cohere ended the generation with finish_reason TIMEOUT', kind: 'timeout', provider });
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason === 'TOOL_CALL' || sawToolCalls) return 'tool_calls';
  return 'stop';
}

/** `POST /v2/chat` JSON → canonical response. `tool_plan` is not content and is left out. */
export function chatResponse(body: unknown, target: ProviderTarget<CohereOptions>): ChatResponse {
  const res = body as CohereChatResponse;
  if (typeof res !== 'object' || res === null || typeof res.message !== 'object' || res.message === null) {
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a Cohere chat answer without a message');
  }
  const parts = res.message.content ?? [];
  const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  const thinking = parts.map((p) => (p.type === 'thinking' ? p.thinking : '')).join('');
  const calls: ToolCall[] = (res.message.tool_calls ?? []).map((t, i) => ({
    id: t.id ?? `call_${i}`, type: 'function', function: { name: t.function?.name ?? '', arguments: t.function?.arguments ?? '' },
  }));
  const finish = toFinishReason(res.finish_reason, calls.length > 0, target.id);
  const message: ChatResponse['choices'][number]['message'] = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) message.tool_calls = calls;
  if (thinking) message.reasoning_content = thinking;
  return {
    id: res.id ?? newCompletionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: toUsage(res.usage),
  };
}
