-- The registry's answer to "which of these residents exist, and in which area": for the testing
-- module's batch of swabs (migration 0019), which reads no registry table itself. A plain SQL
-- function: the planner inlines it into the query that calls it (a look-up by primary key).
CREATE FUNCTION registry_resident_areas(p_ids bigint[])
RETURNS TABLE (id bigint, area_code text)
LANGUAGE sql STABLE
AS $$ SELECT r.id, r.area_code FROM residents r WHERE r.id = ANY (p_ids) $$;
