import type { Plugin, ResolvedConfig } from 'aisbf';

/**
 * Field paths pino censors when bodies are logged (the secrets core's logger
 * redacts, where they could sit in a logged request body). Without
 * `logBodies` access lines carry only whitelisted fields.
 */
export const REDACTED_PATHS = [
  'request_body.apiKey', 'request_body.api_key', 'request_body.key', 'request_body.authorization',
  'request_body.metadata.apiKey', 'request_body.metadata.api_key', 'request_body.metadata.authorization',
];

const CENSOR = '[redacted]';
// Credentials that show up inside free text (upstream error messages, prompts).
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const KEY_LIKE = /\b(?:sk|pk|rk|ak)-[A-Za-z0-9_-]{12,}/g;

/**
 * Removes known secrets from free text: the provider keys and admin key of
 * the config (exact values), and anything shaped like a bearer token or an
 * `sk-` key. Built once at setup, so the hot path compiles nothing.
 *
 * @example
 * const scrub = new SecretScrubber(api.config);
 * scrub.text('Incorrect API key provided: sk-abcdefghijklmnop'); // 'Incorrect API key provided: [redacted]'
 */
export class SecretScrubber {
  readonly #known: string[];

  constructor(config: ResolvedConfig, extra: Array<string | undefined> = []) {
    const known = new Set<string>();
    const add = (v: unknown) => {
      // Short values would censor ordinary words; real keys are long.
      if (typeof v === 'string' && v.length >= 8) known.add(v);
    };
    for (const p of Object.values(config.providers)) add(p.apiKey);
    for (const p of config.plugins) add(adminKeyOf(p));
    for (const v of extra) add(v);
    // Longest first, so a key that contains another is removed whole.
    this.#known = [...known].sort((a, b) => b.length - a.length);
  }

  text(s: string): string {
    let out = s;
    for (const k of this.#known) if (out.includes(k)) out = out.split(k).join(CENSOR);
    return out.replace(BEARER, `$1${CENSOR}`).replace(KEY_LIKE, CENSOR);
  }

  /** Scrubs every string inside a JSON-like value (for logged bodies). */
  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.value(x);
      return out;
    }
    return v;
  }
}

/** The admin key an auth plugin exposes as its documented `adminKey` property, if any. */
function adminKeyOf(p: Plugin): unknown {
  return (p as Plugin & { adminKey?: unknown }).adminKey;
}
