import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asRole, closeTestDb, idFor, makeArea, testApp, type TestArea } from '../../../../test/helpers.js';

let app: FastifyInstance;
let area: TestArea;
let lead: string;
beforeAll(async () => {
  app = await testApp();
  area = await makeArea();
  lead = await asRole(app, 'lead', area.villages[0]);
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

function multipart(filename: string, content: Buffer | string) {
  const boundary = '----bastion' + crypto.randomBytes(6).toString('hex');
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: lead },
  };
}

async function finished(id: string) {
  // the import runs in the background; its job row says when it is done
  for (;;) {
    const job = (await app.inject({ url: `/api/v1/registry/imports/${id}`, headers: { cookie: lead } })).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the import endpoint', () => {
  it('takes an upload, reports progress and rejections, and a retried upload with the same id is the same job', async () => {
    const id = crypto.randomUUID();
    const body = `姓名,身份证号,住址,区划代码\n甲,${idFor(area.district, 1)},东村,${area.villages[0]}\n乙,${idFor(area.district, 2)},东村,${area.villages[1]}\n`;
    const first = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=residents&id=${id}`, ...multipart('a.csv', body) });
    expect(first.statusCode).toBe(202);
    const job = await finished(id);
    expect(job).toMatchObject({ status: 'done', imported: 1, rejected: 1, rowsRead: 2 });
    const again = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=residents&id=${id}`, ...multipart('a.csv', body) });
    expect(again.json()).toMatchObject({ id, imported: 1 });
    const rej = await app.inject({ url: `/api/v1/registry/imports/${id}/rejections`, headers: { cookie: lead, 'accept-language': 'en' } });
    expect(rej.json()).toEqual([{ rowNo: 3, field: '区划代码', reason: 'AREA_OUT_OF_SCOPE', message: 'The area is outside your scope' }]);
    const report = await app.inject({ url: `/api/v1/registry/imports/${id}/report?format=csv`, headers: { cookie: lead } });
    expect(report.body).toContain('AREA_OUT_OF_SCOPE');
  });

  it('refuses an old .xls workbook with a problem naming the file', async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const res = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=residents`, ...multipart('old.xls', xls) });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_FILE', field: 'file' });
  });

  it('refuses a bad kind with the field named', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=cats`, ...multipart('a.csv', 'x') });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('kind');
  });

  it('is not for a cadre', async () => {
    const cadre = await asRole(app, 'cadre', area.villages[0]);
    const m = multipart('a.csv', 'x');
    const res = await app.inject({ method: 'POST', url: `/api/v1/registry/imports?kind=residents`, payload: m.payload, headers: { ...m.headers, cookie: cadre } });
    expect(res.statusCode).toBe(403);
  });
});
