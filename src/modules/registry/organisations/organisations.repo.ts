import type pg from 'pg';
import { scopePattern } from '../../access/index.js';

export interface OrganisationRow {
  id: number;
  name: string;
  kind: string;
  areaCode: string;
  parentId: number | null;
  staff: number;
}

export const organisationsRepo = {
  /** Organisations whose area lies in the subtree, or above it (the district's departments serve every village). */
  list: async (pool: pg.Pool, area: string, kind?: string): Promise<OrganisationRow[]> =>
    (
      await pool.query<OrganisationRow>(
        `select o.id, o.name, o.kind, o.area_code as "areaCode", o.parent_id as "parentId",
                (select count(*)::int from staff s where s.organisation_id = o.id and s.assigned_area_code like $1) as staff
         from organisations o
         where (o.area_code like $1 or $2 like o.area_code || '%') and ($3::text is null or o.kind = $3)
         order by o.kind, o.area_code, o.name`,
        [scopePattern(area), area, kind ?? null],
      )
    ).rows,
};
