import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeTestDb, idFor, makeAccount, makeArea, signIn, testApp, testDb, type TestArea } from '../../../../test/helpers.js';
import { sheetOf, workbook } from '../../../../test/zip.js';
import type { Actor } from '../../access/index.js';
import { runImport } from './import.service.js';

/** An upload beyond what a reader takes (lib/rows.ts READ_LIMITS) is refused whole: nothing imported. */
let app: FastifyInstance;
let area: TestArea;
let lead: string;
let actor: Actor;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-limits-'));
beforeAll(async () => {
  app = await testApp();
  area = await makeArea();
  const a = await makeAccount('lead', area.villages[0]);
  lead = await signIn(app, a.username, a.password);
  actor = { accountId: a.id, username: a.username, displayName: a.username, role: 'lead', areaCode: area.villages[0], staffId: null };
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function multipart(filename: string, content: Buffer, lang = 'zh-CN') {
  const boundary = '----bastion' + crypto.randomBytes(6).toString('hex');
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: lead, 'accept-language': lang },
  };
}
const residentsHere = async () => (await testDb().pool.query(`select count(*)::int as n from residents where area_code like $1`, [area.district + '%'])).rows[0].n;

describe('an upload beyond the limits', () => {
  it('is refused at upload with a problem+json naming the file, when its sheet would unpack beyond the limit, and no job starts', async () => {
    // a megabyte that unpacks to 1.1 GiB
    const bomb = workbook(sheetOf([{ text: '<x/>'.repeat(256 * 1024), times: 1100 }]));
    const rss = process.memoryUsage().rss;
    const t = performance.now();
    const id = crypto.randomUUID();
    const res = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=residents&id=${id}`, ...multipart('bomb.xlsx', bomb) });
    const ms = performance.now() - t;
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'file', title: '文件过大' });
    expect(res.json().detail).toContain('表格解压后过大');
    expect(ms).toBeLessThan(3000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
    expect((await app.inject({ url: `/api/v1/registry/imports/${id}`, headers: { cookie: lead } })).statusCode).toBe(404);
    const en = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=residents`, ...multipart('bomb.xlsx', bomb, 'en') });
    expect(en.json().detail).toMatch(/^The workbook is too large once unpacked.*1,024 MiB/);
  });

  it('fails the import job with the reason and imports none of its rows, when a cell is too long', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('居民');
    ws.addRow(['姓名', '身份证号', '住址', '区划代码']);
    for (let i = 1; i <= 3; i++) ws.addRow([`居民${'一二三'[i - 1]}`, idFor(area.district, i), '东村1号', area.villages[0]]);
    ws.addRow(['居民四', idFor(area.district, 4), '东'.repeat(40_000), area.villages[0]]);
    const file = path.join(tmp, 'long.xlsx');
    await wb.xlsx.writeFile(file);
    const jobId = crypto.randomUUID();
    const { db, pool } = testDb();
    const e = await runImport(db, pool, { kind: 'residents', path: file, filename: 'long.xlsx', actor, jobId }).then(() => null, (x) => x);
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'file', detail: { reason: 'CELL_TOO_LONG' } });
    const job = (await app.inject({ url: `/api/v1/registry/imports/${jobId}`, headers: { cookie: lead } })).json();
    expect(job).toMatchObject({ status: 'failed', imported: 0, rowsRead: 0 });
    // a Chinese reader gets the reason in Chinese, an English one the message too
    expect(job.failure).toBe('有单元格内容过长（超过 32767 个字符）');
    const en = (await app.inject({ url: `/api/v1/registry/imports/${jobId}`, headers: { cookie: lead, 'accept-language': 'en' } })).json();
    expect(en.failure).toContain('more than 32,767 characters');
    expect(await residentsHere()).toBe(0);
    // the same file, the long cell cut to what a cell holds, imports all four
    ws.getRow(5).getCell(3).value = '东'.repeat(32_767);
    await wb.xlsx.writeFile(file);
    expect(await runImport(db, pool, { kind: 'residents', path: file, filename: 'long.xlsx', actor })).toMatchObject({ imported: 4, rejected: 0 });
  });
});
