import zlib from 'node:zlib';

/**
 * Hand-made ZIP files for the tests of what an XLSX may hold (lib/rows.ts): a part can inflate
 * to gigabytes from a few kilobytes, and its headers can say what it unpacks to or lie.
 */
export interface ZipPart {
  name: string;
  /** raw deflate data, or the bytes themselves when `stored` */
  data: Buffer;
  /** what the data unpacks to */
  size: number;
  stored?: boolean;
  /** the size the headers declare instead (a liar) */
  declared?: number;
}

/**
 * Deflate data that inflates to the pieces, each repeated: each piece is compressed once and ends
 * on a full flush (no reference to what came before), so its bytes can be repeated as they are.
 */
export function deflateRepeated(pieces: { text: string; times: number }[]): { data: Buffer; size: number } {
  const out: Buffer[] = [];
  let size = 0;
  for (const p of pieces) {
    const raw = Buffer.from(p.text);
    const block = zlib.deflateRawSync(raw, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
    for (let i = 0; i < p.times; i++) out.push(block);
    size += raw.length * p.times;
  }
  out.push(zlib.deflateRawSync(Buffer.alloc(0))); // the final, empty block
  return { data: Buffer.concat(out), size };
}

export const deflated = (name: string, text: string): ZipPart => ({ name, data: zlib.deflateRawSync(Buffer.from(text)), size: Buffer.byteLength(text) });

/** The parts as a ZIP: local headers, data, central directory (CRCs are left 0: no reader here checks them). */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = p.declared ?? p.size;
    const method = p.stored ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, p.data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(p.data.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + p.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}

/** The parts around a first sheet that make a workbook (`before` it: shared strings, say). */
export function workbook(sheet: ZipPart, before: ZipPart[] = []): Buffer {
  return zip([
    deflated('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    deflated('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    deflated('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    deflated('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    ...before,
    sheet,
  ]);
}

const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';

/** A first sheet of the pieces between its head and tail, each repeated. */
export function sheetOf(pieces: { text: string; times: number }[], declared?: number): ZipPart {
  const { data, size } = deflateRepeated([{ text: SHEET_HEAD, times: 1 }, ...pieces, { text: SHEET_TAIL, times: 1 }]);
  return { name: 'xl/worksheets/sheet1.xml', data, size, declared };
}
