import type { ChatMessage, ChatRequest, EmbeddingsRequest } from 'aisbf';

/**
 * The tokenizer, loaded on demand: its tables cost ~60 MB of heap, which also
 * makes every major GC slower, so a gateway that never counts tokens (metrics
 * and logs only) should not carry them.
 */
let countTokens: ((text: string) => number) | undefined;

/**
 * Loads the o200k tokenizer once. Plugins that need exact counts (limits,
 * budgets, cost routing, context-window checks) await this in `setup`; until
 * it is loaded, counts are estimated at 4 characters a token.
 *
 * @example async setup(api) { await loadTokenizer(); }
 */
export async function loadTokenizer(): Promise<void> {
  countTokens ??= (await import('gpt-tokenizer')).countTokens;
}

/** Above this many characters a text is estimated (4 chars a token) instead of tokenized: exactness stops paying for its CPU. */
const TOKENIZE_LIMIT = 32_000;
/** Per-message framing tokens, as OpenAI's chat format adds them. */
const PER_MESSAGE = 4;
/** A rough cost of one image part (a low-detail tile); providers price images differently. */
const PER_IMAGE = 85;

/** Tokens of a text (o200k tokenizer once loaded; long texts, or no tokenizer, estimated). */
export function textTokens(text: string): number {
  if (text.length === 0) return 0;
  return text.length > TOKENIZE_LIMIT || !countTokens ? Math.ceil(text.length / 4) : countTokens(text);
}

function messageTokens(m: ChatMessage): number {
  let n = PER_MESSAGE;
  if (typeof m.content === 'string') n += textTokens(m.content);
  else if (Array.isArray(m.content)) {
    for (const p of m.content) n += p.type === 'text' ? textTokens(p.text) : p.type === 'image_url' ? PER_IMAGE : 0;
  }
  for (const t of m.tool_calls ?? []) n += textTokens(t.function.name) + textTokens(t.function.arguments);
  return n;
}

/**
 * Input tokens of a chat request, as a tokenizer counts them: messages,
 * tool definitions and images (estimated). Used to estimate cost before the
 * call (routing, budgets, token limits); actual usage replaces it after.
 *
 * @example estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }) // → 5
 */
export function estimateInputTokens(req: ChatRequest | EmbeddingsRequest): number {
  if ('messages' in req && Array.isArray(req.messages)) {
    let n = 3;
    for (const m of req.messages) n += messageTokens(m);
    const tools = (req as ChatRequest).tools;
    if (tools?.length) n += textTokens(JSON.stringify(tools));
    return n;
  }
  const input = (req as EmbeddingsRequest).input;
  if (typeof input === 'string') return textTokens(input);
  if (Array.isArray(input) && typeof input[0] === 'number') return input.length;
  return (input as unknown[]).reduce<number>((s, x) => s + (Array.isArray(x) ? x.length : textTokens(String(x))), 0);
}
