import type pg from 'pg';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/lib/ports.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Connection, headerLines } from './http.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: number;
  referenceName?: string;
  ratio?: number;
  goal?: string;
  pass?: boolean;
  note?: string;
}

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The percentiles of a set of latencies (ms) that a bench reports. */
export function distribution(xs: number[]) {
  xs.sort((a, b) => a - b);
  return { count: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), max: xs.length ? xs[xs.length - 1] : NaN };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result };
}

/** Samples this process's resident memory while `fn` runs; returns the peak in MiB. */
export async function peakRss<T>(fn: () => Promise<T>): Promise<{ peakMiB: number; result: T }> {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { peakMiB: peak / 2 ** 20, result };
  } finally {
    clearInterval(t);
  }
}

/** VmRSS and VmHWM (peak) of another process, in MiB. */
export function procMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(s.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

/**
 * Sends `total` GET requests, `concurrency` at a time over keep-alive
 * connections, and returns each latency in ms and the elapsed time.
 */
export type Req = string | { method: string; path: string; body?: string };

/**
 * Drives `total` requests over `concurrency` connections: from a list (round robin), or made by
 * request number. Closed loop by default (each connection sends again as soon as answered: the
 * most the server does). With `rate`, open loop: request i is due at i/rate seconds, and its
 * latency counts from when it was due, so a server that falls behind shows it (no coordinated
 * omission).
 */
export interface DriveOptions {
  headers?: Record<string, string>;
  /** open loop at this many requests a second */
  rate?: number;
  /** the first requests, sent the same way, are not counted: the load generator's and its connections' start is not the server's latency */
  warmup?: number;
}

export async function drive(base: string, paths: Req[] | ((i: number) => Req), total: number, concurrency: number, { headers = {}, rate, warmup = 0 }: DriveOptions = {}) {
  const nth = typeof paths === 'function' ? paths : (i: number) => paths[i % paths.length];
  // one connection per station or phone, kept while it waits for its next request, as a device keeps its own
  const url = new URL(base);
  const connections = Array.from({ length: concurrency }, () => new Connection(url.hostname, Number(url.port)));
  const lines = { plain: headerLines(url.host, headers), json: headerLines(url.host, { ...headers, 'content-type': 'application/json' }) };
  const latencies: number[] = [];
  /** of the requests answered below 400 only, from when each was sent: what the server made an admitted request wait */
  const admitted: number[] = [];
  const statuses = new Map<number, number>();
  /** the slowest answer among the requests sent in each 100 ms: shows whether the slow ones come together (a stall) */
  const worst: number[] = [];
  // every connection is opened before the clock starts: the stations are online already, and a
  // burst of 200 connections at once is not the steady load being measured. Opened means taken
  // by the server, not only by its kernel: Node 20 (libuv 1.46) accepts one connection per turn
  // of its event loop, so of 1,000 opened at once some were still waiting to be accepted seconds
  // into a surge (each turn then serves hundreds of requests), and their first request's wait
  // was counted as an admitted request's. One answer from the health route on each shows it.
  await Promise.all(connections.map((c) => c.open()));
  await Promise.all(connections.map((c) => c.request('GET', '/api/health', lines.plain)));
  let next = 0;
  const start = process.hrtime.bigint();
  const due = (i: number) => start + BigInt(Math.round((i * 1e9) / rate!));
  const one = async (c: Connection, r: Req, i: number) => {
    const q = typeof r === 'string' ? { method: 'GET', path: r } : r;
    const sent = process.hrtime.bigint();
    const t0 = rate ? due(i) : sent;
    // a connection refused or reset counts as status 0 (a surge, a crash), not as the end of the run
    const status = await c.request(q.method, q.path, q.body ? lines.json : lines.plain, q.body);
    if (i < warmup) return;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (status) {
      latencies.push(ms);
      const slot = Math.floor(Number(t0 - measuredFrom) / 1e8);
      worst[slot] = Math.max(worst[slot] ?? 0, ms);
    }
    if (status && status < 400) admitted.push(Number(process.hrtime.bigint() - sent) / 1e6);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };
  let measuredFrom = warmup ? 0n : start;
  const cpu0 = process.cpuUsage();
  // the generator's own lag: on these 2 shared cores it can stand in the latencies it measures
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  await Promise.all(
    connections.map(async (c) => {
      while (next < total) {
        const i = next++;
        if (rate) {
          const wait = Number(due(i) - process.hrtime.bigint()) / 1e6;
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        }
        if (i === warmup && warmup) measuredFrom = rate ? due(i) : process.hrtime.bigint();
        await one(c, nth(i), i);
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - measuredFrom) / 1e6;
  lag.disable();
  const generatorLag = { p99: round(lag.percentile(99) / 1e6, 1), max: round(lag.max / 1e6, 1) };
  const cpu = process.cpuUsage(cpu0);
  /** the load generator's own CPU time, in ms: on 2 shared cores it is taken from the server */
  const generatorCpuMs = round((cpu.user + cpu.system) / 1000, 0);
  for (const c of connections) c.close();
  // the rate counts answers below 400 only: a shed or refused request is not a request served
  // percentiles here, not hundreds of thousands of latencies sent back: the bench's process would
  // parse them, and collect them later, on the cores of the phase it measures next
  return { latency: distribution(latencies), admitted: distribution(admitted), worst: Array.from(worst, (w) => Math.round(w ?? 0)), generatorLag, generatorCpuMs, elapsedMs: elapsed, rate: (admitted.length / elapsed) * 1000, statuses: Object.fromEntries(statuses) };
}

export function machine() {
  return { cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30, 1), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version };
}

export function writeResults(dir: string, meta: Record<string, unknown>, figures: Figure[]) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ ...meta, figures }, null, 2) + '\n');
  const fmt = (n: number | undefined) => (n === undefined ? '' : Number.isInteger(n) ? n.toLocaleString('en-US') : String(round(n, 2)));
  const lines = [
    `# Bastion benchmark — ${meta.date}`,
    '',
    `Command: \`${meta.command}\` · scale: ${meta.scale} · database: ${meta.database}`,
    `Machine: ${(meta.machine as { cores: number }).cores} cores, ${(meta.machine as { memoryGiB: number }).memoryGiB} GiB, ${(meta.machine as { cpu: string }).cpu}, Node ${(meta.machine as { node: string }).node}`,
    '',
    '| figure | value | unit | reference (same run) | ratio | goal | pass |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.name} | ${fmt(f.value)} | ${f.unit} | ${f.reference === undefined ? '' : `${fmt(f.reference)} (${f.referenceName})`} | ${fmt(f.ratio)} | ${f.goal ?? ''} | ${f.pass === undefined ? '' : f.pass ? 'yes' : 'NO'} |`,
    ),
    '',
    ...figures.filter((f) => f.note).map((f) => `- ${f.name}: ${f.note}`),
    '',
  ];
  fs.writeFileSync(path.join(dir, 'latest.md'), lines.join('\n'));
  return lines.join('\n');
}

