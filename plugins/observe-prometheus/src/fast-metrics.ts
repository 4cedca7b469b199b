import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

/** One sample as prom-client's registry serialises it. */
interface SampleValue {
  value: number;
  labels: Labels;
  metricName?: string;
}

interface MetricConfig {
  name: string;
  help: string;
  registers: Registry[];
}

/**
 * Counters and histograms updated with plain arithmetic. prom-client hashes
 * the label object on every `inc`/`observe` (about a microsecond each, several
 * per request); here the caller names each label combination with a string
 * key it already has, the series is found by one map lookup, and labels are
 * only turned into text at scrape time. The objects implement what
 * prom-client's `Registry` reads (`name`, `help`, `type`, `get()`), so the
 * exposition format stays prom-client's.
 */
abstract class FastMetric<S> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, { labels: Labels; s: S }>();

  constructor(config: MetricConfig) {
    this.name = config.name;
    this.help = config.help;
    for (const r of config.registers) r.registerMetric(this as never);
  }

  /**
   * The series for one label combination. `key` must identify `labels`
   * (callers build it from the same values); `labels` is only called the
   * first time.
   */
  protected find(key: string, labels: () => Labels, make: () => S): S {
    let e = this.series.get(key);
    if (!e) {
      e = { labels: labels(), s: make() };
      this.series.set(key, e);
    }
    return e.s;
  }

  /**
   * Zeroes every series in place (`registry.resetMetrics()`). Unlike
   * prom-client, series are kept: callers hold on to them (see `seriesFor`).
   */
  reset(): void {
    for (const { s } of this.series.values()) this.zero(s);
  }

  protected abstract zero(s: S): void;

  abstract get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: SampleValue[] }>;
}

/** One counter series: add to `value`. */
export interface CounterSeries {
  value: number;
}

/** A monotonically increasing count per label combination. */
export class FastCounter extends FastMetric<CounterSeries> {
  readonly type = 'counter';

  protected zero(s: CounterSeries): void {
    s.value = 0;
  }

  /** The series itself, for a caller that keeps it (and adds to `value`) instead of looking it up each time. */
  seriesFor(key: string, labels: () => Labels): CounterSeries {
    return this.find(key, labels, () => ({ value: 0 }));
  }

  at(key: string, labels: () => Labels): { inc(by?: number): void } {
    const s = this.find(key, labels, () => ({ value: 0 }));
    return { inc: (by = 1) => { s.value += by; } };
  }

  async get() {
    const values = [...this.series.values()].map(({ labels, s }) => ({ value: s.value, labels }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export interface HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram per label combination, with fixed bucket bounds. */
export class FastHistogram extends FastMetric<HistogramSeries> {
  readonly type = 'histogram';
  readonly #bounds: number[];

  constructor(config: MetricConfig & { buckets: number[] }) {
    super(config);
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
  }

  at(key: string, labels: () => Labels): { observe(v: number): void } {
    const s = this.seriesFor(key, labels);
    return { observe: (v) => this.observe(s, v) };
  }

  protected zero(s: HistogramSeries): void {
    s.counts.fill(0);
    s.sum = 0;
    s.count = 0;
  }

  /** The series itself, for a caller that keeps it and calls `observe(series, v)`. */
  seriesFor(key: string, labels: () => Labels): HistogramSeries {
    return this.find(key, labels, () => ({ counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(s: HistogramSeries, v: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    s.counts[i]++;
    s.sum += v;
    s.count++;
  }

  async get() {
    const values: SampleValue[] = [];
    for (const { labels, s } of this.series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.counts[i];
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: String(le) }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
