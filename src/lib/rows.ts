import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { CsvReader } from './csv.js';
import { AppError } from './errors.js';

export type Cell = string | number | null;
export type FileFormat = 'xlsx' | 'csv-utf8' | 'csv-gbk' | 'csv-utf16le';

/** Tells the format from the first bytes: ZIP (XLSX), a BOM, valid UTF-8, else GBK (GB18030). */
export function sniff(head: Buffer): FileFormat {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
    throw new AppError('UNSUPPORTED_FILE', 'old .xls workbooks are not read: save as .xlsx or .csv', 'file');
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'csv-utf8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'csv-utf16le';
  // A multi-byte character may be cut at the end of the sample: drop an incomplete tail.
  let end = head.length;
  for (let i = Math.max(0, end - 4); i < end; i++) if ((head[i] & 0xc0) === 0xc0 && i + seqLen(head[i]) > end) end = i;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'csv-utf8';
  } catch {
    return 'csv-gbk';
  }
}
const seqLen = (b: number) => (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2);

/** Refuses a file that is not CSV or XLSX before any work starts. */
export const checkFile = async (path: string) => sniff(await readHead(path));

async function readHead(path: string, n = 64 * 1024): Promise<Buffer> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function xlsxCell(v: ExcelJS.CellValue): Cell {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return xlsxCell(v.result as ExcelJS.CellValue);
    if ('error' in v) return null;
  }
  return String(v);
}

export interface RowSource {
  format: FileFormat;
  totalBytes: number;
  /** bytes of the file consumed so far, for a progress bar */
  bytesRead(): number;
  /** rows in file order; the first is the header; `rowNo` is the spreadsheet's row number */
  rows(): AsyncIterable<{ rowNo: number; cells: Cell[] }>;
}

/** Opens a CSV (UTF-8, GBK or UTF-16, with or without BOM, comma or tab) or an XLSX file as a stream of rows. */
export async function openRows(path: string): Promise<RowSource> {
  const totalBytes = (await fs.promises.stat(path)).size;
  const head = await readHead(path);
  const format = sniff(head);
  let read = 0;
  // Opened when the rows are read, so no chunk flows before a reader is attached.
  const open = () => {
    const input = fs.createReadStream(path, { highWaterMark: 256 * 1024 });
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        read += chunk.length;
        done(null, chunk);
      },
    });
    return input.pipe(counted);
  };

  if (format === 'xlsx') {
    return {
      format,
      totalBytes,
      bytesRead: () => read,
      async *rows() {
        const reader = new ExcelJS.stream.xlsx.WorkbookReader(open(), {
          sharedStrings: 'cache',
          worksheets: 'emit',
          hyperlinks: 'ignore',
          styles: 'ignore',
          entries: 'emit',
        });
        for await (const sheet of reader) {
          for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
            const values = (row.values as ExcelJS.CellValue[]).slice(1);
            yield { rowNo: row.number, cells: Array.from(values, xlsxCell) };
          }
          break; // the first worksheet only
        }
      },
    };
  }

  const firstLine = head.subarray(0, Math.max(0, head.indexOf(0x0a))).toString('latin1');
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const encoding = format === 'csv-gbk' ? 'gb18030' : format === 'csv-utf16le' ? 'utf16le' : 'utf8';
  return {
    format,
    totalBytes,
    bytesRead: () => read,
    async *rows() {
      const text = open().pipe(iconv.decodeStream(encoding, { stripBOM: true }) as unknown as NodeJS.WritableStream) as unknown as Readable;
      const csv = new CsvReader(delimiter);
      // Empty lines are kept (and skipped by the caller) so the row number is the one a spreadsheet shows.
      let rowNo = 0;
      for await (const chunk of text as AsyncIterable<string>) for (const cells of csv.push(chunk)) yield { rowNo: ++rowNo, cells };
      for (const cells of csv.end()) yield { rowNo: ++rowNo, cells };
    },
  };
}
