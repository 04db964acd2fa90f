import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';

import { freePort } from '../src/lib/ports.js';

export { freePort };
const execFileAsync = promisify(execFile);

/**
 * As a station or a phone does: a 503 is tried again after its Retry-After (a process just
 * started, on a machine loaded by the rest of the test run, has shed its first requests).
 */
export async function admitted<T extends { status: number; retryAfter: number }>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (res.status !== 503 || attempt === 10) return res;
    await new Promise((r) => setTimeout(r, 1000 * res.retryAfter));
  }
}

/** Signs in over a connection of its own at `base`; the session cookie to send. */
export async function sessionAt(base: string, a: { username: string; password: string }) {
  const res = await admitted(
    () =>
      new Promise<{ status: number; retryAfter: number; cookie: string }>((resolve, reject) => {
        const req = http.request(base + '/api/v1/access/session', { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, retryAfter: Number(res.headers['retry-after'] ?? 1), cookie: String(res.headers['set-cookie']?.[0] ?? '').split(';')[0] });
        });
        req.on('error', reject);
        req.end(JSON.stringify({ username: a.username, password: a.password }));
      }),
  );
  if (res.status !== 200) throw new Error(`sign-in ${res.status}`);
  return res.cookie;
}

/**
 * `bastion serve` as a process of its own on 127.0.0.1:`port`, with `env` over the test's
 * environment; resolves once it listens. What it writes to stderr is kept (`stderr()`).
 */
export async function serveProcess(port: number, env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/bastion.js', 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'fatal', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const t0 = Date.now();
  child.stderr!.on('data', (d) => (stderr += String(d).replace(/^(?=.)/gm, () => `+${((Date.now() - t0) / 1000).toFixed(1)}s `)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('running at') && resolve());
    child.on('exit', (c) => reject(new Error(`server exited ${c}: ${stderr}`)));
  });
  return { child, stderr: () => stderr };
}

/** SIGTERM, and the exit code once it has exited (null: it was not running). */
export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return null;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

export interface Answer {
  status: number;
  json: any;
  retryAfter: number;
}

/** JSON over keep-alive connections to `base`, as a station's or a phone's browser sends it. */
export function jsonClient(base: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const send = (method: string, p: string, body?: unknown, cookie?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(base + p, { method, agent, headers: { ...(text ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) } }, (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (out += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: out ? JSON.parse(out) : null, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
      });
      req.on('error', reject);
      req.end(text);
    });
  return {
    post: (p: string, body: unknown, cookie?: string) => send('POST', p, body, cookie),
    get: (p: string, cookie?: string) => send('GET', p, undefined, cookie),
    close: () => agent.destroy(),
  };
}

/** The postmaster's pid and port, as its data directory's postmaster.pid says (null: none there). */
export function postmasterOf(pgData: string): { pid: number; port: number } | null {
  try {
    const lines = fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return null;
  }
}

/** A process of this pid exists (PostgreSQL's own test of a postmaster.pid: an unreaped zombie counts). */
export function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // there, another user's
  }
}

export const PG15_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the test's own, from the machine's binaries: initdb in a temp dir,
 * started by pg_ctl on a free port of 127.0.0.1 (its socket in that dir too), never the shared
 * server. As root, its programs run as the postgres user, who owns the temp dir.
 */
export async function privateCluster(bin = PG15_BIN) {
  const root = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-pg15-'));
  if (root) {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' }).trim()));
    fs.chownSync(dir, uid, gid);
  }
  const run = (prog: string, args: string[]) =>
    execFileAsync(root ? 'runuser' : path.join(bin, prog), root ? ['-u', 'postgres', '--', path.join(bin, prog), ...args] : args, { encoding: 'utf8' });
  const pgData = path.join(dir, 'data');
  const port = await freePort();
  await run('initdb', ['-D', pgData, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`;
  return {
    pgData,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** Starts the server on the same data dir and port, waiting until it accepts connections. */
    start: () =>
      run('pg_ctl', ['start', '-w', '-t', '30', '-D', pgData, '-l', path.join(dir, 'log'), '-o', options]).catch((e) => {
        throw new Error(`${(e as Error).message}\n${fs.readFileSync(path.join(dir, 'log'), 'utf8').split('\n').slice(-8).join('\n')}`);
      }),
    log: () => fs.readFileSync(path.join(dir, 'log'), 'utf8'),
    async remove() {
      await run('pg_ctl', ['stop', '-m', 'immediate', '-D', pgData]).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The processes whose parent is `pid` now (Linux: /proc), e.g. a postmaster's backends. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      /* it ended meanwhile */
    }
  }
  return out;
}
