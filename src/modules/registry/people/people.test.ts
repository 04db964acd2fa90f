import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { checkDigit } from '../../../lib/idcard.js';
import { addResidents, asRole, closeTestDb, makeAccount, makeArea, makeToken, signIn, testApp, testDb, type TestArea } from '../../../../test/helpers.js';
import { PII_SEARCH_LIMIT } from './people.service.js';

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
    const tail = rows[0].id_number.slice(-4);
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
    const audit = await testDb().pool.query(`select action, account_id from audit_log where subject_type = 'residents' and subject_id = $1 order by id`, [String(east[0])]);
    // the searches by the whole phone (one here, one in 'search') are reads too
    expect(audit.rows.map((r) => r.action)).toEqual(['pii.search', 'pii.search', 'pii.read']);

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

describe('masks that mask', () => {
  // born 1985-03-14: the eight digits the mask hides
  let born: { id: number; idNumber: string };
  beforeAll(async () => {
    const first17 = area.district + '19850314' + '123';
    const idNumber = first17 + checkDigit(first17);
    const res = await testDb().pool.query(
      `insert into residents (id_number, name, name_initials, sex, birth_date, phone, address, area_code, household_no)
       values ($1, '王芳', 'wf', 'M', '1985-03-14', '13877778888', '测试地址', $2, 'H1985') returning id`,
      [idNumber, area.grids[0]],
    );
    await testDb().pool.query(
      `insert into residents (id_number, name, name_initials, sex, birth_date, address, area_code, household_no) values ($1, '王小芳', 'wxf', 'F', '2010-07-01', '测试地址', $2, 'H1985')`,
      [area.district + '20100701' + '124' + checkDigit(area.district + '20100701124'), area.grids[0]],
    );
    born = { id: res.rows[0].id, idNumber };
  });
  const birthIn = (body: string) => /1985-?03-?14|2010-?07-?01/.test(body);

  it('shows the decade of birth, not the date, in lists, searches and person pages, to a cadre and a lead alike', async () => {
    const cadre = await asRole(app, 'cadre', area.villages[0]);
    for (const who of [cadre, eastLead]) {
      for (const url of [`/api/v1/registry/residents`, `/api/v1/registry/residents?q=wf`, `/api/v1/registry/residents?q=${born.idNumber.slice(-4)}`, `/api/v1/registry/residents/${born.id}`]) {
        const res = await get(url, who);
        expect(res.statusCode, url).toBe(200);
        expect(birthIn(res.body), url).toBe(false);
        expect(res.body).not.toContain(born.idNumber);
      }
      const page = (await get(`/api/v1/registry/residents/${born.id}`, who)).json();
      expect(page.idMasked).toBe(born.idNumber.slice(0, 6) + '********' + born.idNumber.slice(-4));
      expect(page.birthDecade).toBe(1980);
      expect(page.household.map((h: { name: string; birthDecade: number }) => [h.name, h.birthDecade])).toEqual([['王芳', 1980], ['王小芳', 2010]]);
    }
    // the date comes with the ID number it is part of: an audited read
    const pii = await app.inject({ method: 'POST', url: `/api/v1/registry/residents/${born.id}/pii`, headers: { cookie: eastLead } });
    expect(pii.json()).toEqual({ idNumber: born.idNumber, phone: '13877778888', birthDate: '1985-03-14' });
  });

  it('refuses a search by more of an ID number or phone than a list shows (5 to 10 digits), naming the field', async () => {
    for (const tail of ['78888', '778888', '7778888', '77778888', '877778888', '3877778888', born.idNumber.slice(-5), born.idNumber.slice(-10)]) {
      const res = await get(`/api/v1/registry/residents?q=${tail}`, eastLead);
      expect(res.statusCode, tail).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'q' });
      expect(res.json().detail).toContain('后4位');
    }
    // four is what a list shows, and is searched
    expect((await get(`/api/v1/registry/residents?q=8888`, eastLead)).json().items.map((p: { name: string }) => p.name)).toEqual(['王芳']);
  });

  it('refuses a search by a whole ID number or phone to a role that may not see them', async () => {
    const cadre = await asRole(app, 'cadre', area.villages[0]);
    for (const q of [born.idNumber, '13877778888']) {
      const res = await get(`/api/v1/registry/residents?q=${q}`, cadre);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN', field: 'q' });
    }
  });

  it('audits and limits searches by a whole ID number or phone: the limit-th allowed, the next refused', async () => {
    expect(PII_SEARCH_LIMIT).toEqual({ max: 20, windowMs: 60_000 });
    const lead = await makeAccount('lead', area.villages[0]);
    const cookie = await signIn(app, lead.username, lead.password);
    const audited = async () =>
      (await testDb().pool.query(`select subject_id, detail from audit_log where account_id = $1 and action = 'pii.search' order by id`, [lead.id])).rows;
    for (let i = 1; i <= PII_SEARCH_LIMIT.max; i++) {
      const res = await get(`/api/v1/registry/residents?q=${i % 2 ? born.idNumber : '13877778888'}`, cookie);
      expect(res.statusCode, `search ${i}`).toBe(200);
      expect(res.json().items.map((p: { id: number }) => p.id)).toEqual([born.id]);
    }
    const over = await get(`/api/v1/registry/residents?q=${born.idNumber}`, cookie);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'RATE_LIMITED', field: 'q' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const rows = await audited();
    expect(rows).toHaveLength(PII_SEARCH_LIMIT.max);
    expect(rows[0]).toEqual({ subject_id: String(born.id), detail: { by: 'idNumber', found: [born.id] } });
    expect(rows[1].detail.by).toBe('phone');
    // the audit names whom the search found, not the number searched
    expect(JSON.stringify(rows)).not.toContain(born.idNumber);
    // tails and names are not counted
    expect((await get(`/api/v1/registry/residents?q=8888`, cookie)).statusCode).toBe(200);
  });
});
