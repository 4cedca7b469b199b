import { upstreamError, type FinishReason } from 'aisbf';

const FILTERED = new Set([
  'SAFETY', 'RECITATION', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'LANGUAGE', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION',
]);
/** The model tried to call a tool and failed: no usable answer, but another try may succeed. */
const FAILED_CALL = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

/**
 * Gemini `finishReason` → OpenAI `finish_reason`. Gemini says `STOP` when the
 * model called a tool, so `calledTool` decides `tool_calls`. A failed tool
 * call is thrown as a retryable 502 rather than passed off as an empty `stop`.
 */
export function toFinishReason(reason: string | undefined, calledTool: boolean, provider?: string): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && FILTERED.has(reason)) return 'content_filter';
  if (reason && FAILED_CALL.has(reason)) {
    throw upstreamError({ status: 502, message: `Gemini could not complete a function call (finishReason ${reason}).`, provider });
  }
  // STOP, FINISH_REASON_UNSPECIFIED, OTHER, and reasons newer than this adapter.
  return calledTool ? 'tool_calls' : 'stop';
}
