import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeTestDb, makeAccount, makeArea, makeToken, testApp } from '../../../test/helpers.js';

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

describe('signing in', () => {
  it('sets an HttpOnly SameSite session cookie and answers with the account', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const res = await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: a.password } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: a.username, role: 'lead', areaCode: area.villages[0], areaName: area.names[area.villages[0]] });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = `bastion_session=${res.cookies[0].value}`;
    expect((await app.inject({ url: '/api/v1/access/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/access/session', headers: { cookie } })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/access/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses a wrong password with a problem in the reader’s language', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const res = await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: 'wrong-password' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'BAD_CREDENTIALS', title: '用户名或密码错误', field: 'password' });
    const en = await app.inject({ method: 'POST', url: '/api/v1/access/session', headers: { 'accept-language': 'en-US,en' }, payload: { username: a.username, password: 'x' } });
    expect(en.json().title).toBe('Wrong user name or password');
  });

  it('limits sign-in attempts per user name', async () => {
    const a = await makeAccount('lead', area.villages[0]);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: 'guess' + i } });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    const last = await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: a.username, password: a.password } });
    expect(last.statusCode).toBe(429);
    expect(last.headers['retry-after']).toBeDefined();
    expect(last.json().code).toBe('RATE_LIMITED');
  });

  it('names the offending field of a malformed body', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
  });

  it('accepts a bearer API token for devices and labs', async () => {
    const token = await makeToken('lab', area.district);
    const res = await app.inject({ url: '/api/v1/access/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.json()).toMatchObject({ role: 'lab' });
    expect((await app.inject({ url: '/api/v1/access/me', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
  });
});
