import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

type Value = string | number | boolean | null;

const escape = (v: Value) =>
  v === null ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

/** COPY rows into a table in PostgreSQL's text format, a chunk of lines at a time. */
export async function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: Iterable<Value[]>): Promise<void> {
  function* chunks() {
    let buf = '';
    for (const row of rows) {
      buf += row.map(escape).join('\t') + '\n';
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), stream);
}
