import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type TableFormat = 'xlsx' | 'csv' | 'csv-gbk';
export type TableValue = string | number | boolean | null;

export const CONTENT_TYPES: Record<TableFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  'csv-gbk': 'text/csv; charset=gbk',
};

/**
 * Formula injection: a spreadsheet reads a text cell that starts with = + - @ (or a tab or CR
 * before one) as a formula, and an address such as `=HYPERLINK("http://…","点击")` in the
 * untested list would run when a village secretary opens it. As OWASP advises, such a cell is
 * written with a leading apostrophe, in CSV and in XLSX alike (an XLSX text cell is not evaluated,
 * but it is once copied, edited or saved as CSV); a text that already starts with apostrophes
 * before one of them gets one more, so that `openRows` (lib/rows.ts), which takes one off, reads
 * back exactly what was written. Numbers are written as numbers, so -5 stays -5.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
export const neutralise = (s: string): string => (FORMULA_START.test(s) ? `'${s}` : s);
/** What `neutralise` wrote, as it was: one leading apostrophe before a formula's first character taken off. */
export const unneutralise = (s: string): string => (s.charCodeAt(0) === 39 && FORMULA_START.test(s) ? s.slice(1) : s);

const text = (v: TableValue) => (typeof v === 'string' ? neutralise(v) : typeof v === 'boolean' ? (v ? '是' : '否') : v);

const csvField = (v: TableValue) => {
  if (v == null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Streams a table to `out` as XLSX or CSV (UTF-8 with BOM so that Excel reads
 * Chinese, or GBK for older office software). Rows arrive in pages and are
 * written as they come; nothing holds the whole table.
 * Long digit strings (ID numbers) are written as text so no spreadsheet mangles them.
 */
export async function writeTable(
  out: Writable,
  format: TableFormat,
  headers: string[],
  pages: AsyncIterable<TableValue[][]>,
  sheetName = 'Sheet1',
): Promise<number> {
  let count = 0;
  if (format === 'xlsx') {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const ws = wb.addWorksheet(sheetName);
    ws.addRow(headers.map(neutralise)).commit();
    for await (const page of pages) {
      for (const row of page) {
        ws.addRow(row.map(text)).commit();
        count++;
      }
    }
    ws.commit();
    await wb.commit();
    return count;
  }
  const encode = format === 'csv-gbk' ? (s: string) => iconv.encode(s, 'gbk') : (s: string) => Buffer.from(s, 'utf8');
  const write = async (s: string) => {
    if (!out.write(encode(s))) await once(out, 'drain');
  };
  if (format === 'csv') await write('\ufeff');
  await write(headers.map((h) => csvField(neutralise(h))).join(',') + '\r\n');
  for await (const page of pages) {
    let chunk = '';
    for (const row of page) {
      // A tab before a long number keeps Excel from turning it into scientific notation.
      // (written after neutralising: a tab before digits only is no formula)
      chunk += row.map((v) => csvField(typeof v === 'string' && /^\d{15,}[\dX]?$/.test(v) ? `\t${v}` : text(v))).join(',') + '\r\n';
      count++;
    }
    await write(chunk);
  }
  out.end();
  await finished(out);
  return count;
}
