import type { ToolCall } from 'aisbf';
import { encodeCallId, mintCallId } from './tool-call-id.js';
import type { Part } from './wire.js';

/** What the parts of one candidate (or one stream event of it) say, in OpenAI terms. */
export interface CandidateOutput {
  text: string;
  reasoning: string;
  calls: ToolCall[];
}

/**
 * Reads a candidate's parts: plain text is content, `thought` text is
 * reasoning, a `functionCall` is a tool call (arguments stringified) whose id
 * carries the call's thought signature back to the next turn. `firstCall` is
 * how many calls this candidate already made (streams number across events).
 */
export function readParts(parts: Part[] | undefined, responseId: string | undefined, candidate: number, firstCall = 0): CandidateOutput {
  const out: CandidateOutput = { text: '', reasoning: '', calls: [] };
  for (const part of parts ?? []) {
    if (part.functionCall) {
      const base = part.functionCall.id || mintCallId(responseId, candidate, firstCall + out.calls.length);
      out.calls.push({
        id: encodeCallId(base, part.thoughtSignature),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string') {
      if (part.thought) out.reasoning += part.text;
      else out.text += part.text;
    }
    // inlineData (generated images) and other part kinds have no chat-completions field: left out.
  }
  return out;
}
