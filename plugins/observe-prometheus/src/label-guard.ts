/** What a label value becomes once its label has seen `limit` distinct values. */
export const OVERFLOW_VALUE = 'other';

/**
 * Keeps a label's cardinality bounded. Model names come from clients
 * (`provider/<anything>` is a valid request), so the first `limit` distinct
 * values pass through and later ones are folded into `other`: a client cannot
 * grow the exposition without bound.
 *
 * @example
 * const models = new LabelGuard(100);
 * models.value('smart'); // 'smart'
 */
export class LabelGuard {
  readonly #seen = new Set<string>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  value(v: string | undefined): string {
    if (v === undefined || v === '') return '';
    if (this.#seen.has(v)) return v;
    if (this.#seen.size >= this.#limit) return OVERFLOW_VALUE;
    this.#seen.add(v);
    return v;
  }
}
