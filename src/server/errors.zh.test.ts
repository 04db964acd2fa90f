import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asRole, closeTestDb, makeArea, testApp } from '../../test/helpers.js';

/**
 * A Chinese reader's problem is Chinese: its title, detail and each error's message carry no ASCII
 * letter once the field names (the problem's `field` and each error's, which are the request's own
 * names), `{placeholders}` the user types into a template and acronyms in capitals (CSV, XLSX) are
 * taken out. Codes are in `code`, outside the words.
 */
function english(problem: { title: string; detail?: string; field?: string; errors?: { field: string; message: string }[] }): string[] {
  const names = [problem.field, ...(problem.errors ?? []).map((e) => e.field)].filter((n): n is string => Boolean(n)).sort((a, b) => b.length - a.length);
  const strip = (text: string) => names.reduce((t, n) => t.split(n).join(''), text.replace(/\{\w+\}|\b[A-Z]{2,5}\b/g, ''));
  return [problem.title, problem.detail ?? '', ...(problem.errors ?? []).map((e) => e.message)].map(strip).filter((t) => /[A-Za-z]/.test(t));
}

let app: FastifyInstance;
let commander: string;
let lead: string;
let area: Awaited<ReturnType<typeof makeArea>>;
beforeAll(async () => {
  app = await testApp({ everyModule: true });
  area = await makeArea();
  commander = await asRole(app, 'commander', area.district);
  lead = await asRole(app, 'lead', area.villages[0]);
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

const soon = () => new Date(Date.now() + 3600e3).toISOString();
const callup = { title: '集结', template: '{name}请到{area}报到 {link}', deadline: soon(), target: {} as Record<string, string> };

describe('problems in Chinese', () => {
  const cases: { what: string; send: () => { method: 'GET' | 'POST'; url: string; cookie: string; payload?: unknown; headers?: Record<string, string> }; code: string; field: string; detail?: string }[] = [
    { what: 'a template without {link}', send: () => ({ method: 'POST', url: '/api/v1/mobilization/callups', cookie: commander, payload: { ...callup, template: '请报到', target: { area: area.district } } }), code: 'VALIDATION_FAILED', field: 'template', detail: '短信内容须包含 {link}，干部通过它确认收到' },
    { what: 'a deadline passed', send: () => ({ method: 'POST', url: '/api/v1/mobilization/callups', cookie: commander, payload: { ...callup, deadline: new Date(Date.now() - 3600e3).toISOString(), target: { area: area.district } } }), code: 'VALIDATION_FAILED', field: 'deadline', detail: '到岗时限已过' },
    { what: 'a missing property (schema)', send: () => ({ method: 'POST', url: '/api/v1/mobilization/callups', cookie: commander, payload: { template: '{link}', deadline: soon(), target: { area: area.district } } }), code: 'VALIDATION_FAILED', field: 'title', detail: '缺少必填项 title' },
    { what: 'an empty string (schema)', send: () => ({ method: 'POST', url: '/api/v1/mobilization/callups', cookie: commander, payload: { ...callup, title: '', target: { area: area.district } } }), code: 'VALIDATION_FAILED', field: 'title', detail: 'title 至少1个字符' },
    { what: 'a date that is not one (schema)', send: () => ({ method: 'POST', url: '/api/v1/testing/campaigns', cookie: commander, payload: { title: '检测', poolSize: 10, startsAt: '明天', targetEnd: soon() } }), code: 'VALIDATION_FAILED', field: 'startsAt', detail: 'startsAt 格式不正确' },
    { what: 'a wrong type (schema)', send: () => ({ method: 'POST', url: '/api/v1/testing/campaigns', cookie: commander, payload: { title: '检测', poolSize: '十', startsAt: soon(), targetEnd: soon() } }), code: 'VALIDATION_FAILED', field: 'poolSize', detail: 'poolSize 的类型不对' },
    { what: 'a number too small (schema)', send: () => ({ method: 'POST', url: '/api/v1/testing/labs', cookie: commander, payload: { name: '实验室', username: 'lab-zh', password: 'long-enough-1', capacityPerDay: 0 } }), code: 'VALIDATION_FAILED', field: 'capacityPerDay', detail: 'capacityPerDay 不能小于1' },
    { what: 'a pool size not offered', send: () => ({ method: 'POST', url: '/api/v1/testing/campaigns', cookie: commander, payload: { title: '检测', poolSize: 7, startsAt: soon(), targetEnd: soon() } }), code: 'VALIDATION_FAILED', field: 'poolSize', detail: '混采每管人数须为1、5、10、20之一' },
    { what: 'an end before the start', send: () => ({ method: 'POST', url: '/api/v1/testing/campaigns', cookie: commander, payload: { title: '检测', poolSize: 10, startsAt: soon(), targetEnd: new Date(Date.now() + 60e3).toISOString() } }), code: 'VALIDATION_FAILED', field: 'targetEnd', detail: '结束时间须晚于开始时间' },
    { what: 'a body that is not JSON', send: () => ({ method: 'POST', url: '/api/v1/mobilization/callups', cookie: commander, payload: '{"title":', headers: { 'content-type': 'application/json' } }), code: 'VALIDATION_FAILED', field: 'body', detail: '请求内容无法解析' },
    { what: 'a search by a long tail', send: () => ({ method: 'GET', url: '/api/v1/registry/residents?q=12345', cookie: lead }), code: 'VALIDATION_FAILED', field: 'q' },
    { what: 'a record that is not there', send: () => ({ method: 'GET', url: '/api/v1/mobilization/callups/2000000000', cookie: commander }), code: 'NOT_FOUND', field: '' },
    { what: 'a role that may not', send: () => ({ method: 'POST', url: '/api/v1/testing/campaigns', cookie: lead, payload: { title: '检测', poolSize: 10, startsAt: soon(), targetEnd: soon() } }), code: 'FORBIDDEN', field: '' },
    { what: 'no session', send: () => ({ method: 'GET', url: '/api/v1/mobilization/callups', cookie: '' }), code: 'UNAUTHENTICATED', field: '' },
  ];
  it.each(cases)('$what: its answer in zh-CN carries no English words', async ({ send, code, field, detail }) => {
    const r = send();
    const res = await app.inject({ method: r.method, url: r.url, payload: r.payload as string, headers: { cookie: r.cookie, 'accept-language': 'zh-CN,zh;q=0.9', ...r.headers } });
    const problem = res.json();
    expect(problem.code).toBe(code);
    if (field) expect(problem.field).toBe(field);
    if (detail) expect(problem.detail).toBe(detail);
    expect(english(problem)).toEqual([]);
    // the same in English says it in English
    const en = (await app.inject({ method: r.method, url: r.url, payload: r.payload as string, headers: { cookie: r.cookie, 'accept-language': 'en', ...r.headers } })).json();
    expect(en.code).toBe(code);
    expect(`${en.title} ${en.detail ?? ''}`).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
