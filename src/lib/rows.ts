import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import { CsvReader } from './csv.js';
import { AppError } from './errors.js';
import { unneutralise } from './tabular.js';

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

/**
 * What a file may hold once read. An XLSX is a ZIP: 200 MB of upload can inflate to terabytes
 * (a zip bomb), its shared strings are kept in memory while the sheet is read, and a cell can be
 * as long as the file. The limits are far above what an office exchanges (a district's 590,000
 * residents are about 350 MB unpacked) and far below what would stop the process: an XLSX is
 * measured before its first row is read (`inspectXlsx`), so a refused file imports nothing.
 */
export interface ReadLimits {
  /** all the parts of an XLSX, unpacked */
  unpackedBytes: number;
  /** the shared strings of an XLSX (held in memory while the sheet is read) */
  sharedStringsBytes: number;
  /** parts of an XLSX (a workbook has a dozen) */
  entries: number;
  /** rows of a sheet or a CSV, the header and empty rows included */
  rows: number;
  /** characters in a cell: Excel's own limit */
  cellChars: number;
}
export const READ_LIMITS: ReadLimits = { unpackedBytes: 1024 ** 3, sharedStringsBytes: 256 * 1024 ** 2, entries: 10_000, rows: 2_000_000, cellChars: 32_767 };

const MiB = (n: number) => `${Math.round(n / 1024 ** 2).toLocaleString('en')} MiB`;
const tooLarge = (reason: 'XLSX_UNPACKS_TOO_LARGE' | 'TOO_MANY_ROWS' | 'CELL_TOO_LONG', message: string) =>
  new AppError('PAYLOAD_TOO_LARGE', message, 'file', { reason });
const tooManyRows = (l: ReadLimits) => tooLarge('TOO_MANY_ROWS', `more than ${l.rows.toLocaleString('en')} rows: split the file`);
const cellTooLong = (l: ReadLimits, rowNo: number | null) =>
  tooLarge('CELL_TOO_LONG', `a cell${rowNo ? ` in row ${rowNo}` : ''} holds more than ${l.cellChars.toLocaleString('en')} characters`);

/** Refuses a file that is not CSV or XLSX, or an XLSX beyond the limits, before any work starts. */
export async function checkFile(path: string, limits = READ_LIMITS): Promise<FileFormat> {
  const format = sniff(await readHead(path));
  if (format === 'xlsx') await inspectXlsx(path, limits);
  return format;
}

/**
 * The sizes a ZIP's central directory declares for its parts, summed: a zip bomb made by any zip
 * tool says what it unpacks to, and is refused at once. Null when the directory cannot say (ZIP64,
 * or no directory found): the unpacking itself is measured anyway.
 */
async function declaredSize(path: string): Promise<{ total: number; entries: number; sharedStrings: number } | null> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tail = Buffer.alloc(Math.min(size, 22 + 65_535));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) return null;
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff || cdOffset + cdSize > size) return null;
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let total = 0;
    let sharedStrings = 0;
    let at = 0;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) return null;
      const unpacked = cd.readUInt32LE(at + 24);
      const nameLength = cd.readUInt16LE(at + 28);
      if (unpacked === 0xffffffff) return null;
      total += unpacked;
      if (cd.toString('utf8', at + 46, at + 46 + nameLength) === 'xl/sharedStrings.xml') sharedStrings += unpacked;
      at += 46 + nameLength + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32);
    }
    return { total, entries, sharedStrings };
  } finally {
    await fh.close();
  }
}

/** Counts `<row` tags (a sheet's rows) across chunks. */
class RowTags {
  private carry: Buffer = Buffer.alloc(0);
  count = 0;
  push(chunk: Buffer) {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    for (let i = buf.indexOf('<row'); i >= 0 && i + 4 < buf.length; i = buf.indexOf('<row', i + 4)) {
      const next = buf[i + 4];
      if (next === 0x20 || next === 0x3e || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d) this.count++;
    }
    this.carry = buf.subarray(Math.max(0, buf.length - 4));
  }
}

/** The next `<` or `>` from `p` (-1: none), and the last one before `p`. */
function nextMark(b: Buffer, p: number) {
  const lt = b.indexOf(0x3c, p);
  const gt = b.indexOf(0x3e, p);
  return lt < 0 ? gt : gt < 0 ? lt : Math.min(lt, gt);
}
const lastMark = (b: Buffer, p: number) => Math.max(b.lastIndexOf(0x3c, p), b.lastIndexOf(0x3e, p));

