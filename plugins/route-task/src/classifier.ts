import type { RequestContext } from 'aisbf';

/**
 * The task classes the built-in classifiers produce. A custom classifier may
 * return other names; map them to tags under `classes`.
 */
export type TaskClass = 'simple' | 'complex' | 'code' | 'vision' | 'tools' | 'long-context' | (string & {});

/**
 * Decides what kind of task a request is. Returns its classes, most decisive
 * first (`['vision', 'complex']`); the policy routes by the first class whose
 * tags some candidate carries.
 *
 * @example
 * const byCustomer: TaskClassifier = { name: 'customer', classify: (ctx) => [ctx.principal?.team === 'legal' ? 'complex' : 'simple'] };
 * plugins: [task({ classifier: byCustomer })]
 */
export interface TaskClassifier {
  /** Shown in the routing trace. */
  name: string;
  classify(ctx: RequestContext): TaskClass[] | Promise<TaskClass[]>;
}

/** Tags (or other selectors) wanted per class, used when config gives none. */
export const DEFAULT_CLASSES: Readonly<Record<string, string[]>> = {
  vision: ['vision'],
  tools: ['tools'],
  'long-context': ['long-context'],
  code: ['code'],
  complex: ['complex', 'strong'],
  simple: ['simple', 'cheap'],
};
