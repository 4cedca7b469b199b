import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatRequest, type ProviderTarget, type Tool, type ToolChoice, type UpstreamRequest,
} from 'aisbf';
import { JSON_TOOL, JSON_TOOL_NAME, usesJsonTool } from './json-tool.js';
import { toConversation } from './messages.js';
import type { AnthropicOptions, AnthropicTool, AnthropicToolChoice, MessagesRequest } from './wire.js';

export const DEFAULT_MAX_TOKENS = 4096;
export const DEFAULT_VERSION = '2023-06-01';

/**
 * The native request, plus the client parameters Anthropic cannot honour and
 * the adapter left out (for an `x-aisbf-dropped-params` header once core can
 * send one; core ignores the extra field meanwhile).
 */
export interface AnthropicUpstreamRequest extends UpstreamRequest {
  body: MessagesRequest;
  dropped: string[];
}

/** Fields the translation reads; any other field a client sends is left out and named in `dropped`. */
const HANDLED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'n', 'stop', 'max_tokens', 'max_completion_tokens',
  'user', 'safety_identifier', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'top_k', 'thinking',
]);

/** Auth and version headers for every Anthropic call. */
export function anthropicHeaders(config: AnthropicOptions): Record<string, string> {
  const h: Record<string, string> = { 'anthropic-version': config.anthropicVersion ?? DEFAULT_VERSION };
  if (config.apiKey) h['x-api-key'] = config.apiKey;
  if (config.beta?.length) h['anthropic-beta'] = config.beta.join(',');
  return h;
}

/**
 * `/v1/messages` under the SDK-style base URL (`https://api.anthropic.com`);
 * a base URL that already ends in `/v1` is accepted too.
 */
export function apiPath(config: AnthropicOptions, path: string): string {
  return /\/v1\/?$/.test(config.baseURL ?? '') ? path : `/v1${path}`;
}

/** Canonical chat request → `POST /v1/messages`. Throws a 400 for what Anthropic cannot do at all (`n > 1`, …). */
export function chatRequest(req: ChatRequest, target: ProviderTarget<AnthropicOptions>): AnthropicUpstreamRequest {
  if (req.n != null && req.n > 1) {
    throw AISBF_ERR_UNSUPPORTED('Anthropic returns one choice per request: n > 1 is not supported; send n separate requests.', 'n');
  }
  const dropped: string[] = [];
  const body: MessagesRequest = {
    model: target.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? target.config.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
    ...toConversation(req.messages),
  };

  // Claude 4.5+ rejects temperature and top_p together: keep temperature (OpenAI's range 0–2, Anthropic's 0–1).
  if (req.temperature != null) body.temperature = Math.min(1, Math.max(0, req.temperature));
  if (req.top_p != null) {
    if (req.temperature != null) dropped.push('top_p');
    else body.top_p = req.top_p;
  }
  if (typeof req.top_k === 'number') body.top_k = req.top_k;
  if (req.thinking !== undefined) body.thinking = req.thinking;
  if (req.stop != null) {
    const stops = (Array.isArray(req.stop) ? req.stop : [req.stop]).filter((s) => s.length > 0);
    if (stops.length) body.stop_sequences = stops;
  }
  if (req.stream) body.stream = true;
  const user = req.user ?? (typeof req.safety_identifier === 'string' ? req.safety_identifier : undefined);
  if (user) body.metadata = { user_id: user };

  applyTools(req, body);
  applyResponseFormat(req, body);

  for (const [key, value] of Object.entries(req)) {
    if (HANDLED.has(key) || value == null || value === false) continue;
    dropped.push(key);
  }
  return { path: apiPath(target.config, '/messages'), headers: anthropicHeaders(target.config), body, dropped };
}

function applyTools(req: ChatRequest, body: MessagesRequest): void {
  if (!req.tools?.length) return;
  body.tools = req.tools.map(toTool);
  const choice = toToolChoice(req.tool_choice);
  if (req.parallel_tool_calls === false && choice?.type !== 'none') {
    body.tool_choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  } else if (choice) {
    body.tool_choice = choice;
  }
}

function toTool(tool: Tool, i: number): AnthropicTool {
  if (tool.type !== 'function' || !tool.function?.name) {
    throw AISBF_ERR_UNSUPPORTED(`tools[${i}]: Anthropic takes function tools only ({type:'function', function:{name,…}}).`, `tools[${i}]`);
  }
  const out: AnthropicTool = { name: tool.function.name, input_schema: tool.function.parameters ?? { type: 'object', properties: {} } };
  if (tool.function.description) out.description = tool.function.description;
  return out;
}

function toToolChoice(choice: ToolChoice | undefined): AnthropicToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (typeof choice === 'object' && choice.type === 'function' && choice.function?.name) return { type: 'tool', name: choice.function.name };
  throw AISBF_ERR_INVALID_REQUEST("tool_choice must be 'none', 'auto', 'required' or {type:'function', function:{name}}.", 'tool_choice');
}

function applyResponseFormat(req: ChatRequest, body: MessagesRequest): void {
  const format = req.response_format;
  if (!format || format.type === 'text') return;
  if (format.type === 'json_schema') {
    const schema = format.json_schema?.schema;
    if (!schema) throw AISBF_ERR_INVALID_REQUEST('response_format.json_schema.schema is required.', 'response_format');
    body.output_config = { format: { type: 'json_schema', schema } };
    return;
  }
  if (usesJsonTool(req)) {
    if (req.tools?.length) {
      throw AISBF_ERR_UNSUPPORTED(
        "Anthropic has no JSON mode to combine with tools: response_format json_object is served by forcing a tool. Use response_format json_schema, or leave out the tools.",
        'response_format',
      );
    }
    body.tools = [JSON_TOOL];
    body.tool_choice = { type: 'tool', name: JSON_TOOL_NAME };
    return;
  }
  throw AISBF_ERR_INVALID_REQUEST(`response_format.type '${(format as { type: string }).type}' is not known; use text, json_object or json_schema.`, 'response_format');
}
