import type { Candidate } from 'aisbf';
import type { LatencyStat } from './latency-stats.js';

/**
 * The latency ranking, a pure function of the stats so it can be tested
 * exactly: candidates never measured first (so they get measured), then by
 * average latency, fastest first (stable on ties). When `explore` is true the
 * measured candidate seen least recently (other than the fastest) jumps to
 * the front, so a provider that was slow and has recovered gets noticed.
 *
 * @example rankByLatency([a, b], [{ ms: 900, n: 5, at: 1 }, { ms: 120, n: 5, at: 2 }], false) // → [b, a]
 */
export function rankByLatency(candidates: Candidate[], stats: ReadonlyArray<LatencyStat | undefined>, explore: boolean): Candidate[] {
  const unmeasured: Candidate[] = [];
  const measured: Array<{ c: Candidate; s: LatencyStat }> = [];
  candidates.forEach((c, i) => {
    const s = stats[i];
    if (s) measured.push({ c, s });
    else unmeasured.push(c);
  });
  measured.sort((a, b) => a.s.ms - b.s.ms);
  if (explore && unmeasured.length === 0 && measured.length > 1) {
    let stalest = 1;
    for (let i = 2; i < measured.length; i++) if (measured[i].s.at < measured[stalest].s.at) stalest = i;
    const [pick] = measured.splice(stalest, 1);
    measured.unshift(pick);
  }
  return [...unmeasured, ...measured.map((m) => m.c)];
}
