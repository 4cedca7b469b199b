/**
 * Cohere's own wire types (Chat v2, Embed v2), snake_case as on the wire.
 * Only the fields the adapter reads or writes are typed.
 */

/**
 * Options of a `cohere` provider entry, beside the common keys.
 *
 * @example { type: 'cohere', apiKey: '${COHERE_API_KEY}', inputType: 'search_query', truncate: 'END' }
 */
export interface CohereOptions {
  type: string;
  baseURL?: string;
  apiKey?: string;
  /**
   * `input_type` sent to Embed v2 when the request does not carry its own
   * (v3+ embed models require one). Default `search_document`.
   */
  inputType?: CohereInputType;
  /** Embed v2 `truncate`: what to do with texts longer than the model takes. */
  truncate?: 'NONE' | 'START' | 'END';
  [option: string]: unknown;
}

export type CohereInputType = 'search_document' | 'search_query' | 'classification' | 'clustering' | 'image';

export type CohereContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

export interface CohereToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type CohereMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | CohereContentPart[] }
  | { role: 'assistant'; content?: string; tool_calls?: CohereToolCall[]; tool_plan?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface CohereTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** `POST /v2/chat` body. */
export interface CohereChatRequest {
  model: string;
  messages: CohereMessage[];
  stream?: boolean;
  max_tokens?: number;
  stop_sequences?: string[];
  temperature?: number;
  p?: number;
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  tools?: CohereTool[];
  strict_tools?: boolean;
  tool_choice?: 'REQUIRED' | 'NONE';
  response_format?: { type: 'json_object'; json_schema?: Record<string, unknown> };
}

export type CohereFinishReason = 'COMPLETE' | 'STOP_SEQUENCE' | 'MAX_TOKENS' | 'TOOL_CALL' | 'ERROR' | 'TIMEOUT';

/** Token counts: `tokens` is what the model saw, `billed_units` what was billed. */
export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
  /** Prompt tokens served from Cohere's cache (newer API versions; part of the input tokens). */
  cached_tokens?: number;
}

/** A content item of an assistant message: text, or reasoning on reasoning models. */
export type CohereResponseContent = { type: 'text'; text: string } | { type: 'thinking'; thinking: string };

/** `POST /v2/chat` answer (non-streaming). */
export interface CohereChatResponse {
  id?: string;
  finish_reason?: CohereFinishReason;
  message?: {
    role?: 'assistant';
    content?: CohereResponseContent[];
    tool_plan?: string;
    tool_calls?: CohereToolCall[];
  };
  usage?: CohereUsage;
}

/** One SSE event of a v2 chat stream; `type` repeats the `event:` name. */
export interface CohereStreamEvent {
  type?: string;
  id?: string;
  index?: number;
  delta?: {
    message?: {
      role?: string;
      content?: { type?: string; text?: string; thinking?: string };
      tool_plan?: string;
      /** An object, not an array: one call per event. */
      tool_calls?: { id?: string; type?: 'function'; function?: { name?: string; arguments?: string } };
    };
    finish_reason?: CohereFinishReason;
    usage?: CohereUsage;
    error?: string;
  };
  /** Present on error bodies instead of `type`. */
  message?: string;
}

/** `POST /v2/embed` body. */
export interface CohereEmbedRequest {
  model: string;
  texts: string[];
  input_type: CohereInputType;
  embedding_types: ['float'];
  output_dimension?: number;
  truncate?: 'NONE' | 'START' | 'END';
}

/** `POST /v2/embed` answer: `embeddings_by_type`, or the older bare float matrix. */
export interface CohereEmbedResponse {
  id?: string;
  embeddings?: { float?: number[][] } | number[][];
  meta?: { billed_units?: { input_tokens?: number }; tokens?: { input_tokens?: number } };
}

/** Error bodies: `{ "message": "…" }`, sometimes with an `id`. */
export interface CohereErrorBody {
  message?: string;
  id?: string;
}
