import crypto from 'node:crypto';
import http from 'node:http';
import type { Database } from '../src/db/connection.js';
import { sharedSecret } from '../src/db/secrets.js';
import { addAccount } from '../src/modules/access/index.js';
import { SCALES, type Scale } from '../src/modules/registry/index.js';
import { signPersonalCode } from '../src/modules/testing/index.js';
import { Connection, headerLines } from './http.js';
import { distribution, driveApart, round, signIn, startServerProcess, stopServerProcess, type Figure } from './lib.js';

/**
 * While `during` runs, fifty phones connect anew at once every half second (as after an SMS goes
 * out) and ask for health, which is never shed: how long a newcomer waits for its first answer,
 * its connection's accept included (Node 20 accepts one connection per turn of its event loop:
 * README, Scaling).
 */
async function newcomers(base: string, during: Promise<unknown>) {
  const url = new URL(base);
  const head = headerLines(url.host, {});
  const waits: number[] = [];
  let done = false;
  during.then(() => (done = true), () => (done = true));
  const phones: Promise<void>[] = [];
  while (!done) {
    for (let i = 0; i < 50; i++)
      phones.push((async () => {
        const c = new Connection(url.hostname, Number(url.port));
        const t0 = performance.now();
        if ((await c.request('GET', '/api/health', head)) === 200) waits.push(performance.now() - t0);
        c.close();
      })());
    await new Promise((r) => setTimeout(r, 500));
  }
  await Promise.all(phones);
  return distribution(waits);
}

/**
 * A surge ten times what the process can serve, and a kill -9 in the middle of
 * sampling: what is shed and how, what admitted requests wait, what is lost.
 */
