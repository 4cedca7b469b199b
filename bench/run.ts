// npm run bench — measures the gateway against a bare Node forwarder in the
// same run, on loopback, and prints the table the README shows.
//
// Every server runs in its own process (so its CPU and memory can be read
// from /proc); autocannon drives the load from this process. BENCH_SECONDS
// sets the measured duration per row (default 10).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { Pool } from 'undici';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** `observers` runs only the with/without-observers pairs (the slowest comparison to settle). */
const ONLY = process.env.BENCH_ONLY;
/**
 * The observers comparison runs PAIRS pairs of fresh gateway processes, each
 * pair taking ROUNDS turns of SLICE_SECONDS: one pair's result depends on
 * its processes (code layout, where the scheduler puts them) by ±5%, so the
 * figure is the total over several pairs.
 */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 3);
const TICK_MS = 10; // Linux reports process CPU time in 1/100 s

interface Server {
  url: string;
  pid: number;
  child: ChildProcess;
}

const children: ChildProcess[] = [];

async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, AISBF_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const read = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        // From here on the output is drained unread: the bench must not grow with it.
        child.stdout!.off('data', read);
        child.stdout!.resume();
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', read);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
  return { url, pid: child.pid!, child };
}

const tsx = (file: string, ...rest: string[]) => ['--import', 'tsx', join(ROOT, 'bench', file), ...rest];

async function gateway(config: object): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), 'aisbf-bench-'));
  const file = join(dir, 'aisbf.config.json');
  await writeFile(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, ...config }));
  // The installed CLI (compiled dist), as a user runs it.
  const s = await start([join(ROOT, 'core/bin/aisbf.js'), 'start', '--config', file]);
  s.child.once('exit', () => void rm(dir, { recursive: true, force: true }));
  return s;
}

