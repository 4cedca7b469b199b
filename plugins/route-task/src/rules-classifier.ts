import { requestFacts } from '@aisbf/plugin-catalog';
import type { ChatMessage, ChatRequest, RequestContext } from 'aisbf';
import type { TaskClass, TaskClassifier } from './classifier.js';

/** Thresholds of the rules classifier. */
export interface RulesOptions {
  /** Input tokens from which a request is `long-context`; default 32000. */
  longContextTokens?: number;
  /** Characters of the last user message from which a request is `complex`; default 2000. */
  complexChars?: number;
  /** Messages in the conversation from which it is `complex`; default 12. */
  complexTurns?: number;
}

// Compiled once: the hot path must not build regexes per request.
const CODE = /```|\b(?:function|def|class|import|return|const|let|var|async|await|struct|impl|fn|#include|public static|SELECT\s[\s\S]*\sFROM|stack ?trace|traceback|exception|segfault|compile[rd]?|regex|typescript|javascript|python|golang|rust|java|kotlin|swift|c\+\+|sql|bash|shell script|refactor|debug|unit tests?|pull request|code)\b/i;
const COMPLEX = /\b(?:step[- ]by[- ]step|prove|proof|derive|derivation|analy[sz]e|analysis|reason(?:ing)? about|why does|why is|trade-?offs?|compare|contrast|design|architecture|plan(?:ning)?|strategy|evaluate|optimi[sz]e|in depth|in detail|thorough|rigorous|research|essay)\b/i;

/** Text of a message's string content or text parts. */
function textOf(m: ChatMessage | undefined): string {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  let s = '';
  for (const p of m.content) if (p.type === 'text') s += (s ? '\n' : '') + p.text;
  return s;
}

/**
 * The default classifier: fast, deterministic rules over the request's
 * structure and words — images → `vision`, tools → `tools`, a long prompt →
 * `long-context`, code fences or programming words → `code`, reasoning words,
 * a long question or a long conversation → `complex`, anything else →
 * `simple`. Only the system prompt and the last user message are read.
 *
 * @example rulesClassifier().classify(ctx) // → ['code'] for "Fix this Python traceback: …"
 */
export function rulesClassifier(options: RulesOptions = {}): TaskClassifier {
  const longContext = options.longContextTokens ?? 32_000;
  const complexChars = options.complexChars ?? 2_000;
  const complexTurns = options.complexTurns ?? 12;
  return {
    name: 'rules',
    classify(ctx: RequestContext): TaskClass[] {
      const facts = requestFacts(ctx);
      const out: TaskClass[] = [];
      if (facts.images) out.push('vision');
      if (facts.tools) out.push('tools');
      if (facts.inputTokensAtMost > longContext && facts.inputTokens() > longContext) out.push('long-context');
      if (ctx.kind !== 'chat') return out.length ? out : ['simple'];
      const req = ctx.body as ChatRequest;
      const lastUser = textOf(req.messages.findLast((m) => m.role === 'user'));
      const system = textOf(req.messages.find((m) => m.role === 'system' || m.role === 'developer'));
      if (CODE.test(lastUser) || CODE.test(system)) out.push('code');
      if (COMPLEX.test(lastUser) || lastUser.length >= complexChars || req.messages.length >= complexTurns || req.reasoning_effort !== undefined) {
        out.push('complex');
      }
      if (!out.some((c) => c === 'code' || c === 'complex' || c === 'long-context')) out.push('simple');
      return out;
    },
  };
}
