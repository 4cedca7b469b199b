/**
 * The Anthropic Messages API's own shapes (only the fields the adapter reads
 * or writes), and the options of an `anthropic` provider entry.
 */
import type { ProviderConfig } from 'aisbf';

/**
 * Options of an `anthropic` provider entry, flat beside the common keys.
 *
 * @example
 * providers: {
 *   claude: { type: 'anthropic', apiKey: '${ANTHROPIC_API_KEY}', defaultMaxTokens: 8192, beta: ['prompt-caching-2024-07-31'] },
 * }
 */
export interface AnthropicOptions extends ProviderConfig {
  /** Sent as `anthropic-version`; default `2023-06-01`. */
  anthropicVersion?: string;
  /** Sent as `anthropic-beta` (comma-joined). */
  beta?: string[];
  /** `max_tokens` when the client sends neither `max_tokens` nor `max_completion_tokens` (Anthropic requires one); default 4096. */
  defaultMaxTokens?: number;
}

export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: unknown;
}

export interface ImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface DocumentBlock {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | Array<TextBlock | ImageBlock>;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature?: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export type RequestBlock = TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock;
export type ResponseBlock = TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: RequestBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The body of `POST /v1/messages`. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: TextBlock[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  metadata?: { user_id: string };
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  output_config?: { format: { type: 'json_schema'; schema: Record<string, unknown> } };
  thinking?: unknown;
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export type StopReason =
  | 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

/** A non-streaming answer of `POST /v1/messages`. */
export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseBlock[];
  stop_reason: StopReason | null;
  stop_sequence?: string | null;
  usage: AnthropicUsage;
}

/** `{ type: 'error', error: { type, message } }`: the body of every error answer, and of `event: error` in a stream. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string; details?: { error_code?: string } };
  request_id?: string;
}

/** The events of a Messages stream (`event:` names equal `type`). */
export type MessagesStreamEvent =
  | { type: 'message_start'; message: MessagesResponse }
  | { type: 'content_block_start'; index: number; content_block: ResponseBlock }
  | {
    type: 'content_block_delta';
    index: number;
    delta:
      | { type: 'text_delta'; text: string }
      | { type: 'input_json_delta'; partial_json: string }
      | { type: 'thinking_delta'; thinking: string }
      | { type: 'signature_delta'; signature: string }
      | { type: 'citations_delta' };
  }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: StopReason | null; stop_sequence?: string | null }; usage?: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | AnthropicErrorBody;

/** `GET /v1/models`. */
export interface ModelsList {
  data: Array<{ type: 'model'; id: string; display_name?: string; created_at?: string }>;
  has_more?: boolean;
}
