import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/connection.js';
import { scopePattern } from '../../access/index.js';

export interface AreaRow {
  code: string;
  name: string;
  level: string;
  kind: string | null;
  parentCode: string | null;
}

export interface AreaCounts extends AreaRow {
  residents: number;
  staff: number;
  hasChildren: boolean;
}

const cols = sql`code, name, level, kind, parent_code as "parentCode"`;

export const areasRepo = {
  get: async (db: Db, code: string): Promise<AreaRow | undefined> =>
    (await db.execute<AreaRow & Record<string, unknown>>(sql`select ${cols} from areas where code = ${code}`)).rows[0],

  /** Children of an area with their resident and staff counts, in one pass per table. */
  childrenWithCounts: async (db: Db, parent: string): Promise<AreaCounts[]> => {
    const res = await db.execute<AreaCounts & Record<string, unknown>>(sql`
      with kids as (select ${cols}, length(code) as len from areas where parent_code = ${parent}),
      r as (
        select substr(area_code, 1, (select max(len) from kids)) as code, count(*)::int as n
        from residents where area_code like ${scopePattern(parent)} group by 1
      ),
      s as (
        select substr(assigned_area_code, 1, (select max(len) from kids)) as code, count(*)::int as n
        from staff where assigned_area_code like ${scopePattern(parent)} group by 1
      )
      select k.code, k.name, k.level, k.kind, k."parentCode",
             coalesce(r.n, 0) as residents, coalesce(s.n, 0) as staff,
             exists (select 1 from areas c where c.parent_code = k.code) as "hasChildren"
      from kids k left join r on r.code = k.code left join s on s.code = k.code
      order by k.code`);
    return res.rows;
  },

  /** Areas of a subtree whose name holds the words, shallowest first, each with the names above it up to the subtree's root. */
  search: async (db: Db, scope: string, words: string, limit: number): Promise<(AreaRow & { path: string[] })[]> =>
    (
      await db.execute<AreaRow & { path: string[] } & Record<string, unknown>>(sql`
        select ${cols}, coalesce((select array_agg(p.name order by length(p.code)) from areas p
                                  where a.code like p.code || '%' and p.code <> a.code and p.code like ${scopePattern(scope)}), '{}') as path
        from areas a
        where a.code like ${scopePattern(scope)} and strpos(a.name, ${words}) > 0
        order by length(a.code), a.code limit ${limit}`)
    ).rows,

  countsOf: async (db: Db, code: string) => {
    const res = await db.execute<{ residents: number; staff: number } & Record<string, unknown>>(sql`
      select (select count(*)::int from residents where area_code like ${scopePattern(code)}) as residents,
             (select count(*)::int from staff where assigned_area_code like ${scopePattern(code)}) as staff`);
    return res.rows[0];
  },

  /** Resident and staff counts of every area in a subtree, each counting its whole subtree. */
  countsPerArea: async (db: Db, code: string, subtree: AreaRow[]) => {
    const res = await db.execute<{ code: string; residents: number; staff: number } & Record<string, unknown>>(sql`
      select code, sum(r)::int as residents, sum(s)::int as staff from (
        select area_code as code, count(*) as r, 0 as s from residents where area_code like ${scopePattern(code)} group by 1
        union all
        select assigned_area_code, 0, count(*) from staff where assigned_area_code like ${scopePattern(code)} group by 1
      ) x group by code`);
    const lengths = [...new Set(subtree.map((a) => a.code.length))];
    const totals = new Map<string, { residents: number; staff: number }>();
    for (const row of res.rows) {
      for (const len of lengths) {
        if (len > row.code.length) continue;
        const key = row.code.slice(0, len);
        const t = totals.get(key) ?? { residents: 0, staff: 0 };
        t.residents += row.residents;
        t.staff += row.staff;
        totals.set(key, t);
      }
    }
    return totals;
  },

  /** Every area inside a subtree; used to resolve area codes and names during an import. */
  subtree: async (db: Db, code: string): Promise<AreaRow[]> =>
    (await db.execute<AreaRow & Record<string, unknown>>(sql`select ${cols} from areas where code like ${scopePattern(code)} order by code`)).rows,

  upsertMany: async (db: Db, rows: AreaRow[]) => {
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      await db.execute(sql`
        insert into areas (code, name, level, kind, parent_code)
        select * from unnest(${sql.param(chunk.map((r) => r.code))}::text[], ${sql.param(chunk.map((r) => r.name))}::text[],
                             ${sql.param(chunk.map((r) => r.level))}::text[], ${sql.param(chunk.map((r) => r.kind))}::text[],
                             ${sql.param(chunk.map((r) => r.parentCode))}::text[])
        on conflict (code) do update set name = excluded.name, level = excluded.level,
          kind = excluded.kind, parent_code = excluded.parent_code`);
    }
  },
};
