/**
 * The canonical form: OpenAI Chat Completions and Embeddings shapes, typed.
 *
 * Every stage between the HTTP layer and a provider adapter speaks these types.
 * Adapters translate them to and from their provider's native wire format; core
 * alone serialises them to the client (JSON or SSE).
 *
 * Fields the gateway does not know are kept (`[extra: string]: unknown` on the
 * request) so an OpenAI-compatible upstream still receives them.
 */

/** A text part of a multi-part message. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image part. `url` is `https://…` or `data:<mime>;base64,<payload>`.
 *
 * @example { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR…', detail: 'low' } }
 */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Audio or file parts: passed through to providers that understand them. */
export interface OtherPart {
  type: 'input_audio' | 'file';
  [field: string]: unknown;
}

export type ContentPart = TextPart | ImagePart | OtherPart;

/**
 * A tool call made by the assistant. `arguments` is a JSON **string**, as in OpenAI.
 *
 * @example { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"paris"}' } }
 */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

/**
 * One message of the conversation.
 *
 * @example { role: 'user', content: 'Say hi' }
 * @example { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' }
 */
export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
  [extra: string]: unknown;
}

/** A function tool the model may call. `parameters` is a JSON Schema. */
export interface Tool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/**
 * A chat completion request, as the client sent it (after validation).
 *
 * @example
 * const req: ChatRequest = { model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true,
 *   stream_options: { include_usage: true } };
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  seed?: number | null;
  user?: string;
  tools?: Tool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  [extra: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * Token usage. Cached input tokens and reasoning output tokens are reported in
 * the `*_details` objects, as OpenAI does.
 *
 * @example { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } }
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [k: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [k: string]: unknown };
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  [extra: string]: unknown;
}

export interface ChatChoice {
  index: number;
  message: AssistantMessage;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

/** A non-streaming chat completion. */
export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

/** A tool-call fragment inside a stream delta; `index` numbers the call, not the choice. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string | null; refusal?: string | null; tool_calls?: ToolCallDelta[]; [extra: string]: unknown };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

/**
 * One streamed chunk. The usage chunk has `choices: []` and a `usage`.
 *
 * @example { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1767225600, model: 'm',
 *   choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] }
 */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

/**
 * An embeddings request.
 *
 * @example { model: 'embed', input: ['a', 'b'], encoding_format: 'base64' }
 */
export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  [extra: string]: unknown;
}

export interface Embedding {
  object: 'embedding';
  index: number;
  /** Floats, or base64 of little-endian float32 when the client asked for base64. */
  embedding: number[] | string;
}

export interface EmbeddingsResponse {
  object: 'list';
  model: string;
  data: Embedding[];
  usage: { prompt_tokens: number; total_tokens: number };
}

/** An entry of `GET /v1/models`. */
export interface ModelInfo {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}
