import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addResidents, asRole, closeTestDb, makeArea, testApp, testDb } from '../../test/helpers.js';

/**
 * A masked ID number beside a birth date is the whole ID number (the date is its masked part),
 * so no answer carries a birth date, nor a full ID number, except the audited reveal of one
 * person. Every route declares the shape of its answer, and Fastify sends nothing else: the
 * shapes in the OpenAPI document are what every list, page and lookup can send.
 */
let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp({ everyModule: true });
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

const BIRTH_OR_ID = /^(birth_?date|birth_?day|date_?of_?birth|dob|birth_?year|age|id_?number|id_?card)$/i;
/** the one answer that may: the audited reveal */
const REVEAL = 'post /api/v1/registry/{kind}/{id}/pii';

type Schema = { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; $ref?: string };
function names(s: Schema | undefined, defs: Record<string, Schema>, seen = new Set<Schema>()): string[] {
  if (!s || seen.has(s)) return [];
  seen.add(s);
  if (s.$ref) return names(defs[s.$ref.split('/').pop()!], defs, seen);
  const own = Object.keys(s.properties ?? {});
  const nested = [...Object.values(s.properties ?? {}), s.items, ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].flatMap((x) => names(x, defs, seen));
  return [...own, ...nested];
}

describe('masks that mask', () => {
  it('no answer of any route has a birth date or an ID number in its shape, but the audited reveal', async () => {
    const doc = (await app.inject({ url: '/api/docs/json' })).json();
    const defs = doc.components?.schemas ?? {};
    const found: string[] = [];
    let answers = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema: Schema }> }> }>>))
      for (const [method, op] of Object.entries(ops)) {
        const ok = op.responses?.['200'] ?? op.responses?.['201'];
        for (const c of Object.values(ok?.content ?? {})) {
          answers++;
          for (const n of names(c.schema, defs)) if (BIRTH_OR_ID.test(n)) found.push(`${method} ${path}: ${n}`);
        }
      }
    expect(answers).toBeGreaterThan(50);
    expect(found.sort()).toEqual([`${REVEAL}: birthDate`, `${REVEAL}: idNumber`]);
    // and what a list does show of the birth
    const person = doc.paths['/api/v1/registry/{kind}/{id}'].get.responses['200'].content['application/json'].schema;
    expect(names(person, defs)).toContain('birthDecade');
  });

  it('the testing module’s lists answer without the birth date or the ID number of the residents they list', async () => {
    const area = await makeArea();
    await addResidents(area.grids[0], [{ name: '甲', initials: 'j', n: 1, phone: '13900001111' }, { name: '乙', initials: 'y', n: 2 }], area.district);
    const { rows } = await testDb().pool.query<{ id_number: string }>(`select id_number from residents where area_code = $1`, [area.grids[0]]);
    const commander = await asRole(app, 'commander', area.district);
    const created = await app.inject({
      method: 'POST', url: '/api/v1/testing/campaigns', headers: { cookie: commander },
      payload: { title: '全员核酸', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() },
    });
    expect(created.statusCode).toBe(201);
    const c = created.json().id;
    const lists = ['untested', 'untested?format=csv', 'recalls', 'home-visits', 'board'].map((l) => `/api/v1/testing/campaigns/${c}/${l}`);
    lists.push(`/api/v1/testing/codes?area=${area.villages[0]}`);
    for (const url of lists) {
      const res = await app.inject({ url, headers: { cookie: commander } });
      expect(res.statusCode, url).toBe(200);
      // addResidents registers them born 1980-01-01
      expect(res.body, url).not.toMatch(/1980-?01-?01/);
      for (const r of rows) expect(res.body, url).not.toContain(r.id_number);
    }
    const untested = (await app.inject({ url: lists[0], headers: { cookie: commander } })).json();
    expect(untested.residents.map((r: { name: string }) => r.name).sort()).toEqual(['乙', '甲']);
  });
});