/** CPU time of a process (all its threads), or of its main thread alone with `mainThread`. */
function cpuMs(pid: number, mainThread = false): number {
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const CHAT = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say hello to the benchmark.' }] });

async function load(url: string, connections: number, seconds: number, body = CHAT, headers: Record<string, string> = {}) {
  return autocannon({
    url: `${url}/v1/chat/completions`, method: 'POST', connections, duration: seconds,
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench', ...headers }, body,
  });
}

/**
 * Latency at concurrency 1, measured per request with the high-resolution
 * clock (autocannon rounds latencies to whole milliseconds, too coarse for a
 * 0.3 ms budget): one keep-alive connection, requests back to back.
 */
async function sequential(url: string, seconds: number, body = CHAT, headers: Record<string, string> = {}) {
  const pool = new Pool(url, { connections: 1 });
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  try {
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bench', ...headers }, body });
      await r.body.arrayBuffer();
      samples.push(performance.now() - t0);
    }
  } finally {
    await pool.close();
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { rps: samples.length / seconds, p50: at(0.5), p99: at(0.99) };
}

interface Row {
  name: string;
  rps1: number;
  p50ms1: number;
  p99ms1: number;
  rps50: number;
  p50ms50: number;
  p99ms50: number;
  cpuUsPerReq: number;
  /** The event-loop thread alone: what observers running in worker threads leave on it. */
  mainCpuUsPerReq: number;
  rssMb: number;
  errors: number;
}

async function measure(name: string, server: Server, body?: string, headers?: Record<string, string>): Promise<Row> {
  await load(server.url, 10, 2, body, headers); // warm-up: JIT, pools, caches
  const c1 = await sequential(server.url, Math.max(3, SECONDS / 2), body, headers);
  const before = cpuMs(server.pid);
  const mainBefore = cpuMs(server.pid, true);
  const c50 = await load(server.url, 50, SECONDS, body, headers);
  const cpu = cpuMs(server.pid) - before;
  const mainCpu = cpuMs(server.pid, true) - mainBefore;
  const row: Row = {
    name,
    rps1: c1.rps,
    p50ms1: c1.p50,
    p99ms1: c1.p99,
    rps50: c50.requests.average,
    p50ms50: c50.latency.p50,
    p99ms50: c50.latency.p99,
    cpuUsPerReq: (cpu * 1000) / Math.max(1, c50.requests.total),
    mainCpuUsPerReq: (mainCpu * 1000) / Math.max(1, c50.requests.total),
    rssMb: rssMb(server.pid),
    errors: c50.errors + c50.non2xx,
  };
  console.error(`  measured ${name}: ${row.rps50.toFixed(0)} req/s at c=50`);
  return row;
}

function table(rows: Row[], base: Row): string {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
  const lines = [
    '| row | req/s c=1 | p50 c=1 (ms) | p99 c=1 (ms) | req/s c=50 | p50 c=50 (ms) | p99 c=50 (ms) | CPU µs/req | RSS after (MB) | vs baseline req/s c=50 | errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${f(r.rps1)} | ${f(r.p50ms1, 3)} | ${f(r.p99ms1, 2)} | ${f(r.rps50)} | ${f(r.p50ms50, 2)} | ${f(r.p99ms50, 2)} | ${f(r.cpuUsPerReq)} | ${f(r.rssMb)} | ${f((r.rps50 / base.rps50) * 100)}% | ${r.errors} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  console.error(`aisbf bench: ${SECONDS}s per row at c=50, ${Math.max(3, SECONDS / 2)}s at c=1; Node ${process.version}`);
  const upstream = await start(tsx('upstream.ts'));
  const up = { up: { type: 'openai', baseURL: `${upstream.url}/v1`, apiKey: 'bench' } };
  const rows: Row[] = [];
  if (ONLY === 'observers') {
    await observers(up);
    upstream.child.kill();
    return;
  }

  const baseline = await start(tsx('forwarder.ts', upstream.url));
  const base = await measure('baseline: node:http → undici forwarder', baseline);
  rows.push(base);
  baseline.child.kill();

  const gw = await gateway({ providers: up, models: { bench: { candidates: ['up/bench-1'] } } });
  const pass = await measure('aisbf: openai pass-through', gw);
  rows.push(pass);
  gw.child.kill();

  const claude = await gateway({ providers: { claude: { type: 'anthropic', baseURL: upstream.url, apiKey: 'bench' } }, models: { bench: { candidates: ['claude/claude-bench'] } } });
  const translated = await measure('aisbf: anthropic translation', claude);
  rows.push(translated);
  claude.child.kill();

  const koa = await start(tsx('koa-json.ts'));
  const ceiling = await measure('ceiling: bare Koa JSON endpoint (no upstream)', koa);
  rows.push(ceiling);
  koa.child.kill();

  // Every request is the same: after the first, each one is a cache hit.
  const cached = await gateway({ plugins: ['cache'], providers: up, models: { bench: { candidates: ['up/bench-1'] } } });
  const hits = await measure('aisbf: cache hit', cached);
  rows.push(hits);
  cached.child.kill();

  const observed = await observers(up);

  // Hedging: one provider stalls 1 request in 10 for 250 ms; the backup is healthy.
  const stally = await start(tsx('upstream.ts', '--stall-every', '10', '--stall-ms', '250'));
  const both = {
    providers: { primary: { type: 'openai', baseURL: `${stally.url}/v1`, apiKey: 'bench' }, backup: { type: 'openai', baseURL: `${upstream.url}/v1`, apiKey: 'bench' } },
    models: { bench: { candidates: ['primary/bench-1', 'backup/bench-1'] } },
  };
  const hedgeRows: Row[] = [];
  for (const [label, hedge] of [['no hedging', false], ['hedge after 50 ms', { afterMs: 50, budget: 0.2 }]] as const) {
    const g = await gateway({ ...both, plugins: [['failover', { retries: 0, breaker: false, hedge }]] });
    hedgeRows.push(await measure(`aisbf: slow-provider failover, ${label}`, g));
    g.child.kill();
  }
  stally.child.kill();
  rows.push(...hedgeRows);

  console.log(table(rows, base));
  console.log('');
  console.log(`added p50 latency at c=1: ${(pass.p50ms1 - base.p50ms1).toFixed(3)} ms (target ≤ 0.3 ms)`);
  console.log(`throughput at c=50: ${((pass.rps50 / base.rps50) * 100).toFixed(0)}% of baseline (target ≥ 50%)`);
  console.log(`gateway RSS after load: ${pass.rssMb.toFixed(0)} MB (target ≤ 150 MB)`);
  console.log(`anthropic translation: ${(((translated.cpuUsPerReq - pass.cpuUsPerReq) / pass.cpuUsPerReq) * 100).toFixed(0)}% CPU per request over the openai pass-through (target ≤ 15%)`);
  console.log(`cache hit throughput: ${((hits.rps50 / ceiling.rps50) * 100).toFixed(0)}% of the bare Koa endpoint (target ≥ 60%)`);
  console.log(`hedging with one provider stalling 1 in 10 by 250 ms: p99 at c=50 ${hedgeRows[0].p99ms50.toFixed(0)} ms → ${hedgeRows[1].p99ms50.toFixed(0)} ms, p99 at c=1 ${hedgeRows[0].p99ms1.toFixed(1)} ms → ${hedgeRows[1].p99ms1.toFixed(1)} ms`);
  console.log('');
  printObservers(observed);
}

/** One set-up's share of an alternating comparison. */
interface Side {
  name: string;
  requests: number;
  seconds: number;
  cpuMs: number;
  mainCpuMs: number;
  errors: number;
}

interface Comparison {
  without: Side;
  withObservers: Side;
  /** with ÷ without, per round: how much the rounds agree. */
  roundRatios: number[];
}

/**
 * The three observability plugins against the same gateway without them.
 * Both gateways run side by side and take the load in turns, SLICE_SECONDS
 * at a time, in ABBA order: the machine's speed drifts by ±15% over tens of
 * seconds, and turns a few seconds long give both set-ups the same machine.
 * Then both are replaced by fresh processes, PAIRS times.
 */
async function observers(up: object): Promise<Comparison> {
  const dbUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  // A fresh table for each pair, dropped after: a table grown by earlier runs would slow the inserts measured here.
  const tables: string[] = [];
  const models = { bench: { candidates: ['up/bench-1'] } };
  const all = (table: string): Record<string, unknown> => ({
    'observe-log': ['observe-log', { destination: '/dev/null' }],
    'observe-prometheus': 'observe-prometheus',
    'usage-ledger': ['usage-ledger', { databaseUrl: dbUrl, table }],
  });
  // BENCH_OBSERVERS picks some of them (say `usage-ledger`), to see what each costs.
  const names = process.env.BENCH_OBSERVERS?.split(',').filter(Boolean) ?? Object.keys(all(''));
  const side = (name: string): Side => ({ name, requests: 0, seconds: 0, cpuMs: 0, mainCpuMs: 0, errors: 0 });
  const without = side('aisbf: without observers');
  const withObservers = side(`aisbf: + ${names.join(', ')}`);
  const roundRatios: number[] = [];
  try {
    for (let pair = 0; pair < PAIRS; pair++) {
      const table = `aisbf_bench_usage_${process.pid}_${pair}`;
      tables.push(table);
      const plugins = names.map((n) => all(table)[n] ?? n);
      const servers = new Map<Side, Server>();
      try {
        servers.set(without, await gateway({ providers: up, models }));
        servers.set(withObservers, await gateway({ plugins, providers: up, models }));
        for (const server of servers.values()) await load(server.url, 50, 2); // warm-up
        for (let round = 0; round < ROUNDS; round++) {
          const rps = new Map<Side, number>();
          for (const s of round % 2 === 0 ? [without, withObservers] : [withObservers, without]) {
            const { url, pid } = servers.get(s)!;
            const cpu0 = cpuMs(pid);
            const main0 = cpuMs(pid, true);
            const r = await load(url, 50, SLICE_SECONDS);
            s.cpuMs += cpuMs(pid) - cpu0;
            s.mainCpuMs += cpuMs(pid, true) - main0;
            s.requests += r.requests.total;
            s.seconds += SLICE_SECONDS;
            s.errors += r.errors + r.non2xx;
            rps.set(s, r.requests.total / SLICE_SECONDS);
          }
          roundRatios.push(rps.get(withObservers)! / rps.get(without)!);
          console.error(`  observers pair ${pair + 1} round ${round + 1}: ${(roundRatios.at(-1)! * 100).toFixed(0)}%`);
        }
      } finally {
        for (const server of servers.values()) server.child.kill();
      }
    }
  } finally {
    const db = new pg.Pool({ connectionString: dbUrl, max: 1 });
    await Promise.all(tables.map((t) => db.query(`DROP TABLE IF EXISTS ${t}`))).finally(() => db.end());
  }
  const result = { without, withObservers, roundRatios };
  if (ONLY === 'observers') printObservers(result);
  return result;
}

function printObservers({ without, withObservers, roundRatios }: Comparison): void {
  const rps = (s: Side) => s.requests / s.seconds;
  const us = (ms: number, s: Side) => ((ms * 1000) / Math.max(1, s.requests)).toFixed(0);
  const sorted = [...roundRatios].sort((a, b) => a - b);
  console.log('| set-up | req/s c=50 | CPU µs/req (event-loop thread) | errors |');
  console.log('|---|---|---|---|');
  for (const s of [without, withObservers]) console.log(`| ${s.name} | ${rps(s).toFixed(0)} | ${us(s.cpuMs, s)} (${us(s.mainCpuMs, s)}) | ${s.errors} |`);
  console.log('');
  console.log(`observability plugins: throughput at c=50 ${((rps(withObservers) / rps(without)) * 100).toFixed(0)}% of the same gateway without them (${PAIRS} pairs of processes, ${roundRatios.length} rounds of ${SLICE_SECONDS} s each, taking turns; rounds ${(sorted[0] * 100).toFixed(0)}–${(sorted.at(-1)! * 100).toFixed(0)}%; target ≥ 90%)`);
  console.log(`  CPU per request without → with them: event-loop thread ${us(without.mainCpuMs, without)} → ${us(withObservers.mainCpuMs, withObservers)} µs, whole process ${us(without.cpuMs, without)} → ${us(withObservers.cpuMs, withObservers)} µs`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) if (c.exitCode === null) c.kill();
  });
