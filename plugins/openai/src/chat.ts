import { AISBF_ERR_UPSTREAM_PROTOCOL, type ChatRequest, type ChatResponse, type ProviderTarget, type UpstreamRequest } from 'aisbf';
import type { OpenAIOptions } from './wire.js';

/** Reasoning models refuse `max_tokens`; they take `max_completion_tokens`. */
const REASONING_MODEL = /^(o\d|gpt-5)/;

/** Auth and organisation headers for an OpenAI-compatible upstream. */
export function openAIHeaders(config: OpenAIOptions): Record<string, string> {
  const h: Record<string, string> = {};
  if (config.apiKey) h.authorization = `Bearer ${config.apiKey}`;
  if (config.organization) h['openai-organization'] = config.organization;
  if (config.project) h['openai-project'] = config.project;
  return h;
}

/**
 * The canonical request is OpenAI's, so the body passes through (unknown
 * fields included, for compatible servers' extensions) with the routed model.
 * Assistant messages lose `thinking_blocks`: Claude's signed thinking, which
 * clients send back as the gateway returned it, means nothing to other
 * models, and strict servers refuse a message field they do not know (a
 * conversation that moves from Claude to another model on failover).
 * Streams always ask for usage: the gateway needs it to count tokens, and
 * core strips the usage chunk when the client did not ask for it.
 */
export function chatRequest(req: ChatRequest, target: ProviderTarget<OpenAIOptions>): UpstreamRequest {
  const body: ChatRequest = { ...req, model: target.model };
  const up: UpstreamRequest = { path: '/chat/completions', headers: openAIHeaders(target.config), body };
  if (req.messages.some((m) => m.thinking_blocks !== undefined)) {
    body.messages = req.messages.map((m) => {
      if (m.thinking_blocks === undefined) return m;
      const { thinking_blocks: _, ...rest } = m;
      return rest as typeof m;
    });
    up.dropped = ['messages[].thinking_blocks'];
  }
  if (req.stream) body.stream_options = { ...req.stream_options, include_usage: true };
  if (REASONING_MODEL.test(target.model) && body.max_tokens != null && body.max_completion_tokens == null) {
    body.max_completion_tokens = body.max_tokens;
    delete body.max_tokens;
  }
  return up;
}

export function chatResponse(body: unknown, target: ProviderTarget<OpenAIOptions>): ChatResponse {
  const res = body as ChatResponse;
  if (typeof res !== 'object' || res === null || !Array.isArray(res.choices)) {
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a chat completion without a choices array');
  }
  return res;
}
