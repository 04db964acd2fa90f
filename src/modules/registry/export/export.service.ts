import type { Writable } from 'node:stream';
import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { birthDecade, maskId, maskPhone } from '../../../lib/idcard.js';
import type { Lang } from '../../../lib/messages.js';
import { writeTable, type TableFormat, type TableValue } from '../../../lib/tabular.js';
import { audit, type Actor } from '../../access/index.js';
import { areasRepo } from '../areas/areas.repo.js';
import { peopleRepo, type PersonKind, type PersonRow } from '../people/people.repo.js';
import { assertCan, can, effectiveArea } from '../registry.policy.js';
import { forbidden } from '../../../lib/errors.js';

export type ExportList = PersonKind | 'areas';

/** Column headers match the import's, so an export can be edited and imported again (the birth column, 4th, is read from the ID number and never imported). */
const HEADERS: Record<ExportList, Record<Lang, string[]>> = {
  residents: {
    zh: ['姓名', '身份证号', '性别', '出生日期', '手机号', '住址', '户号', '区划代码', '所属村(社区)', '卧床', '独居老人', '残疾'],
    en: ['name', 'id_number', 'sex', 'birth_date', 'phone', 'address', 'household_no', 'area_code', 'area_name', 'bedridden', 'elderly_alone', 'disabled'],
  },
  staff: {
    zh: ['姓名', '身份证号', '性别', '出生日期', '手机号', '工作单位', '是否党员', '单位负责人', '角色', '分包村', '分包村名称'],
    en: ['name', 'id_number', 'sex', 'birth_date', 'phone', 'work_unit', 'party_member', 'unit_head', 'role', 'assigned_area', 'assigned_area_name'],
  },
  areas: {
    zh: ['区划代码', '名称', '级别', '上级代码', '居民数', '干部数'],
    en: ['code', 'name', 'level', 'parent_code', 'residents', 'staff'],
  },
};

/** A masked export shows the decade of birth, not the date, which the masked ID hides (lib/idcard.ts `birthDecade`). */
const BIRTH_HEADER = { full: { zh: '出生日期', en: 'birth_date' }, masked: { zh: '出生年代', en: 'birth_decade' } } as const;
const headers = (list: ExportList, full: boolean, lang: Lang) =>
  list === 'areas' ? HEADERS.areas[lang] : HEADERS[list][lang].map((h, i) => (i === 3 ? BIRTH_HEADER[full ? 'full' : 'masked'][lang] : h));

const sexWord = (s: string, lang: Lang) => (lang === 'zh' ? (s === 'M' ? '男' : '女') : s);

function personRow(kind: PersonKind, r: PersonRow, full: boolean, lang: Lang): TableValue[] {
  const id = full ? r.idNumber : maskId(r.idNumber);
  const phone = full ? r.phone : maskPhone(r.phone);
  const birth = full ? r.birthDate : lang === 'zh' ? `${birthDecade(r.birthDate)}年代` : `${birthDecade(r.birthDate)}s`;
  return kind === 'residents'
    ? [r.name, id, sexWord(r.sex, lang), birth, phone, r.address, r.householdNo as string, r.areaCode, r.areaName, r.bedridden as boolean, r.elderlyAlone as boolean, r.disabled as boolean]
    : [r.name, id, sexWord(r.sex, lang), birth, phone, r.workUnit as string, r.partyMember as boolean, r.unitHead as boolean, r.role as string, r.areaCode, r.areaName];
}

async function* personPages(pool: pg.Pool, kind: PersonKind, area: string, full: boolean, lang: Lang) {
  let after = 0;
  for (;;) {
    const page = await peopleRepo.list(pool, kind, area, after, 5000);
    if (!page.length) return;
    yield page.map((r) => personRow(kind, r, full, lang));
    after = page[page.length - 1].id;
  }
}

async function* areaPages(db: Db, area: string) {
  const rows = await areasRepo.subtree(db, area);
  const counts = await areasRepo.countsPerArea(db, area, rows);
  yield rows.map((a) => [a.code, a.name, a.level, a.parentCode, counts.get(a.code)?.residents ?? 0, counts.get(a.code)?.staff ?? 0]);
}

/**
 * Checks and audits an export of a list inside the actor's scope (null: the
 * operator's CLI), then returns the writer that streams it. ID numbers and
 * phones are masked unless `full` is asked for by a role that may see them.
 */
export async function prepareExport(
  db: Db,
  pool: pg.Pool,
  actor: Actor | null,
  list: ExportList,
  opts: { area?: string; format: TableFormat; full: boolean; lang: Lang },
): Promise<(out: Writable) => Promise<number>> {
  if (actor) assertCan(actor, list === 'areas' ? 'readAreas' : 'exportPeople');
  if (actor && opts.full && !can(actor, 'revealPii')) throw forbidden('full ID numbers are not for this role');
  const area = actor ? effectiveArea(actor, opts.area) : (opts.area ?? ''); // another area: not found
  if (list !== 'areas' && opts.full) await audit(db, actor, 'pii.export', list, area || '*', { format: opts.format });
  return (out) => {
    const pages = list === 'areas' ? areaPages(db, area) : personPages(pool, list, area, opts.full, opts.lang);
    return writeTable(out, opts.format, headers(list, opts.full, opts.lang), pages, list);
  };
}
