import type { Catalog } from '@aisbf/plugin-catalog';
import type { Candidate, Usage } from 'aisbf';

/** USD per million tokens, as configured for this plugin. */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** Unit of every stored amount: integer micro-dollars, so shared counters stay exact integers. */
export const MICRO = 1_000_000;

/**
 * Prices for budgets: configured prices first (`provider/model`, then
 * `model`: negotiated rates beat list prices), then the catalogue.
 * `undefined` when neither knows the model.
 */
export class BudgetPricing {
  readonly #catalog: Catalog;
  readonly #configured: Record<string, Price>;

  constructor(catalog: Catalog, configured: Record<string, Price> = {}) {
    this.#catalog = catalog;
    this.#configured = configured;
  }

  price(c: Candidate): Price | undefined {
    const own = this.#configured[`${c.provider}/${c.model}`] ?? this.#configured[c.model];
    if (own) return own;
    const f = this.#catalog.facts(c.provider, c.model);
    if (f.inputPerMTok === null || f.outputPerMTok === null) return undefined;
    return { inputPerMTok: f.inputPerMTok, outputPerMTok: f.outputPerMTok };
  }

  /** USD of `inputTokens` in and `outputTokens` out on `c`; undefined when unpriced. */
  estimate(c: Candidate, inputTokens: number, outputTokens: number): number | undefined {
    const p = this.price(c);
    return p && (inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) / 1e6;
  }

  /** USD of real usage on `c` (the catalogue prices cached input at its own rate). */
  actual(c: Candidate, usage: Usage): number | undefined {
    const own = this.#configured[`${c.provider}/${c.model}`] ?? this.#configured[c.model];
    if (own) return (usage.prompt_tokens * own.inputPerMTok + (usage.completion_tokens ?? 0) * own.outputPerMTok) / 1e6;
    return this.#catalog.cost(c.provider, c.model, { ...usage, completion_tokens: usage.completion_tokens ?? 0 }) ?? undefined;
  }
}

/** Dollars → integer micro-dollars, rounded up: a reservation never undercounts. */
export function toMicro(usd: number): number {
  return Math.ceil(usd * MICRO - 1e-6);
}

/** `$0.0123` with enough digits to be useful for small amounts. */
export function dollars(micro: number): string {
  const usd = micro / MICRO;
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}
