import http from 'node:http';
import type { Database } from '../src/db/connection.js';
import { sharedSecret } from '../src/db/secrets.js';
import { addAccount } from '../src/modules/access/index.js';
import { signMemberToken, signVillageToken } from '../src/modules/mobilization/index.js';
import { SCALES, type Scale } from '../src/modules/registry/index.js';
import { driveApart, percentile, rawInsertRate as rawInsert, round, signIn, startServerProcess, stopServerProcess, timed, type Figure } from './lib.js';

/** Single-row INSERTs of a check-in-like row: the reference for check-ins. */
const rawInsertRate = (d: Database, n: number) =>
  rawInsert(d.pool, 'bench_insert', 'create table bench_insert (id bigserial primary key, callup_id bigint, staff_id bigint, method text, at timestamptz default now())',
    'insert into bench_insert (callup_id, staff_id, method) values ($1, $2, $3)', (k) => [1, k, 'qr'], n);

/** Opens the live board's event stream and resolves each arrival event as it comes. */
function listen(base: string, id: number, cookie: string) {
  const waiters: ((t: number) => void)[] = [];
  const req = http.get(`${base}/api/v1/mobilization/callups/${id}/events`, { headers: { cookie } });
  const ready = new Promise<void>((resolve) =>
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (c.includes(': connected')) resolve();
        if (c.includes('cadre_arrived')) waiters.shift()?.(performance.now());
      });
    }),
  );
  return { ready, next: () => new Promise<number>((r) => waiters.push(r)), close: () => req.destroy() };
}

export async function mobilizationBench(d: Database, scale: Scale, workDir: string, log: (m: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const root = SCALES[scale].root;
  // the registry scenario leaves 590,000 updated rows behind: let maintenance finish first, not during
  await d.pool.query('vacuum analyze');
  await d.pool.query('checkpoint');
  await addAccount(d.db, { username: 'bench-commander', password: 'bench-password', role: 'commander', areaCode: root });
  const { child, base } = await startServerProcess(d.url, workDir, { BASTION_SMS_RATE: '0' });
  try {
    const cookie = await signIn(base, 'bench-commander', 'bench-password');
    const post = async (path: string, body?: unknown) => {
      const res = await fetch(base + path, { method: 'POST', headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const callup = await post('/api/v1/mobilization/callups', {
      title: '集结号（基准测试）',
      template: '【鹿泉区疫情防控指挥部】{name}同志：请于{deadline}前到{area}报到，收到请点击 {link}',
      deadline: new Date(Date.now() + 5 * 3600e3).toISOString(),
      target: { area: root },
    });

    log('mobilization: sending the call-up…');
    const send = await timed(() => post(`/api/v1/mobilization/callups/${callup.id}/send`));
    const members = send.result.members as number;
    figures.push({ name: 'mobilization.callup_enqueue_s', value: round(send.ms / 1000, 2), unit: 's', goal: '< 2', pass: send.ms < 2000, note: `${members} cadres: members fixed and every SMS queued in one transaction` });

    const delivered = async () => Number((await d.pool.query(`select count(*) from notify_messages where topic = $1 and status = 'delivered'`, [`callup:${callup.id}`])).rows[0].count);
    const t0 = Date.now();
    while ((await delivered()) < members && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
    const span = (await d.pool.query(`select extract(epoch from max(sent_at) - min(sent_at)) * 1000 as ms, count(*)::int as n from notify_messages where topic = $1`, [`callup:${callup.id}`])).rows[0];
    const sendRate = Math.round((span.n / Math.max(1, Number(span.ms))) * 1000);
    figures.push({ name: 'mobilization.send_rate', value: sendRate, unit: 'messages/s', goal: '>= 5000', pass: sendRate >= 5000, note: `to the simulator, rate limit off; all ${span.n} delivered ${round((Date.now() - t0) / 1000, 1)} s after the send returned` });

    // personal links and the village codes, as the phones would hold them
    const secret = await sharedSecret(d.pool, 'links');
    const rows = (await d.pool.query(`select staff_id as "staffId", area_code as "areaCode" from callup_members where callup_id = $1 order by staff_id`, [callup.id])).rows;
    const expires = new Date(Date.now() + 24 * 3600e3);
    const checkins = rows.map((r) => ({
      method: 'POST',
      path: `/api/v1/mobilization/me/${signMemberToken(secret, callup.id, Number(r.staffId), expires)}/checkin`,
      body: JSON.stringify({ village: signVillageToken(secret, r.areaCode) }),
    }));

    log('mobilization: delay from a check-in to the board…');
    const board = listen(base, callup.id, cookie);
    await board.ready;
    const delays: number[] = [];
    for (const c of checkins.slice(0, 20)) {
      const arrived = board.next();
      const at = performance.now();
      await fetch(base + c.path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body });
      delays.push((await arrived) - at);
    }
    board.close();
    delays.sort((a, b) => a - b);
    const delay = percentile(delays, 50);
    figures.push({ name: 'mobilization.board_delay_ms', value: round(delay, 1), unit: 'ms', goal: '< 1000', pass: percentile(delays, 100) < 1000, note: `median of 20 check-ins, each until the live board's event arrived; the slowest ${round(delays[delays.length - 1], 1)} ms` });

    // Half the cadres as fast as 200 phones can go (the rate); the other half at a steady 2,000 a
    // second from 200 phones (the latency at the goal's rate, counted from when each was due).
    log('mobilization: check-ins from 200 phones at once…');
    const reference = await rawInsertRate(d, 20_000); // steadier than a burst of 5,000
    const rest = checkins.slice(20);
    const half = Math.floor(rest.length / 2);
    const run = await driveApart(base, rest.slice(0, half), half, 200);
    const warmup = Math.min(2000, Math.floor((rest.length - half) / 4)); // a first second not counted
    const steady = await driveApart(base, rest.slice(half), rest.length - half, 200, { rate: 2000, warmup });
    const p99 = steady.latency.p99;
    figures.push({
      name: 'mobilization.checkin_rate', value: Math.round(run.rate), unit: 'check-ins/s', reference, referenceName: 'raw single-row INSERT through pg, 8 clients', ratio: round(run.rate / reference, 2),
      goal: '>= 2000', pass: run.rate >= 2000,
      note: `${half} first check-ins by village code, 200 phones each sending as soon as answered (p50 ${round(run.latency.p50, 1)} ms, p99 ${round(run.latency.p99, 1)} ms); statuses ${JSON.stringify(run.statuses)}`,
    });
    figures.push({
      name: 'mobilization.checkin_p99_ms', value: round(p99, 1), unit: 'ms', goal: '< 100', pass: p99 < 100,
      note: `${rest.length - half} check-ins offered at 2,000/s from 200 phones, the first ${warmup.toLocaleString('en-US')} not counted; latency from when each was due: p50 ${round(steady.latency.p50, 1)} ms, achieved ${Math.round(steady.rate)}/s; statuses ${JSON.stringify(steady.statuses)}`,
    });
  } finally {
    await stopServerProcess(child);
  }
  return figures;
}
