import { definePolicy, type Candidate, type Plugin, type RequestContext } from 'aisbf';

/**
 * Options of the business-hours policy (per route, or as plugin defaults).
 *
 * @example ['business-hours', { timeZone: 'Europe/Paris', open: 8, close: 19, days: [1, 2, 3, 4, 5], alwaysPremium: ['acme'] }]
 */
export interface BusinessHoursOptions {
  /** IANA time zone the hours are in; default `UTC`. */
  timeZone?: string;
  /** First open hour (0–23), inclusive; default 9. */
  open?: number;
  /** First closed hour (1–24); default 18. */
  close?: number;
  /** Open weekdays, 0 = Sunday; default Monday to Friday. */
  days?: number[];
  /** Candidate tag for the expensive models; default `premium`. */
  premiumTag?: string;
  /** Customers (the `x-customer` header, or the principal's team) that always get premium models. */
  alwaysPremium?: string[];
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Weekday and hour of `date` in `timeZone`. */
function localTime(date: Date, timeZone: string): { day: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAY[get('weekday')], hour: Number(get('hour')) };
}

/**
 * A routing policy a user writes: during business hours premium-tagged
 * candidates go first (people are waiting on the answers); outside them the
 * cheaper ones do (batch jobs). Chosen customers always get premium. It only
 * re-ranks, so a route never loses a candidate because of the clock.
 */
export default function businessHours(defaults: BusinessHoursOptions = {}): Plugin {
  return definePolicy<BusinessHoursOptions | undefined>({
    name: 'route-business-hours',
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeZone: { type: 'string' },
        open: { type: 'integer', minimum: 0, maximum: 23 },
        close: { type: 'integer', minimum: 1, maximum: 24 },
        days: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 6 } },
        premiumTag: { type: 'string' },
        alwaysPremium: { type: 'array', items: { type: 'string' } },
      },
    },
    select(candidates: Candidate[], ctx: RequestContext, routeOptions) {
      const o = { ...defaults, ...routeOptions };
      const tag = o.premiumTag ?? 'premium';
      const customer = String(ctx.headers['x-customer'] ?? ctx.principal?.team ?? '');
      const { day, hour } = localTime((o.now ?? (() => new Date()))(), o.timeZone ?? 'UTC');
      const open = (o.days ?? [1, 2, 3, 4, 5]).includes(day) && hour >= (o.open ?? 9) && hour < (o.close ?? 18);
      const premiumFirst = open || (o.alwaysPremium ?? []).includes(customer);
      const isPremium = (c: Candidate) => (c.tags ?? []).includes(tag);
      // Stable partition: the declared order is kept inside each group.
      return [...candidates.filter((c) => isPremium(c) === premiumFirst), ...candidates.filter((c) => isPremium(c) !== premiumFirst)];
    },
  });
}
