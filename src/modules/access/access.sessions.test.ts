import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeTestDb, databaseUrl, makeAccount, makeArea, signIn, testApp, testDb } from '../../../test/helpers.js';
import { addAccount, disableAccount, issueApiToken, listApiTokens, revokeApiTokens } from './index.js';
import { accessRepo } from './access.repo.js';

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

const me = (cookie: string) => app.inject({ url: '/api/v1/access/me', headers: { cookie } });
const meByToken = (token: string) => app.inject({ url: '/api/v1/access/me', headers: { authorization: `Bearer ${token}` } });
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const tokenOf = (cookie: string) => cookie.slice('bastion_session='.length);

describe('a session ends', () => {
  // each signed-in session has been used once first, so that this process holds it in its cache
  it('when the password is changed', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const cookie = await signIn(app, a.username, a.password);
    expect((await me(cookie)).statusCode).toBe(200);
    await addAccount(testDb().db, { username: a.username, password: 'a-new-password-2', role: 'lead', areaCode: area.villages[0] });
    expect((await me(cookie)).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: a.password } })).statusCode).toBe(401);
    expect((await me(await signIn(app, a.username, 'a-new-password-2'))).statusCode).toBe(200);
  });

  it('when the role or the area is changed', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const [first, second] = [await signIn(app, a.username, a.password), await signIn(app, a.username, a.password)];
    expect((await me(first)).json().role).toBe('lead');
    await addAccount(testDb().db, { username: a.username, password: a.password, role: 'cadre', areaCode: area.villages[0] });
    expect((await me(first)).statusCode).toBe(401);
    const again = await signIn(app, a.username, a.password);
    expect((await me(again)).json()).toMatchObject({ role: 'cadre', areaCode: area.villages[0] });
    await addAccount(testDb().db, { username: a.username, password: a.password, role: 'cadre', areaCode: area.villages[1] });
    expect((await me(again)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(401);
  });

  it('when the account is disabled, and its API tokens stop too', async () => {
    const a = await makeAccount('sampler', area.villages[0]);
    const cookie = await signIn(app, a.username, a.password);
    const token = await issueApiToken(testDb().db, a.id, 'station');
    expect((await me(cookie)).statusCode).toBe(200);
    expect((await meByToken(token)).statusCode).toBe(200);
    await disableAccount(testDb().db, a.username);
    expect((await me(cookie)).statusCode).toBe(401);
    expect((await meByToken(token)).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: a.password } })).statusCode).toBe(401);
    expect(Number((await testDb().pool.query('select count(*) as n from sessions where account_id = $1', [a.id])).rows[0].n)).toBe(0);
  });

  it('after BASTION_SESSION_IDLE_MINUTES (120) unused, and is marked used at most once a minute', async () => {
    const [a, b] = [await makeAccount('lead', area.villages[0]), await makeAccount('lead', area.villages[0])];
    const [idle, recent] = [await signIn(app, a.username, a.password), await signIn(app, b.username, b.password)];
    const { pool, db } = testDb();
    const lastSeen = async (cookie: string) => (await pool.query(`select extract(epoch from now() - last_seen_at)::float8 as ago from sessions where token_hash = $1`, [sha256(tokenOf(cookie))])).rows[0].ago as number;
    const setLastSeen = (cookie: string, secondsAgo: number) => pool.query(`update sessions set last_seen_at = now() - make_interval(secs => $2) where token_hash = $1`, [sha256(tokenOf(cookie)), secondsAgo]);
    await setLastSeen(idle, 121 * 60);
    await setLastSeen(recent, 119 * 60);
    expect((await me(idle)).statusCode).toBe(401);
    expect((await me(recent)).statusCode).toBe(200);
    expect(await lastSeen(recent)).toBeLessThan(10); // used now
    // not a write per use: within the minute the row is left alone, past it the use is written
    const hash = sha256(tokenOf(recent));
    await setLastSeen(recent, 50);
    expect(await accessRepo.actorBySession(db, hash, 120)).toMatchObject({ username: b.username });
    expect(await lastSeen(recent)).toBeGreaterThanOrEqual(50);
    await setLastSeen(recent, 70);
    await accessRepo.actorBySession(db, hash, 120);
    expect(await lastSeen(recent)).toBeLessThan(10);
    // the setting: 30 minutes idle is too long for an app told 20
    const strict = await testApp({ settings: { sessionIdleMinutes: 20 } });
    try {
      const c = await signIn(strict, b.username, b.password);
      await setLastSeen(c, 30 * 60);
      expect((await strict.inject({ url: '/api/v1/access/me', headers: { cookie: c } })).statusCode).toBe(401);
    } finally {
      await strict.close();
    }
  });
});

