import { createHash, randomBytes } from 'node:crypto';

/**
 * Gemini tool calls need two things back on the next turn that OpenAI's format
 * has no field for: the call's `thoughtSignature` (Gemini 3+ rejects a
 * function call turn without it) and, when Gemini gave one, its own call id.
 * Both travel inside the OpenAI tool-call id, which every client echoes back
 * unchanged, so the gateway keeps no per-conversation state:
 *
 *   call_<24 hex>                  minted id (Gemini gave none), no signature
 *   <gemini id>                    Gemini's own id, no signature
 *   <either>~ts~<signature>        with the thought signature (base64, never contains '~')
 */
const SIGNATURE_MARK = '~ts~';
/** What a minted id looks like, so it is never sent to Gemini as if it were Gemini's. */
const MINTED = /^call_[0-9a-f]{24}$/;

/**
 * A stable id for the n-th call of a candidate: derived from the response id
 * so that every event of one stream (and a fixture replay) names it the same.
 */
export function mintCallId(responseId: string | undefined, candidate: number, n: number): string {
  const seed = responseId ?? randomBytes(12).toString('hex');
  return `call_${createHash('sha256').update(`${seed}:${candidate}:${n}`).digest('hex').slice(0, 24)}`;
}

/**
 * @example encodeCallId('call_0123456789abcdef01234567', 'CiQBcs…') // → 'call_0123456789abcdef01234567~ts~CiQBcs…'
 */
export function encodeCallId(base: string, signature: string | undefined): string {
  return signature ? `${base}${SIGNATURE_MARK}${signature}` : base;
}

/** Splits an id made by `encodeCallId`: Gemini's own id (if it was one) and the signature. */
export function decodeCallId(id: string): { geminiId?: string; signature?: string } {
  const at = id.lastIndexOf(SIGNATURE_MARK);
  const base = at === -1 ? id : id.slice(0, at);
  const signature = at === -1 ? undefined : id.slice(at + SIGNATURE_MARK.length) || undefined;
  return { geminiId: MINTED.test(base) ? undefined : base, signature };
}
