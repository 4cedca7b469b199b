import type { ChatRequest, EmbeddingsRequest, RequestContext } from 'aisbf';
import { estimateInputTokens } from './tokens.js';

/**
 * What routing policies ask of a request, worked out once per request and
 * shared between them (kept in `ctx.locals`).
 *
 * @example
 * const f = requestFacts(ctx);
 * if (f.images) candidates = candidates.filter(canSeeImages);
 */
export interface RequestFacts {
  /** A message carries an image part. */
  images: boolean;
  /** The request offers tools (or legacy functions). */
  tools: boolean;
  /** The request asks for JSON output (`response_format` json_object or json_schema). */
  json: boolean;
  /** An embeddings request. */
  embeddings: boolean;
  /** The output cap the client set (`max_completion_tokens`, else `max_tokens`). */
  maxTokens: number | undefined;
  /**
   * A bound no tokenizer count can exceed (UTF-8 bytes plus framing), free to
   * compute: when it fits a context window there is no need to tokenize.
   */
  inputTokensAtMost: number;
  /** The tokenizer's count, computed on first call and kept. */
  inputTokens(): number;
}

const KEY = 'catalog:request-facts';
/** Framing per message and per image, generous so the bound stays a bound. */
const MESSAGE_OVERHEAD = 8;
const IMAGE_TOKENS = 85;

/** The facts of `ctx`'s request (computed on first call). */
export function requestFacts(ctx: RequestContext): RequestFacts {
  const kept = ctx.locals[KEY] as RequestFacts | undefined;
  if (kept) return kept;
  const facts = ctx.kind === 'chat' ? chatFacts(ctx.body as ChatRequest) : embeddingsFacts(ctx.body as EmbeddingsRequest);
  ctx.locals[KEY] = facts;
  return facts;
}

function lazyCount(req: ChatRequest | EmbeddingsRequest): () => number {
  let n: number | undefined;
  return () => (n ??= estimateInputTokens(req));
}

function chatFacts(req: ChatRequest): RequestFacts {
  let images = false;
  let bound = 3;
  for (const m of req.messages) {
    bound += MESSAGE_OVERHEAD;
    if (typeof m.content === 'string') bound += Buffer.byteLength(m.content);
    else if (Array.isArray(m.content)) {
      for (const p of m.content) {
        if (p.type === 'image_url') {
          images = true;
          bound += IMAGE_TOKENS;
        } else if (p.type === 'text') bound += Buffer.byteLength(p.text);
      }
    }
    for (const t of m.tool_calls ?? []) bound += Buffer.byteLength(t.function.name) + Buffer.byteLength(t.function.arguments);
  }
  const tools = (req.tools?.length ?? 0) > 0 || (Array.isArray(req.functions) && req.functions.length > 0);
  if (req.tools?.length) bound += Buffer.byteLength(JSON.stringify(req.tools));
  const format = req.response_format?.type;
  return {
    images,
    tools,
    json: format === 'json_object' || format === 'json_schema',
    embeddings: false,
    maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
    inputTokensAtMost: bound,
    inputTokens: lazyCount(req),
  };
}

function embeddingsFacts(req: EmbeddingsRequest): RequestFacts {
  const input = req.input as unknown;
  let bound = 0;
  if (typeof input === 'string') bound = Buffer.byteLength(input);
  else if (Array.isArray(input)) {
    for (const x of input) bound += typeof x === 'number' ? 1 : Array.isArray(x) ? x.length : Buffer.byteLength(String(x));
  }
  return {
    images: false, tools: false, json: false, embeddings: true, maxTokens: undefined, inputTokensAtMost: bound, inputTokens: lazyCount(req),
  };
}