describe('API tokens', () => {
  it('a revoked token answers 401 at once; the others of the account keep working until revoked too', async () => {
    const a = await makeAccount('lab', area.district);
    const [t1, t2] = [await issueApiToken(testDb().db, a.id, 'analyser-1'), await issueApiToken(testDb().db, a.id, 'analyser-2')];
    expect((await meByToken(t1)).statusCode).toBe(200);
    expect((await meByToken(t2)).statusCode).toBe(200);
    expect(await revokeApiTokens(testDb().db, a.username, 'analyser-1')).toBe(1);
    expect((await meByToken(t1)).statusCode).toBe(401);
    expect((await meByToken(t2)).statusCode).toBe(200);
    const list = await listApiTokens(testDb().db, a.username);
    expect(list.map((t) => [t.label, t.revokedAt !== null, t.lastUsedAt !== null]).sort()).toEqual([['analyser-1', true, true], ['analyser-2', false, true]]);
    expect(JSON.stringify(list)).not.toContain(t1);
    expect(await revokeApiTokens(testDb().db, a.username, null)).toBe(1);
    expect((await meByToken(t2)).statusCode).toBe(401);
  });

  it('bastion token list / token revoke and user disable, from the command line', async () => {
    const a = await makeAccount('lab', area.district);
    const token = await issueApiToken(testDb().db, a.id, 'lab-upload');
    const cookie = await signIn(app, a.username, a.password);
    const bastion = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/bastion.js', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl(), LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000 });
    const list = bastion('token', 'list', '--username', a.username);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^lab-upload\tcreated \d{4}-\d\d-\d\d \d\d:\d\dZ\tlast used -$/m);
    expect(list.stdout).not.toContain(token);
    expect(bastion('token', 'revoke', '--username', a.username).status).toBe(2); // neither --label nor --all
    const revoke = bastion('token', 'revoke', '--username', a.username, '--label', 'lab-upload');
    expect([revoke.status, revoke.stdout.trim()]).toEqual([0, `revoked 1 token(s) of ${a.username}`]);
    expect(bastion('token', 'revoke', '--username', a.username, '--all').status).toBe(1); // none left
    expect((await meByToken(token)).statusCode).toBe(401);
    expect(bastion('user', 'disable', '--username', a.username).status).toBe(0);
    expect((await me(cookie)).statusCode).toBe(401);
  }, 180_000);
});

describe('the session cookie', () => {
  it('is Secure when BASTION_PUBLIC_URL is https, whatever X-Forwarded-Proto says', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const forged = await app.inject({ method: 'POST', url: '/api/v1/access/session', headers: { 'x-forwarded-proto': 'https' }, payload: { username: a.username, password: a.password } });
    expect(forged.statusCode).toBe(200);
    expect(String(forged.headers['set-cookie'])).not.toMatch(/Secure/i);
    const https = await testApp({ settings: { publicUrl: 'https://bastion.example.gov.cn' } });
    try {
      const res = await https.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: a.password } });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
      const out = await https.inject({ method: 'DELETE', url: '/api/v1/access/session', headers: { cookie: `bastion_session=${res.cookies[0].value}` } });
      expect(String(out.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });
});

describe('passwords', () => {
  it('are hashed with scrypt N=2^17, r=8, p=1, and a hash with older parameters is made again at sign-in', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const { pool } = testDb();
    const stored = async () => (await pool.query('select password_hash from accounts where id = $1', [a.id])).rows[0].password_hash as string;
    expect(await stored()).toMatch(/^scrypt\$131072\$8\$1\$/);
    // as Bastion stored it before: N=2^14
    const salt = crypto.randomBytes(16);
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64'), crypto.scryptSync(a.password, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')].join('$');
    await pool.query('update accounts set password_hash = $2 where id = $1', [a.id, old]);
    const cookie = await signIn(app, a.username, a.password);
    const now = await stored();
    expect(now).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(now.split('$')[4]).not.toBe(salt.toString('base64'));
    expect((await me(cookie)).statusCode).toBe(200); // not a password change: the session stays
    await signIn(app, a.username, a.password); // and the new hash verifies
    expect(await stored()).toBe(now);
  });
});
