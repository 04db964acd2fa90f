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

const csvField = (v: TableValue) => {
  if (v == null) return '';
  const s = typeof v === 'boolean' ? (v ? '是' : '否') : String(v);
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
    ws.addRow(headers).commit();
    for await (const page of pages) {
      for (const row of page) {
        ws.addRow(row.map((v) => (typeof v === 'boolean' ? (v ? '是' : '否') : v))).commit();
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
  await write(headers.map(csvField).join(',') + '\r\n');
  for await (const page of pages) {
    let chunk = '';
    for (const row of page) {
      // A tab before a long number keeps Excel from turning it into scientific notation.
      chunk += row.map((v) => csvField(typeof v === 'string' && /^\d{15,}[\dX]?$/.test(v) ? `\t${v}` : v)).join(',') + '\r\n';
      count++;
    }
    await write(chunk);
  }
  out.end();
  await finished(out);
  return count;
}
