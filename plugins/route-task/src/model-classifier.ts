import type { ChatMessage, ChatRequest, RequestContext } from 'aisbf';
import type { TaskClass, TaskClassifier } from './classifier.js';

/**
 * Where the model classifier asks: any OpenAI-compatible endpoint, including
 * this gateway itself (`http://127.0.0.1:8787/v1` with a cheap public model).
 *
 * @example { baseURL: 'http://127.0.0.1:8787/v1', model: 'cheap', apiKey: '${AISBF_KEY}', timeoutMs: 1500 }
 */
export interface ModelClassifierOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  /** Give up (and use the fallback's answer) after this long; default 2000 ms. */
  timeoutMs?: number;
  /** The classes the model may answer; default simple, complex, code. */
  labels?: string[];
  /** Characters of the user message sent; default 2000. */
  maxChars?: number;
}

const STRUCTURAL = new Set<TaskClass>(['vision', 'tools', 'long-context']);

function lastUserText(req: ChatRequest): string {
  const m: ChatMessage | undefined = req.messages.findLast((x) => x.role === 'user');
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  return Array.isArray(m.content) ? m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n') : '';
}

/**
 * A classifier that asks a cheap model which kind of task the last user
 * message is. Structural classes (vision, tools, long-context) still come
 * from `fallback`, which also answers whenever the model is slow, fails or
 * replies with no known label — routing never waits on it for long.
 *
 * @example modelClassifier({ baseURL: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKey: key }, rulesClassifier())
 */
export function modelClassifier(options: ModelClassifierOptions, fallback: TaskClassifier): TaskClassifier {
  const labels = options.labels ?? ['simple', 'complex', 'code'];
  const url = `${options.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const instruction = `Classify the user's request as exactly one of: ${labels.join(', ')}. `
    + 'simple: short answers, lookups, classification, extraction, small rewrites. complex: multi-step reasoning, analysis, planning, long writing. '
    + 'code: writing, reading or fixing program code. Answer with the label only.';
  const labelPattern = new RegExp(`\\b(${labels.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i');

  return {
    name: `model:${options.model}`,
    async classify(ctx: RequestContext): Promise<TaskClass[]> {
      const base = await fallback.classify(ctx);
      if (ctx.kind !== 'chat') return base;
      const structural = base.filter((c) => STRUCTURAL.has(c));
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
          body: JSON.stringify({
            model: options.model,
            max_tokens: 5,
            temperature: 0,
            messages: [
              { role: 'system', content: instruction },
              { role: 'user', content: lastUserText(ctx.body as ChatRequest).slice(0, options.maxChars ?? 2000) },
            ],
          }),
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(options.timeoutMs ?? 2000)]),
        });
        if (!res.ok) return base;
        const body = (await res.json()) as { choices?: Array<{ message?: { content?: string | null } }> };
        const match = labelPattern.exec(body.choices?.[0]?.message?.content ?? '');
        if (!match) return base;
        return [...structural, match[1].toLowerCase()];
      } catch {
        return base;
      }
    },
  };
}
