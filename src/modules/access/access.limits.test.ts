import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeTestDb, makeAccount, makeArea, testApp, testDb } from '../../../test/helpers.js';

/**
 * Sign-in limits, counted in PostgreSQL: 10 a minute per address and user name, 20 in 15 minutes
 * per user name from all addresses, 120 a minute in all. The client's address is the connection's
 * unless it comes from a trusted proxy (BASTION_TRUSTED_PROXIES). A refused try never reaches the
 * password check: it is refused with the right password too, and makes no session.
 */
let app: FastifyInstance;
let area: Awaited<ReturnType<typeof makeArea>>;
beforeAll(async () => {
  app = await testApp();
  area = await makeArea();
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

const signIn = (a: FastifyInstance, username: string, password: string, opts: { xff?: string; from?: string } = {}) =>
  a.inject({
    method: 'POST',
    url: '/api/v1/access/session',
    payload: { username, password },
    headers: opts.xff ? { 'x-forwarded-for': opts.xff } : {},
    ...(opts.from ? { remoteAddress: opts.from } : {}),
  });

/** A counter as if `hits` tries had been made in the window that is running (spares that many scrypts). */
async function preset(key: string, hits: number, windowMs: number) {
  await testDb().pool.query(
    `insert into rate_limits (key, hits, window_ends) values ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
     on conflict (key) do update set hits = excluded.hits, window_ends = excluded.window_ends`,
    [key, hits, windowMs],
  );
}

const sessionsOf = async (accountId: number) => Number((await testDb().pool.query('select count(*) as n from sessions where account_id = $1', [accountId])).rows[0].n);

function expectRefused(res: Awaited<ReturnType<typeof signIn>>, maxRetryAfterS: number) {
  expect(res.statusCode).toBe(429);
  expect(res.json().code).toBe('RATE_LIMITED');
  const retry = Number(res.headers['retry-after']);
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(maxRetryAfterS);
  return retry;
}

describe('the client address', () => {
  it('is the connection’s when no proxy is trusted: X-Forwarded-For does not change the key', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    for (let i = 1; i <= 10; i++) expect((await signIn(app, a.username, 'guess' + i, { xff: `198.51.100.${i}` })).statusCode).toBe(401);
    // the 11th, from an 11th forwarded address and with the right password: refused before the password is checked
    expectRefused(await signIn(app, a.username, a.password, { xff: '198.51.100.11' }), 60);
    expect(await sessionsOf(a.id)).toBe(0);
    // the refused try counted in no limit after the one that refused it
    const perName = await testDb().pool.query(`select hits from rate_limits where key = $1`, [`${app.settings.limitScope}signin-user:${a.username}`]);
    expect(perName.rows[0].hits).toBe(10);
  }, 180_000); // eleven sign-ins at scrypt's cost, on two shared cores

  it('is the forwarded one when the request comes from a trusted proxy, the nearest hop not trusted', async () => {
    const proxied = await testApp({ trustedProxies: ['127.0.0.1'] });
    try {
      const a = await makeAccount('lead', area.villages[0]);
      // 203.0.113.7 has made its 10 tries this minute (as the test above makes them)
      await preset(`${proxied.settings.limitScope}signin:203.0.113.7|${a.username}`, 10, 60_000);
      expectRefused(await signIn(proxied, a.username, a.password, { xff: '203.0.113.7' }), 60);
      // another client behind the proxy has a count of its own
      expect((await signIn(proxied, a.username, a.password, { xff: '203.0.113.8' })).statusCode).toBe(200);
      // a client that writes 203.0.113.7 in front of its own address is still its own address
      expect((await signIn(proxied, a.username, a.password, { xff: '203.0.113.7, 203.0.113.9' })).statusCode).toBe(200);
      // and the proxy is trusted only from its own address
      expectRefused(await signIn(proxied, a.username, a.password, { xff: '203.0.113.10', from: '203.0.113.7' }), 60);
    } finally {
      await proxied.close();
    }
  });
});

describe('sign-in limits', () => {
  it('allows 20 tries in 15 minutes per user name from all addresses together, and refuses the 21st', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    await preset(`${app.settings.limitScope}signin-user:${a.username}`, 18, 15 * 60_000);
    expect((await signIn(app, a.username, 'guess-19', { from: '10.61.0.19' })).statusCode).toBe(401);
    expect((await signIn(app, a.username, 'guess-20', { from: '10.61.0.20' })).statusCode).toBe(401);
    const retry = expectRefused(await signIn(app, a.username, a.password, { from: '10.61.0.21' }), 15 * 60);
    expect(retry).toBeGreaterThan(60); // the 15-minute window, not the address's minute
    expect(await sessionsOf(a.id)).toBe(0);
    // another user name is not held up
    const b = await makeAccount('lead', area.villages[0]);
    expect((await signIn(app, b.username, b.password, { from: '10.61.0.21' })).statusCode).toBe(200);
  });

  it('allows 120 tries a minute in all, and refuses the 121st whoever makes it', async () => {
    // an app whose counters are its own (testApp): other tests sign in on the same database meanwhile
    const own = await testApp();
    try {
      const [a, b] = [await makeAccount('lead', area.villages[0]), await makeAccount('lead', area.villages[1])];
      await preset(`${own.settings.limitScope}signin-all`, 119, 60_000);
      expect((await signIn(own, a.username, 'guess', { from: '10.62.0.1' })).statusCode).toBe(401);
      expectRefused(await signIn(own, b.username, b.password, { from: '10.62.0.2' }), 60);
      expect(await sessionsOf(b.id)).toBe(0);
    } finally {
      await own.close();
    }
  });
});
