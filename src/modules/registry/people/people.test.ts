import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addResidents, asRole, closeTestDb, makeArea, makeToken, testApp, testDb, type TestArea } from '../../../../test/helpers.js';

let app: FastifyInstance;
let area: TestArea;
let east: number[];
let west: number[];
let eastLead: string;
beforeAll(async () => {
  app = await testApp();
  area = await makeArea();
  east = await addResidents(area.grids[0], [
    { name: '张伟', initials: 'zw', n: 1, phone: '13811112222' },
    { name: '张文', initials: 'zw', n: 2, phone: '13833334444' },
    { name: '李娜', initials: 'ln', n: 3 },
  ]);
  west = await addResidents(area.grids[1], [{ name: '张薇', initials: 'zw', n: 4, phone: '13855556666' }]);
  eastLead = await asRole(app, 'lead', area.villages[0]);
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

const get = (url: string, cookie: string) => app.inject({ url, headers: { cookie } });

describe('scope: a lead sees only their own village', () => {
  it('gets 404 for a resident of another village, the same as for an id that does not exist, 200 for their own', async () => {
    const other = await get(`/api/v1/registry/residents/${west[0]}`, eastLead);
    const none = await get(`/api/v1/registry/residents/2000000000`, eastLead);
    expect([other.statusCode, other.json().code]).toEqual([404, 'NOT_FOUND']);
    expect([none.statusCode, none.json().code]).toEqual([404, 'NOT_FOUND']);
    expect(other.json().title).toBe(none.json().title);
    const own = await get(`/api/v1/registry/residents/${east[0]}`, eastLead);
    expect(own.statusCode).toBe(200);
    expect(own.json().name).toBe('张伟');
  });

  it('lists and searches only inside their village', async () => {
    const list = await get(`/api/v1/registry/residents`, eastLead);
    expect(list.json().items.map((p: { name: string }) => p.name).sort()).toEqual(['张伟', '张文', '李娜'].sort());
    // a larger area than their own is not theirs either: not found, never their own village instead
    const larger = await get(`/api/v1/registry/residents?area=${area.district}`, eastLead);
    expect([larger.statusCode, larger.json().code, larger.json().field]).toEqual([404, 'NOT_FOUND', 'area']);
    const search = await get(`/api/v1/registry/residents?q=zw`, eastLead);
    expect(search.json().items.map((p: { name: string }) => p.name)).toEqual(['张伟', '张文']);
    const otherVillage = await get(`/api/v1/registry/residents?area=${area.villages[1]}`, eastLead);
    expect(otherVillage.statusCode).toBe(404);
    expect((await get(`/api/v1/registry/areas/${area.villages[1]}/children`, eastLead)).statusCode).toBe(404);
  });

  it('lets the commander of the district see both villages', async () => {
    const commander = await asRole(app, 'commander', area.district);
    const search = await get(`/api/v1/registry/residents?q=zw&area=${area.district}`, commander);
    expect(search.json().items.map((p: { name: string }) => p.name).sort()).toEqual(['张伟', '张文', '张薇'].sort());
    const tree = await get(`/api/v1/registry/areas/${area.town}/children`, commander);
    expect(tree.json().children.map((c: { code: string; residents: number }) => [c.code, c.residents])).toEqual([
      [area.villages[0], 3],
      [area.villages[1], 1],
    ]);
  });
});

describe('search', () => {
  it('finds by name, pinyin initials, ID tail and phone tail', async () => {
    const { rows } = await testDb().pool.query('select id_number from residents where id = $1', [east[2]]);
    const tail = rows[0].id_number.slice(-6);
    const names = async (q: string) => (await get(`/api/v1/registry/residents?q=${encodeURIComponent(q)}`, eastLead)).json().items.map((p: { name: string }) => p.name);
    expect(await names('张')).toEqual(['张伟', '张文']);
    expect(await names('ZW')).toEqual(['张伟', '张文']);
    expect(await names(tail)).toEqual(['李娜']);
    expect(await names('4444')).toEqual(['张文']);
    expect(await names('13811112222')).toEqual(['张伟']);
  });
});

describe('personal data', () => {
  it('is masked in lists, and each full read is written to the audit log', async () => {
    const item = (await get(`/api/v1/registry/residents?q=13811112222`, eastLead)).json().items[0];
    expect(item.idMasked).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(item.phoneMasked).toBe('138****2222');
    expect(JSON.stringify(item)).not.toContain('13811112222');
    expect(item.actions).toContain('revealPii');

    const pii = await app.inject({ method: 'POST', url: `/api/v1/registry/residents/${east[0]}/pii`, headers: { cookie: eastLead } });
    expect(pii.json().phone).toBe('13811112222');
    const audit = await testDb().pool.query(`select action, account_id from audit_log where subject_type = 'residents' and subject_id = $1`, [String(east[0])]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].action).toBe('pii.read');

    const outOfScope = await app.inject({ method: 'POST', url: `/api/v1/registry/residents/${west[0]}/pii`, headers: { cookie: eastLead } });
    expect(outOfScope.statusCode).toBe(404);
  });

  it('is not for a cadre, and a lab token cannot read residents at all', async () => {
    const cadre = await asRole(app, 'cadre', area.villages[0]);
    const item = (await get(`/api/v1/registry/residents/${east[0]}`, cadre)).json();
    expect(item.actions).toEqual([]);
    expect((await app.inject({ method: 'POST', url: `/api/v1/registry/residents/${east[0]}/pii`, headers: { cookie: cadre } })).statusCode).toBe(403);
    const lab = await makeToken('lab', area.district);
    const res = await app.inject({ url: `/api/v1/registry/residents?area=${area.district}`, headers: { authorization: `Bearer ${lab}` } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('needs a session', async () => {
    const res = await app.inject({ url: '/api/v1/registry/residents' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });
});
