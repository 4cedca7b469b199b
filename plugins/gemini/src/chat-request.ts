import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatRequest, type ProviderTarget, type Tool, type UpstreamRequest,
} from 'aisbf';
import { toConversation } from './contents.js';
import { toOpenApiSchema } from './schema.js';
import type { FunctionDeclaration, GeminiOptions, GenerateContentRequest, GenerationConfig } from './wire.js';

/**
 * The native request, plus the client parameters Gemini cannot honour and the
 * adapter left out (for an `x-aisbf-dropped-params` header once core can send
 * one; core ignores the extra field meanwhile).
 */
export interface GeminiUpstreamRequest extends UpstreamRequest {
  body: GenerateContentRequest;
  dropped: string[];
}

/** Fields the translation reads; any other field a client sends is left out and named in `dropped`. */
const HANDLED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'top_k', 'n', 'stop', 'max_tokens', 'max_completion_tokens',
  'seed', 'presence_penalty', 'frequency_penalty', 'tools', 'tool_choice', 'response_format',
]);
const MAX_STOP_SEQUENCES = 5;

/** Auth header for every Gemini call. */
export function geminiHeaders(config: GeminiOptions): Record<string, string> {
  return config.apiKey ? { 'x-goog-api-key': config.apiKey } : {};
}

/**
 * `/<apiVersion>/models/<model>:<method>` under the SDK-style base URL
 * (`https://generativelanguage.googleapis.com`); a base URL that already ends
 * in a version (`…/v1beta`) is accepted too. `tunedModels/x` is used as is.
 */
export function modelPath(target: ProviderTarget<GeminiOptions>, method: string): string {
  const base = target.config.baseURL ?? '';
  const version = /\/v1(?:alpha|beta)?\/?$/.test(base) ? '' : `/${target.config.apiVersion ?? 'v1beta'}`;
  const resource = target.model.includes('/') ? target.model : `models/${target.model}`;
  return `${version}/${resource}:${method}`;
}

/** Canonical chat request → `:generateContent`, or `:streamGenerateContent?alt=sse` (SSE, CRLF-framed, no `[DONE]`). */
export function chatRequest(req: ChatRequest, target: ProviderTarget<GeminiOptions>): GeminiUpstreamRequest {
  const config = target.config;
  const body: GenerateContentRequest = toConversation(req.messages, config);
  const generation: GenerationConfig = {};
  if (req.temperature != null) generation.temperature = req.temperature;
  if (req.top_p != null) generation.topP = req.top_p;
  if (typeof req.top_k === 'number') generation.topK = req.top_k;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) generation.maxOutputTokens = maxTokens;
  if (req.stop != null) {
    const stops = (Array.isArray(req.stop) ? req.stop : [req.stop]).filter((s) => s.length > 0);
    if (stops.length > MAX_STOP_SEQUENCES) throw AISBF_ERR_INVALID_REQUEST(`Gemini accepts at most ${MAX_STOP_SEQUENCES} stop sequences.`, 'stop');
    if (stops.length) generation.stopSequences = stops;
  }
  if (req.n != null && req.n !== 1) generation.candidateCount = req.n;
  if (req.seed != null) generation.seed = req.seed;
  if (req.presence_penalty != null) generation.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) generation.frequencyPenalty = req.frequency_penalty;
  applyResponseFormat(req, generation, config);
  if (Object.keys(generation).length) body.generationConfig = generation;

  if (req.tools?.length) {
    body.tools = [{ functionDeclarations: req.tools.map((t, i) => toDeclaration(t, i, config)) }];
    const mode = toolConfig(req.tool_choice);
    if (mode) body.toolConfig = { functionCallingConfig: mode };
  }
  if (config.safetySettings?.length) body.safetySettings = config.safetySettings;

  const dropped: string[] = [];
  for (const [key, value] of Object.entries(req)) {
    // Gemini may call tools in parallel and cannot be told not to: only `false` is a wish it cannot honour.
    const meaningful = key === 'parallel_tool_calls' ? value === false : value != null && value !== false;
    if (meaningful && !HANDLED.has(key)) dropped.push(key);
  }
  return {
    path: modelPath(target, req.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
    headers: geminiHeaders(config),
    body,
    dropped,
  };
}

function toDeclaration(tool: Tool, i: number, config: GeminiOptions): FunctionDeclaration {
  if (tool.type !== 'function' || !tool.function?.name) {
    throw AISBF_ERR_UNSUPPORTED(`tools[${i}]: Gemini takes function tools only ({type:'function', function:{name,…}}).`, `tools[${i}]`);
  }
  const out: FunctionDeclaration = { name: tool.function.name };
  if (tool.function.description) out.description = tool.function.description;
  const params = tool.function.parameters;
  // A function without parameters sends none: Gemini's OpenAPI form rejects an OBJECT with empty `properties`.
  if (params && Object.keys((params.properties as object | undefined) ?? {}).length > 0) {
    if (config.schemaMode === 'openapi') out.parameters = toOpenApiSchema(params) as Record<string, unknown>;
    else out.parametersJsonSchema = params;
  }
  return out;
}

function toolConfig(choice: ChatRequest['tool_choice']): NonNullable<GenerateContentRequest['toolConfig']>['functionCallingConfig'] | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  if (typeof choice === 'object' && choice.type === 'function' && choice.function?.name) return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  throw AISBF_ERR_INVALID_REQUEST("tool_choice must be 'none', 'auto', 'required' or {type:'function', function:{name}}.", 'tool_choice');
}

function applyResponseFormat(req: ChatRequest, generation: GenerationConfig, config: GeminiOptions): void {
  const format = req.response_format;
  if (!format || format.type === 'text') return;
  if (format.type === 'json_object') {
    generation.responseMimeType = 'application/json';
    return;
  }
  if (format.type === 'json_schema') {
    const schema = format.json_schema?.schema;
    if (!schema) throw AISBF_ERR_INVALID_REQUEST('response_format.json_schema.schema is required.', 'response_format');
    generation.responseMimeType = 'application/json';
    if (config.schemaMode === 'openapi') generation.responseSchema = toOpenApiSchema(schema) as Record<string, unknown>;
    else generation.responseJsonSchema = schema;
    return;
  }
  throw AISBF_ERR_INVALID_REQUEST(`response_format.type '${(format as { type: string }).type}' is not known; use text, json_object or json_schema.`, 'response_format');
}
