import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { deflated, sheetOf, workbook, zip } from '../../test/zip.js';
import { AppError } from './errors.js';
import { checkFile, openRows, READ_LIMITS, type Cell } from './rows.js';
import { writeTable, type TableFormat, type TableValue } from './tabular.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-rows-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (content: Buffer | string, ext = 'xlsx') => {
  const p = path.join(tmp, `${++n}.${ext}`);
  fs.writeFileSync(p, content);
  return p;
};

async function readAll(p: string, limits = READ_LIMITS): Promise<Cell[][]> {
  const out: Cell[][] = [];
  for await (const r of (await openRows(p, limits)).rows()) out.push(r.cells);
  return out;
}

/** The error a promise fails with (and how long it took to fail, and how much the heap grew meanwhile). */
async function refusal(p: Promise<unknown>) {
  const heap = process.memoryUsage().heapUsed;
  const t = performance.now();
  const e = await p.then(() => null, (x: unknown) => x);
  return { e: e as AppError, ms: performance.now() - t, heapMiB: (process.memoryUsage().heapUsed - heap) / 1024 ** 2 };
}
const reason = (e: AppError) => ({ code: e?.code, field: e?.field, reason: e?.detail?.reason });

const inline = (text: string, col = 'A', row = 1) => `<row r="${row}"><c r="${col}${row}" t="inlineStr"><is><t>${text}</t></is></c></row>`;
const MiB = 1024 * 1024;

describe('an XLSX is read within limits', () => {
  it('pins the limits', () => {
    expect(READ_LIMITS).toEqual({ unpackedBytes: 1024 * MiB, sharedStringsBytes: 256 * MiB, entries: 10_000, rows: 2_000_000, cellChars: 32_767 });
  });

  it('reads a hand-made workbook (the zips below are real ones)', async () => {
    expect(await readAll(file(workbook(sheetOf([{ text: inline('姓名') + inline('张三', 'A', 2), times: 1 }]))))).toEqual([['姓名'], ['张三']]);
  });

  it('refuses a zip bomb that says what it unpacks to at once, before inflating anything', async () => {
    // 1.1 GiB of sheet from about a megabyte
    const bomb = file(workbook(sheetOf([{ text: '<x/>'.repeat(MiB / 4), times: 1100 }])));
    expect(fs.statSync(bomb).size).toBeLessThan(3 * MiB);
    const r = await refusal(checkFile(bomb));
    expect(reason(r.e)).toEqual({ code: 'PAYLOAD_TOO_LARGE', field: 'file', reason: 'XLSX_UNPACKS_TOO_LARGE' });
    expect(r.e.message).toContain('1,024 MiB');
    expect(r.ms).toBeLessThan(1000);
    // shared strings, held in memory while the sheet is read, have a smaller limit of their own
    const strings = file(zip([{ ...deflated('xl/sharedStrings.xml', '<sst/>'), declared: 257 * MiB }]));
    expect(reason((await refusal(checkFile(strings))).e).reason).toBe('XLSX_UNPACKS_TOO_LARGE');
  });

  it('refuses a zip bomb whose headers lie once it has inflated to the limit, in constant memory', async () => {
    const liar = file(workbook(sheetOf([{ text: '<x/>'.repeat(MiB / 4), times: 1100 }], 10_000)));
    // the limit scaled down to keep the test short: the same code stops at 1 GiB
    const r = await refusal(checkFile(liar, { ...READ_LIMITS, unpackedBytes: 64 * MiB }));
    expect(reason(r.e)).toEqual({ code: 'PAYLOAD_TOO_LARGE', field: 'file', reason: 'XLSX_UNPACKS_TOO_LARGE' });
    expect(r.heapMiB).toBeLessThan(32);
    // and openRows, which every import goes through, refuses it before a row
    expect(reason((await refusal(readAll(liar, { ...READ_LIMITS, unpackedBytes: 64 * MiB }))).e).reason).toBe('XLSX_UNPACKS_TOO_LARGE');
  });

  it('takes 2,000,000 rows and refuses the 2,000,001st, before reading one', async () => {
    const rows = (k: number) => file(workbook(sheetOf([{ text: '<row r="1"/>'.repeat(100_000), times: 20 }, { text: '<row r="1"/>', times: k }])));
    await expect(checkFile(rows(0))).resolves.toBe('xlsx');
    const r = await refusal(checkFile(rows(1)));
    expect(reason(r.e)).toEqual({ code: 'PAYLOAD_TOO_LARGE', field: 'file', reason: 'TOO_MANY_ROWS' });
  });

  it('takes a cell of 32,767 characters and refuses one of 32,768, in ASCII and in Chinese', async () => {
    for (const ch of ['a', '张']) {
      expect((await readAll(file(workbook(sheetOf([{ text: inline(ch.repeat(32_767)), times: 1 }])))))[0][0]).toHaveLength(32_767);
      const r = await refusal(checkFile(file(workbook(sheetOf([{ text: inline(ch.repeat(32_768)), times: 1 }])))));
      expect(reason(r.e)).toEqual({ code: 'PAYLOAD_TOO_LARGE', field: 'file', reason: 'CELL_TOO_LONG' });
    }
    // a text of a whole megabyte, across the reader's chunks, is refused by the same count
    const huge = file(workbook(sheetOf([{ text: inline('x'.repeat(MiB)), times: 1 }])));
    expect(reason((await refusal(checkFile(huge))).e).reason).toBe('CELL_TOO_LONG');
    // shared rich text in runs that are each short: refused as the row is read, with its row number
    const strings = deflated('xl/sharedStrings.xml', `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>${'a'.repeat(20_000)}</t></r><r><t>${'b'.repeat(20_000)}</t></r></si></sst>`);
    const r = await refusal(readAll(file(workbook(sheetOf([{ text: '<row r="7"><c r="A7" t="s"><v>0</v></c></row>', times: 1 }]), [strings]))));
    expect(reason(r.e).reason).toBe('CELL_TOO_LONG');
    expect(r.e.message).toContain('row 7');
  });

  it('refuses a CSV beyond the rows or cell limits as it reads it', async () => {
    const long = await refusal(readAll(file(`name,address\r\n张三,${'x'.repeat(32_768)}\r\n`, 'csv')));
    expect(reason(long.e)).toEqual({ code: 'PAYLOAD_TOO_LARGE', field: 'file', reason: 'CELL_TOO_LONG' });
    const rows = file('a\r\n'.repeat(11), 'csv');
    expect(await readAll(rows, { ...READ_LIMITS, rows: 11 })).toHaveLength(11);
    expect(reason((await refusal(readAll(rows, { ...READ_LIMITS, rows: 10 }))).e).reason).toBe('TOO_MANY_ROWS');
  });

  it('reads Chinese text whole where the unpacking cuts a character in two', async () => {
    // exceljs decodes each chunk by itself: a character across two came back as U+FFFD twice
    const rows = Array.from({ length: 20_000 }, (_, i) => [`张伟${i}`, `石家庄市鹿泉区山尹村镇${i}号院`]);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeTable(out, 'xlsx', ['姓名', '住址'], (async function* () { yield rows; })());
    const read = await readAll(file(Buffer.concat(chunks)));
    expect(read.slice(1).filter((r, i) => r[0] !== rows[i][0] || r[1] !== rows[i][1])).toEqual([]);
    expect(read).toHaveLength(20_001);
  });

  it('answers a broken XLSX as an unsupported file', async () => {
    const broken = file(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)]));
    expect(reason((await refusal(checkFile(broken))).e).code).toBe('UNSUPPORTED_FILE');
  });
});