/**
 * Texts longer than a limit in characters (UTF-8 bytes that do not continue a character) between
 * a `>` and a `<` (a cell's text) or inside a tag (an attribute), across chunks: such a text is
 * held whole while XML is parsed. Cheap on ordinary sheets, where tags come every few bytes:
 * between the first and the last mark of a chunk, a text longer than `limit` covers a whole
 * stretch of limit/2 bytes from one of the sample points, so only those stretches are searched,
 * by `indexOf`.
 */
class TextRuns {
  /** bytes and characters since the last mark of the chunks before */
  private bytes = 0;
  private chars = 0;
  private readonly step: number;
  constructor(private readonly limit: number) {
    this.step = Math.max(1, limit >> 1);
  }
  private static chars(b: Buffer, from: number, to: number) {
    let n = 0;
    for (let i = from; i < to; i++) if ((b[i] & 0xc0) !== 0x80) n++;
    return n;
  }
  /** false when a text is longer than the limit */
  push(b: Buffer): boolean {
    const first = nextMark(b, 0);
    if (first < 0) {
      this.bytes += b.length;
      this.chars += TextRuns.chars(b, 0, b.length);
      return this.chars <= this.limit;
    }
    if (this.bytes + first > this.limit && this.chars + TextRuns.chars(b, 0, first) > this.limit) return false;
    const last = lastMark(b, b.length - 1);
    for (let p = first + 1; p < last; p += this.step) {
      const next = nextMark(b, p);
      if (next - p < this.step) continue;
      const start = lastMark(b, p - 1) + 1;
      if (next - start > this.limit && TextRuns.chars(b, start, next) > this.limit) return false;
      p = next + 1 - this.step; // past this text
    }
    this.bytes = b.length - last - 1;
    this.chars = TextRuns.chars(b, last + 1, b.length);
    return this.chars <= this.limit;
  }
}

/**
 * Unpacks an XLSX once, as exceljs will (unzipper, local headers in file order), counting what
 * each part inflates to, a sheet's rows and the longest text, and stops at the first limit passed:
 * a bomb is refused after at most `unpackedBytes` of inflating, in constant memory.
 */
export async function inspectXlsx(path: string, limits = READ_LIMITS): Promise<void> {
  const declared = await declaredSize(path);
  const bomb = (what: string, max: number) => tooLarge('XLSX_UNPACKS_TOO_LARGE', `the workbook's ${what} unpack to more than ${MiB(max)}: split it into smaller files`);
  if (declared && declared.total > limits.unpackedBytes) throw bomb('parts', limits.unpackedBytes);
  if (declared && declared.sharedStrings > limits.sharedStringsBytes) throw bomb('shared strings', limits.sharedStringsBytes);
  if (declared && declared.entries > limits.entries) throw tooLarge('XLSX_UNPACKS_TOO_LARGE', `the workbook has more than ${limits.entries.toLocaleString('en')} parts`);
  const input = fs.createReadStream(path, { highWaterMark: 256 * 1024 });
  const zip = unzipper.Parse({ forceStream: true });
  let failure: unknown = null;
  zip.on('error', (e) => (failure ??= e));
  input.pipe(zip);
  let total = 0;
  let entries = 0;
  try {
    for await (const entry of zip) {
      if (++entries > limits.entries) throw tooLarge('XLSX_UNPACKS_TOO_LARGE', `the workbook has more than ${limits.entries.toLocaleString('en')} parts`);
      const sheet = /^xl\/worksheets\/sheet\d+\.xml$/.test(entry.path);
      const strings = entry.path === 'xl/sharedStrings.xml';
      const xml = /\.(xml|rels)$/.test(entry.path);
      const rows = new RowTags();
      const runs = new TextRuns(limits.cellChars);
      let bytes = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        total += chunk.length;
        if (total > limits.unpackedBytes) throw bomb('parts', limits.unpackedBytes);
        if (strings && bytes > limits.sharedStringsBytes) throw bomb('shared strings', limits.sharedStringsBytes);
        if (xml && !runs.push(chunk)) throw cellTooLong(limits, null);
        if (sheet) {
          rows.push(chunk);
          if (rows.count > limits.rows) throw tooManyRows(limits);
        }
      }
    }
    if (failure) throw failure;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('UNSUPPORTED_FILE', `not a readable XLSX workbook (${e instanceof Error ? e.message : String(e)})`, 'file');
  } finally {
    input.destroy();
    zip.destroy();
  }
}

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

