import type { ChatMessage, ChatRequest } from 'aisbf';

/** The text of a message, parts joined (images are shown as [image]). */
export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  return m.content.map((p) => (p.type === 'text' ? p.text : `[${p.type === 'image_url' ? 'image' : p.type}]`)).join(' ');
}

/** The last user message's text: what the mock echoes. */
export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) if (req.messages[i].role === 'user') return messageText(req.messages[i]);
  return '';
}

/** A rough token count (4 characters a token), so usage is never zero for a real prompt. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Splits `text` into `n` pieces on word boundaries (fewer when there are fewer words). */
export function splitInto(text: string, n: number): string[] {
  const words = text.split(/(?<=\s)/);
  const per = Math.max(1, Math.ceil(words.length / Math.max(1, n)));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}

/** A small deterministic hash, for ids and embedding vectors. */
export function hash(text: string, seed = 0): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
