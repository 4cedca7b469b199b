import { candidateTags, catalogFor, loadTokenizer, matchesSelector, settle, type Catalog } from '@aisbf/plugin-catalog';
import { definePolicy, type Candidate, type Plugin } from 'aisbf';
import { DEFAULT_CLASSES, type TaskClass, type TaskClassifier } from './classifier.js';
import { modelClassifier, type ModelClassifierOptions } from './model-classifier.js';
import { rulesClassifier, type RulesOptions } from './rules-classifier.js';

export { DEFAULT_CLASSES, type TaskClass, type TaskClassifier } from './classifier.js';
export { rulesClassifier, type RulesOptions } from './rules-classifier.js';
export { modelClassifier, type ModelClassifierOptions } from './model-classifier.js';

/**
 * Options of the `task` policy. `classes` and `mode` may also be set per
 * route (`['task', { classes: { … } }]`); the classifier is plugin-wide.
 *
 * @example task({ classes: { simple: ['cheap'], complex: ['strong'], code: ['code', 'strong'] }, model: { baseURL: 'http://127.0.0.1:8787/v1', model: 'cheap' } })
 */
export interface TaskOptions {
  /** Selectors (tags, `provider/model`, `provider/*`) wanted per class; default `DEFAULT_CLASSES`. */
  classes?: Record<string, string[]>;
  /** `prefer` (default): matching candidates go first, the others stay as fallbacks. `require`: the others are removed. */
  mode?: 'prefer' | 'require';
  /** Thresholds of the built-in rules classifier. */
  rules?: RulesOptions;
  /** Ask this cheap model to tell simple, complex and code apart (the rules still decide when it cannot). */
  model?: ModelClassifierOptions;
  /** Replaces the classifier entirely (a TypeScript config can pass an object). */
  classifier?: TaskClassifier;
}

const selectorList = { type: 'array', items: { type: 'string', minLength: 1 } };
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    classes: { type: 'object', additionalProperties: selectorList },
    mode: { enum: ['prefer', 'require'] },
    rules: {
      type: 'object',
      additionalProperties: false,
      properties: {
        longContextTokens: { type: 'integer', minimum: 1 },
        complexChars: { type: 'integer', minimum: 1 },
        complexTurns: { type: 'integer', minimum: 1 },
      },
    },
    model: {
      type: 'object',
      required: ['baseURL', 'model'],
      additionalProperties: false,
      properties: {
        baseURL: { type: 'string', pattern: '^https?://' },
        model: { type: 'string', minLength: 1 },
        apiKey: { type: 'string' },
        timeoutMs: { type: 'integer', minimum: 1 },
        labels: selectorList,
        maxChars: { type: 'integer', minimum: 1 },
      },
    },
    classifier: { type: 'object', required: ['classify'] },
  },
};

/**
 * Routing policy `task`: classifies the request (simple, complex, code,
 * vision, tools, long-context) and routes it to candidates tagged for that
 * class — complex reasoning to strong models, simple classification to small
 * cheap ones. The first class some candidate matches decides.
 *
 * @example models: { auto: { candidates: [{ provider: 'claude', model: 'claude-sonnet-4-5', tags: ['strong', 'code'] }, { provider: 'gpt', model: 'gpt-4o-mini', tags: ['cheap'] }], policies: ['task'] } }
 */
export default function task(options: TaskOptions = {}): Plugin {
  const rules = rulesClassifier(options.rules);
  const classifier = options.classifier ?? (options.model ? modelClassifier(options.model, rules) : rules);
  let catalog: Catalog | undefined;
  return definePolicy<Pick<TaskOptions, 'classes' | 'mode'> | undefined>({
    name: 'route-task',
    options: schema,
    async setup(api) {
      catalog = catalogFor(api.config);
      await loadTokenizer();
    },
    async select(candidates, ctx, routeOptions) {
      if (!catalog) throw new Error('route-task: setup() has not run (the gateway calls it at start).');
      const classes = routeOptions?.classes ?? options.classes ?? DEFAULT_CLASSES;
      const mode = routeOptions?.mode ?? options.mode ?? 'prefer';
      const found = await classifier.classify(ctx);
      ctx.locals['route-task'] = found;
      const tagsOf = (c: Candidate) => candidateTags(catalog!, c);
      const decided = rankByClass(found, classes, candidates, tagsOf);
      const note = `${classifier.name}: ${found.join(', ')}${decided.by ? ` → ${decided.by}` : ' → no tagged candidate'}`;
      if (mode === 'prefer' || !decided.by) return settle('task', ctx, candidates, { ranked: decided.ranked, note });
      const reasons = new Map<Candidate, string>();
      const ranked = decided.ranked.filter((c) => {
        const keep = decided.matches.has(c);
        if (!keep) reasons.set(c, `not tagged for ${decided.by}`);
        return keep;
      });
      return settle('task', ctx, candidates, { ranked, reasons, note });
    },
  });
}

/**
 * Picks the first class (in the classifier's order) that some candidate
 * matches, and moves the matching candidates first (stable).
 */
export function rankByClass(
  found: readonly TaskClass[],
  classes: Record<string, string[]>,
  candidates: Candidate[],
  tagsOf: (c: Candidate) => string[],
): { ranked: Candidate[]; by?: TaskClass; matches: Set<Candidate> } {
  for (const cls of found) {
    const selectors = classes[cls];
    if (!selectors?.length) continue;
    const matches = new Set(candidates.filter((c) => {
      const tags = tagsOf(c);
      return selectors.some((s) => matchesSelector(s, c, tags));
    }));
    if (matches.size === 0) continue;
    return { ranked: [...candidates.filter((c) => matches.has(c)), ...candidates.filter((c) => !matches.has(c))], by: cls, matches };
  }
  return { ranked: candidates, matches: new Set() };
}
