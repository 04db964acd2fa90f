import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addResidents, asRole, closeTestDb, idFor, makeAccount, makeArea, testApp, testDb, type TestArea } from '../../../../test/helpers.js';
import { CsvReader } from '../../../lib/csv.js';
import { runImport } from '../import/import.service.js';

let app: FastifyInstance;
let area: TestArea;
let commander: string;
beforeAll(async () => {
  app = await testApp();
  area = await makeArea();
  await addResidents(area.grids[0], [{ name: '东一', initials: 'dy', n: 1, phone: '13900000001' }, { name: '东二', initials: 'de', n: 2 }]);
  await addResidents(area.grids[1], [{ name: '西一', initials: 'xy', n: 3, phone: '13900000003' }]);
  commander = await asRole(app, 'commander', area.district);
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

const csvRows = (body: string) => body.replace(/^\ufeff/, '').trim().split('\r\n').map((l) => l.split(','));

describe('export', () => {
  it('streams the residents of one village as CSV, masked unless asked', async () => {
    const res = await app.inject({ url: `/api/v1/registry/export/residents?format=csv&area=${area.villages[0]}`, headers: { cookie: commander } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = csvRows(res.body);
    expect(rows[0].slice(0, 5)).toEqual(['姓名', '身份证号', '性别', '出生年代', '手机号']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['东一', '东二']);
    expect(rows[1][1]).toMatch(/\*{8}/);
    expect(rows[1][4]).toBe('139****0001');
  });

  it('writes no birth date beside a masked ID number (the date is its masked part), as CSV and XLSX', async () => {
    // the residents were born 1980-01-01
    const csv = await app.inject({ url: `/api/v1/registry/export/residents?format=csv&area=${area.villages[0]}`, headers: { cookie: commander } });
    expect(csv.body).not.toMatch(/1980-?01-?01/);
    expect(csvRows(csv.body)[1][3]).toBe('1980年代');
    const en = await app.inject({ url: `/api/v1/registry/export/residents?format=csv&area=${area.villages[0]}`, headers: { cookie: commander, 'accept-language': 'en' } });
    expect(csvRows(en.body).map((r) => r[3]).slice(0, 2)).toEqual(['birth_decade', '1980s']);
    const xlsx = await app.inject({ url: `/api/v1/registry/export/residents?format=xlsx&area=${area.villages[0]}`, headers: { cookie: commander } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells = JSON.stringify(wb.worksheets[0].getSheetValues());
    expect(cells).toContain('1980年代');
    expect(cells).not.toMatch(/1980-?01-?01/);
    // the full export (audited) has the date, with the full ID number
    const full = await app.inject({ url: `/api/v1/registry/export/residents?format=csv&full=true&area=${area.villages[0]}`, headers: { cookie: commander } });
    expect(csvRows(full.body)[0][3]).toBe('出生日期');
    expect(csvRows(full.body)[1][3]).toBe('1980-01-01');
  });

  it('exports full ID numbers only on request, and audits that', async () => {
    const res = await app.inject({ url: `/api/v1/registry/export/residents?format=csv&full=true&area=${area.villages[1]}`, headers: { cookie: commander } });
    const rows = csvRows(res.body);
    expect(rows[1][1].trim()).toMatch(/^\d{17}[\dX]$/);
    expect(rows[1][4]).toBe('13900000003');
    const audit = await testDb().pool.query(`select 1 from audit_log where action = 'pii.export' and subject_id = $1`, [area.villages[1]]);
    expect(audit.rowCount).toBe(1);
  });

  it('writes GBK for older office software', async () => {
    const res = await app.inject({ url: `/api/v1/registry/export/residents?format=csv-gbk&area=${area.villages[1]}`, headers: { cookie: commander } });
    expect(iconv.decode(res.rawPayload, 'gbk')).toContain('西一');
  });

  it('streams XLSX, and areas with their subtree counts', async () => {
    const res = await app.inject({ url: `/api/v1/registry/export/areas?format=xlsx&area=${area.district}`, headers: { cookie: commander } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = wb.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    const byCode = Object.fromEntries(rows.slice(1).map((r) => [r[0], r[4]]));
    expect(byCode).toMatchObject({ [area.district]: 3, [area.town]: 3, [area.villages[0]]: 2, [area.villages[1]]: 1 });
  });

  it('refuses an area outside the scope, and full IDs to a cadre', async () => {
    const lead = await asRole(app, 'lead', area.villages[0]);
    const res = await app.inject({ url: `/api/v1/registry/export/residents?area=${area.villages[1]}`, headers: { cookie: lead } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('problem+json');
    const cadre = await asRole(app, 'cadre', area.villages[0]);
    expect((await app.inject({ url: `/api/v1/registry/export/residents?full=true`, headers: { cookie: cadre } })).statusCode).toBe(403);
  });
});

describe('formula injection', () => {
  // what a spreadsheet would run: written after an apostrophe, read back without it
  const FORMULAS = ['=HYPERLINK("http://evil.example","点我")', '@SUM(1)', '+1', '-2+3', "'=1+2"];
  // households as an import cleans them (upper case, no dashes): read back to the same. A household
  // number is one across the district, so each run's carry its own area's code (a kept database
  // holds the last run's, in another area, which an import in this area may not change)
  let HOUSEHOLDS: string[];
  let formulas: TestArea;
  beforeAll(async () => {
    formulas = await makeArea();
    HOUSEHOLDS = ['=1', '@SUM(1)', '+1', '+2+3', "'=1+2"].map((h) => h + formulas.district);
    const { pool } = testDb();
    for (const [i, f] of FORMULAS.entries())
      await pool.query(
        `insert into residents (id_number, name, name_initials, sex, birth_date, phone, address, area_code, household_no)
         values ($1, $2, 'x', 'M', '1980-01-01', $3, $4, $5, $6)`,
        // a name such as =HYPERLINK(…) is refused by an import and a walk-in, but not every row came in that way
        [idFor(formulas.district, i + 1), i === 0 ? f : `居民${'一二三四五'[i]}`, `1390000000${i}`, f, formulas.grids[0], HOUSEHOLDS[i]],
      );
  });
  const exported = async (format: 'csv' | 'xlsx', full = false) => {
    const boss = await asRole(app, 'commander', formulas.district);
    const res = await app.inject({ url: `/api/v1/registry/export/residents?format=${format}&full=${full}&area=${formulas.district}`, headers: { cookie: boss } });
    expect(res.statusCode).toBe(200);
    return res;
  };

  it('writes a resident named =HYPERLINK(…), and addresses and households such as @SUM(1), neutralised, in CSV and XLSX', async () => {
    const csv = (await exported('csv')).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    const lines = new CsvReader().push(csv.replace(/^\ufeff/, '')).slice(1);
    // no cell of the file starts with what a spreadsheet would evaluate (a tab before a long number is the writer's, to keep it text)
    for (const line of lines) for (const cell of line) expect(cell).not.toMatch(/^([=+\-@\r]|\t(?!\d{15,}X?$))/);
    expect(lines.map((l) => l[0])[0]).toBe(`'${FORMULAS[0]}`);
    expect(lines.map((l) => l[5])).toEqual(FORMULAS.map((f) => `'${f}`)); // 住址
    expect(lines.map((l) => l[6])).toEqual(HOUSEHOLDS.map((f) => `'${f}`)); // 户号
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported('xlsx')).rawPayload as unknown as ArrayBuffer);
    const rows = (wb.worksheets[0].getSheetValues().filter(Boolean) as unknown[][]).slice(1).map((r) => r.slice(1));
    expect(rows[0][0]).toBe(`'${FORMULAS[0]}`);
    expect(rows.map((r) => r[5])).toEqual(FORMULAS.map((f) => `'${f}`)); // 住址
    for (const r of rows) for (const v of r) if (typeof v === 'string') expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('imports a full export back to the same values, from CSV and from XLSX', async () => {
    const before = async () =>
      (await testDb().pool.query(`select id_number, name, phone, address, household_no from residents where area_code like $1 order by id_number`, [formulas.district + '%'])).rows;
    const was = await before();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-export-'));
    const boss = await makeAccount('commander', formulas.district);
    const actor = { accountId: boss.id, username: boss.username, displayName: boss.username, role: 'commander' as const, areaCode: formulas.district, staffId: null };
    try {
      for (const format of ['csv', 'xlsx'] as const) {
        const file = path.join(tmp, `residents.${format}`);
        fs.writeFileSync(file, (await exported(format, true)).rawPayload);
        const { db, pool } = testDb();
        const s = await runImport(db, pool, { kind: 'residents', path: file, filename: `residents.${format}`, actor });
        // the name =HYPERLINK(…) is no name an import takes; the other four are updated to what they were
        expect(s, format).toMatchObject({ imported: 0, updated: FORMULAS.length - 1, rejected: 1 });
        expect(await before(), format).toEqual(was);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