/** Starts `bastion serve` as its own process, so its memory is its own. */
export async function startServerProcess(databaseUrl: string, dataDir: string, env: Record<string, string> = {}, args: string[] = []) {
  const port = await freePort();
  const child = spawn('./bin/bastion.js', ['serve', ...args], { // as `npm run serve`: its first line sets Node's flags
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BASTION_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('running at') && resolve());
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

/**
 * Stops a server of startServerProcess and waits for it to be gone: the bench may stop the
 * database next (a server still running then logs its connections' ends), or start the next
 * phase's server on the same two cores.
 */
export async function stopServerProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}

export async function signIn(base: string, username: string, password: string) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${base}/api/v1/access/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (res.ok) return res.headers.get('set-cookie')!.split(';')[0];
    // a server just started may shed its first requests (its event loop was busy loading): come back as told
    if (res.status !== 503 || attempt === 5) throw new Error(`sign-in ${res.status}`);
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

export type Drive = Awaited<ReturnType<typeof drive>>;

/** The rate of several drives taken together: what they served over the time they took. */
export const overallRate = (drives: Drive[]) =>
  (drives.reduce((n, d) => n + (d.rate * d.elapsedMs) / 1000, 0) / drives.reduce((ms, d) => ms + d.elapsedMs, 0)) * 1000;

/** The answers of several drives, counted by status together. */
export const sumStatuses = (drives: Drive[]) => {
  const sum: Record<string, number> = {};
  for (const d of drives) for (const [status, n] of Object.entries(d.statuses)) sum[status] = (sum[status] ?? 0) + n;
  return sum;
};

/** `drive`, run in a separate process (see drive-cli.ts). */
export async function driveApart(base: string, requests: Req[] | { stations: Record<string, unknown> }, total: number, concurrency: number, options: DriveOptions = {}) {
  // the bench's own garbage collected now rather than in the middle of the phase (npm run bench
  // gives node --expose-gc): a full collection of its heap once took a core for a second
  (globalThis as { gc?: () => void }).gc?.();
  const file = path.join(os.tmpdir(), `bastion-drive-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify({ base, ...(Array.isArray(requests) ? { requests } : requests), total, concurrency, options }));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'drive-cli.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let buf = '';
      c.stdout!.on('data', (d) => (buf += d));
      c.on('exit', (code) => (code === 0 ? resolve(buf) : reject(new Error(`load generator exited ${code}`))));
    });
    return JSON.parse(out) as Drive;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Sends `n` single-row INSERTs through pg, 8 clients at a time, each its own transaction: the
 * reference a batched hot path is measured beside. `create` makes the table, `row(k)` the values.
 */
export async function rawInsertRate(pool: pg.Pool, table: string, create: string, insert: string, row: (k: number) => unknown[], n: number) {
  await pool.query(`drop table if exists ${table}`);
  await pool.query(create);
  let i = 0;
  const t = await timed(() =>
    Promise.all(Array.from({ length: 8 }, async () => {
      while (i < n) await pool.query(insert, row(i++));
    })),
  );
  await pool.query(`drop table ${table}`);
  return Math.round((n / t.ms) * 1000);
}
