import type { FinishReason } from 'aisbf';
import type { StopReason } from './wire.js';

/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`. `jsonMode` is set when the
 * forced JSON tool produced the answer: that tool call is the content, so the
 * turn ended normally rather than with a tool call.
 */
export function toFinishReason(reason: StopReason | null | undefined, jsonMode = false): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return jsonMode ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn, and anything newer: a normal end.
      return 'stop';
  }
}