/** The parts of exceljs's streaming WorkbookReader that `firstSheetRows` drives (exceljs 4.4). */
interface WorkbookInternals {
  sharedStrings?: unknown[];
  workbookRels?: unknown;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseWorksheet(iterator: AsyncIterable<string>, sheetNo: string): Iterable<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

/**
 * The rows of an XLSX's first sheet, read as exceljs's WorkbookReader reads them, but with each
 * part decoded as one UTF-8 text: exceljs decodes each chunk by itself, so a character cut by a
 * chunk's end came out as two U+FFFD (in an export of 20,000 residents read back, ten addresses
 * and names were corrupted that way). A sheet stored before the shared strings, as Excel stores
 * it, waits in a temporary file, as in exceljs; other sheets are not unpacked.
 */
async function* firstSheetRows(input: Readable): AsyncIterable<ExcelJS.Row> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' }) as unknown as WorkbookInternals;
  const text = (entry: Readable) => entry.setEncoding('utf8');
  const rowsOf = async function* (sheet: AsyncIterable<string>, sheetNo: string) {
    for (const { eventType, value } of reader._parseWorksheet(sheet, sheetNo)) if (eventType === 'worksheet') yield* value;
  };
  const zip = unzipper.Parse({ forceStream: true });
  input.pipe(zip);
  let waiting: { dir: string; file: string; sheetNo: string } | null = null;
  let done = false;
  try {
    for await (const entry of zip) {
      const sheet = !done && /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(entry.path);
      if (entry.path === 'xl/_rels/workbook.xml.rels') await reader._parseRels(text(entry));
      else if (entry.path === 'xl/workbook.xml') await reader._parseWorkbook(text(entry));
      else if (entry.path === 'xl/sharedStrings.xml') for await (const _ of reader._parseSharedStrings(text(entry)));
      else if (sheet && reader.sharedStrings && reader.workbookRels) {
        done = true;
        yield* rowsOf(text(entry), sheet[1]);
      } else if (sheet) {
        done = true;
        const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bastion-sheet-'));
        waiting = { dir, file: path.join(dir, 'sheet.xml'), sheetNo: sheet[1] };
        await pipeline(entry, fs.createWriteStream(waiting.file));
        continue;
      }
      entry.autodrain();
    }
    if (waiting) yield* rowsOf(fs.createReadStream(waiting.file, { encoding: 'utf8' }), waiting.sheetNo);
  } finally {
    input.destroy();
    zip.destroy();
    if (waiting) await fs.promises.rm(waiting.dir, { recursive: true, force: true });
  }
}

export interface RowSource {
  format: FileFormat;
  totalBytes: number;
  /** bytes of the file consumed so far, for a progress bar */
  bytesRead(): number;
  /** rows in file order; the first is the header; `rowNo` is the spreadsheet's row number */
  rows(): AsyncIterable<{ rowNo: number; cells: Cell[] }>;
}

/**
 * A row as read, checked against the limits, with the apostrophe the writer puts before a
 * formula's first character taken off (lib/tabular.ts `neutralise`), so an export reads back
 * as it was written.
 */
function checked<T extends Cell>(cells: T[], count: number, rowNo: number, limits: ReadLimits): T[] {
  if (count > limits.rows) throw tooManyRows(limits);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (typeof c !== 'string') continue;
    if (c.length > limits.cellChars) throw cellTooLong(limits, rowNo);
    if (c.charCodeAt(0) === 39) cells[i] = unneutralise(c) as T;
  }
  return cells;
}

/**
 * Opens a CSV (UTF-8, GBK or UTF-16, with or without BOM, comma or tab) or an XLSX file as a
 * stream of rows. An XLSX is inspected first (`inspectXlsx`: on a district's 590,000 residents, a
 * tenth of the time the rows take to read), so a file beyond the limits fails
 * here, before any row; a CSV, whose size is the upload's, is held to the rows and cell limits as
 * it is read.
 */
export async function openRows(path: string, limits = READ_LIMITS, opts: { checked?: boolean } = {}): Promise<RowSource> {
  const totalBytes = (await fs.promises.stat(path)).size;
  const head = await readHead(path);
  const format = sniff(head);
  // (`checked`: by `checkFile` with the same limits, as an upload is: not unpacked twice)
  if (format === 'xlsx' && !opts.checked) await inspectXlsx(path, limits);
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
        let rowsRead = 0;
        for await (const row of firstSheetRows(open())) {
          const values = (row.values as ExcelJS.CellValue[]).slice(1);
          yield { rowNo: row.number, cells: checked(Array.from(values, xlsxCell), ++rowsRead, row.number, limits) };
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
      for await (const chunk of text as AsyncIterable<string>) for (const cells of csv.push(chunk)) yield { rowNo: ++rowNo, cells: checked(cells, rowNo, rowNo, limits) };
      for (const cells of csv.end()) yield { rowNo: ++rowNo, cells: checked(cells, rowNo, rowNo, limits) };
    },
  };
}
