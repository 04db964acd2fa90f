import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvReader } from './csv.js';

/** Reads `text` cut into chunks at the given offsets, as a stream delivers it. */
function readInChunks(text: string, cuts: number[], delimiter = ','): string[][] {
  const reader = new CsvReader(delimiter);
  const out: string[][] = [];
  let at = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...reader.push(text.slice(at, cut)));
    at = cut;
  }
  out.push(...reader.push(text.slice(at)), ...reader.end());
  return out;
}

const char = fc.constantFrom('a', 'Z', '7', ' ', '中', '·', '"', ',', '\t', '\n', '\r', '𠀀');
const quotedField = fc.string({ unit: char, maxLength: 8 }).map((s) => `"${s.replaceAll('"', '""')}"`);
// an unquoted field has no delimiter or line break, and does not start with a quote
const plainField = fc.string({ unit: char, maxLength: 8 }).filter((s) => !/[,\r\n]/.test(s) && !s.startsWith('"'));
const record = fc.array(fc.oneof(quotedField, plainField), { minLength: 1, maxLength: 6 }).filter((r) => r.join('') !== '');
const lineEnd = fc.constantFrom('\n', '\r\n');

describe('CsvReader', () => {
  it('reads what csv-parse reads, however the text is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), lineEnd, fc.boolean(), fc.array(fc.nat(200)), (records, eol, finalEol, cuts) => {
        const text = records.map((r) => r.join(',')).join(eol) + (finalEol ? eol : '');
        const expected = parse(text, { relax_quotes: true, relax_column_count: true });
        expect(readInChunks(text, cuts.map((c) => c % (text.length + 1)))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps empty lines as records so row numbers match the spreadsheet', () => {
    expect(readInChunks('姓名,身份证号\n\n张三,1\r\n\r\n李四,2', [])).toEqual([['姓名', '身份证号'], [''], ['张三', '1'], [''], ['李四', '2']]);
  });

  it('reads quoted delimiters, doubled quotes, line breaks in a quoted field, and tabs as the delimiter', () => {
    expect(readInChunks('"a,b","say ""hi""","two\nlines"\n', [3, 9])).toEqual([['a,b', 'say "hi"', 'two\nlines']]);
    expect(readInChunks('a\tb\r\nc\t"d\te"', [], '\t')).toEqual([['a', 'b'], ['c', 'd\te']]);
  });

  it('keeps a quote inside an unquoted field and ends an unclosed quote at the end of the file', () => {
    expect(readInChunks('12"寸,x\n"open', [])).toEqual([['12"寸', 'x'], ['open']]);
  });
});
