import type { AnthropicTool } from './wire.js';

/**
 * `response_format: json_object` has no native Anthropic equivalent, so the
 * adapter forces one tool whose input *is* the JSON answer, and reports that
 * input back as the message content (and its stream as content deltas).
 */
export const JSON_TOOL_NAME = 'json_response';

export const JSON_TOOL: AnthropicTool = {
  name: JSON_TOOL_NAME,
  description: 'Answer with this tool: its input is your complete answer as one JSON object.',
  input_schema: { type: 'object', additionalProperties: true },
};

/** True when the request asked for JSON mode, i.e. when a `json_response` tool_use is the answer. */
export function usesJsonTool(req: { response_format?: { type: string } }): boolean {
  return req.response_format?.type === 'json_object';
}