describe('formula injection', () => {
  const values: TableValue[] = ['=HYPERLINK("http://evil.example","点我")', '@SUM(1)', '+8613800001111', '-2+3', '\t=1+2', '\r=1+2', "'=1+2", "'plain", 'plain', -5];
  async function written(format: TableFormat) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeTable(out, format, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], (async function* () { yield [values]; })());
    return Buffer.concat(chunks);
  }

  it('writes a text cell a spreadsheet would read as a formula after an apostrophe, in CSV and XLSX, and reads it back as it was', async () => {
    const csv = await written('csv');
    const line = csv.toString('utf8').split('\r\n')[1];
    expect(line).toBe(`"'=HYPERLINK(""http://evil.example"",""点我"")",'@SUM(1),'+8613800001111,'-2+3,'\t=1+2,"'\r=1+2",''=1+2,'plain,plain,-5`);
    const xlsx = await written('xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const cells = (wb.worksheets[0].getRow(2).values as unknown[]).slice(1);
    // (XML turns a CR into a line feed, which no spreadsheet reads as the start of a formula)
    expect(cells).toEqual([`'=HYPERLINK("http://evil.example","点我")`, `'@SUM(1)`, `'+8613800001111`, `'-2+3`, `'\t=1+2`, `'\n=1+2`, `''=1+2`, "'plain", 'plain', -5]);
    expect((await readAll(file(csv, 'csv')))[1]).toEqual(values.map(String));
    expect((await readAll(file(xlsx, 'xlsx')))[1]).toEqual(values.map((v) => (v === '\r=1+2' ? "'\n=1+2" : v)));
  });
});
