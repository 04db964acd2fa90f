import type { Writable } from 'node:stream';
import type pg from 'pg';
import { message, type Lang } from '../../../lib/messages.js';
import { writeTable, type TableFormat, type TableValue } from '../../../lib/tabular.js';
import { importRepo } from './import.repo.js';

const HEADERS: Record<Lang, string[]> = {
  zh: ['行号', '字段', '原因代码', '原因'],
  en: ['Row', 'Field', 'Reason code', 'Reason'],
};

async function* rejectionPages(pool: pg.Pool, jobId: string, lang: Lang): AsyncGenerator<TableValue[][]> {
  let after = { rowNo: 0, field: '' };
  for (;;) {
    const page = await importRepo.rejections(pool, jobId, 5000, after);
    if (!page.length) return;
    yield page.map((r) => [r.rowNo, r.field, r.reason, message(r.reason, lang)]);
    after = page[page.length - 1];
  }
}

/** The per-row error report of an import: row, field, reason, in the reader's language. */
export const writeRejectionReport = (pool: pg.Pool, jobId: string, out: Writable, format: TableFormat, lang: Lang) =>
  writeTable(out, format, HEADERS[lang], rejectionPages(pool, jobId, lang), lang === 'zh' ? '导入错误' : 'Import errors');