export async function resilienceBench(d: Database, scale: Scale, workDir: string, log: (m: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const root = SCALES[scale].root;
  await addAccount(d.db, { username: 'bench-surge', password: 'bench-password', role: 'commander', areaCode: root });

  // --- the surge ---
  {
    const { child, base } = await startServerProcess(d.url, workDir);
    try {
      const cookie = await signIn(base, 'bench-surge', 'bench-password');
      const names = (await d.pool.query<{ q: string }>(`select name_initials as q from residents where area_code like $1 order by random() limit 200`, [root + '%'])).rows;
      const paths = names.map((n) => `/api/v1/registry/residents?q=${encodeURIComponent(n.q)}&limit=20`);
      log('surge: the capacity of one process (resident search)…');
      const capacity = await driveApart(base, paths, 4000, 64, { headers: { cookie } });
      const offered = Math.round(capacity.rate * 10);
      log(`surge: ${offered} requests a second offered for 5 s (10× its ${Math.round(capacity.rate)}/s) from 1,000 connections…`);
      const surgeRun = driveApart(base, paths, offered * 5, 1000, { headers: { cookie }, rate: offered });
      const fresh = await newcomers(base, surgeRun);
      const surge = await surgeRun;
      const statuses = surge.statuses as Record<string, number>;
      const other5xx = Object.entries(statuses).filter(([s]) => Number(s) >= 500 && s !== '503').reduce((n, [, c]) => n + c, 0);
      const admittedP99 = surge.admitted.p99;
      // and after it, by itself: every request served again
      const after = await driveApart(base, paths, 500, 16, { headers: { cookie } });
      figures.push({
        name: 'surge.admitted_p99_ms', value: round(admittedP99, 1), unit: 'ms', goal: '< 1000', pass: admittedP99 < 1000,
        note: `10× surge (${offered}/s offered from 1,000 connections for 5 s, ${Math.round(surge.rate)}/s served; the load generator shares the 2 cores): ${statuses['200'] ?? 0} served (p50 ${round(surge.admitted.p50, 1)} ms from sending), ${statuses['503'] ?? 0} shed at once with 503 + Retry-After, ${statuses['0'] ?? 0} connections refused; the load generator's own event loop lagged p99 ${surge.generatorLag.p99} ms, at most ${surge.generatorLag.max} ms; capacity before it ${Math.round(capacity.rate)}/s with p99 ${round(capacity.latency.p99, 1)} ms at 64 concurrent`,
      });
      figures.push({
        name: 'surge.new_connection_p99_ms', value: round(fresh.p99, 1), unit: 'ms',
        note: `${fresh.count} phones connecting anew during the surge, fifty at once every half second, each to its first answer (health, never shed): p50 ${round(fresh.p50, 1)} ms, at most ${round(fresh.max, 1)} ms. Node 20 accepts one connection per turn of its event loop, and a surge's turns are long: a reverse proxy keeping connections open to Bastion takes this wait away (README, Scaling)`,
      });
      figures.push({ name: 'surge.errors_5xx_other_than_503', value: other5xx, unit: 'responses', goal: '= 0', pass: other5xx === 0, note: `statuses ${JSON.stringify(statuses)}` });
      const recovered = (after.statuses as Record<string, number>)['200'] ?? 0;
      figures.push({ name: 'surge.recovered', value: recovered, unit: 'of 500 served', goal: '= 500', pass: recovered === 500, note: 'right after the surge, 16 at a time, with no restart' });
    } finally {
      await stopServerProcess(child);
    }
  }

  // --- kill -9 in the middle of sampling ---
  {
    log('crash: swabs stream in; the server is killed; it starts again…');
    await addAccount(d.db, { username: 'bench-crash-station', password: 'bench-password', role: 'sampler', areaCode: root });
    let { child, base } = await startServerProcess(d.url, workDir);
    const commander = await signIn(base, 'bench-surge', 'bench-password');
    const res = await fetch(base + '/api/v1/testing/campaigns', {
      method: 'POST', headers: { cookie: commander, 'content-type': 'application/json' },
      body: JSON.stringify({ title: '崩溃（基准测试）', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 3600e3).toISOString() }),
    });
    const campaign = await res.json();
    const stationCookie = await signIn(base, 'bench-crash-station', 'bench-password');
    const secret = await sharedSecret(d.pool, 'personal-codes');
    const ids = (await d.pool.query<{ id: string }>(`select id from residents where area_code like $1 order by id limit 20000`, [root + '%'])).rows.map((r) => Number(r.id));
    const scans = ids.map((id, i) => ({ id: crypto.randomUUID(), campaignId: campaign.id, tube: `CR${i % 64}-${Math.floor(i / 640)}`, person: signPersonalCode(secret, id) }));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const answered = new Set<string>();
    let next = 0;
    let dead = false;
    const post = (s: (typeof scans)[number]) =>
      new Promise<void>((resolve) => {
        const body = JSON.stringify({ scans: [s] });
        const req = http.request(base + '/api/v1/testing/scans', { method: 'POST', agent, headers: { cookie: stationCookie, 'content-type': 'application/json' } }, (r) => {
          let text = '';
          r.on('data', (c) => (text += c));
          r.on('end', () => {
            if (r.statusCode === 200 && JSON.parse(text).results[0].outcome === 'recorded') answered.add(s.id);
            resolve();
          });
        });
        req.on('error', () => resolve());
        req.end(body);
      });
    const stream = Promise.all(Array.from({ length: 64 }, async () => {
      while (!dead && next < scans.length) await post(scans[next++]);
    }));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    dead = true;
    await stream;
    agent.destroy();
    ({ child, base } = await startServerProcess(d.url, workDir));
    try {
      const recorded = new Set((await d.pool.query<{ scan_id: string }>(`select scan_id from samples where campaign_id = $1`, [campaign.id])).rows.map((r) => r.scan_id));
      const lost = [...answered].filter((id) => !recorded.has(id)).length;
      const twice = Number((await d.pool.query(`select count(*) - count(distinct scan_id) as n from samples where campaign_id = $1`, [campaign.id])).rows[0].n);
      figures.push({
        name: 'crash.acknowledged_lost', value: lost, unit: 'swabs', goal: '= 0', pass: lost === 0,
        note: `kill -9 after 1.5 s of 64 stations sampling: ${answered.size} swabs had been answered, ${recorded.size} are in the database, ${twice} twice; fsync and synchronous_commit on`,
      });
    } finally {
      await stopServerProcess(child);
    }
  }
  return figures;
}
