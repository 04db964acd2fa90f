-- Residents' pages with the resident's area (migration 0020 gave the page alone): each process keeps
-- the pages it served and drops, when swabs are taken in a village, that village's pages only.
DROP FUNCTION testing_resident_pages(bigint[]);
--> statement-breakpoint
DROP FUNCTION registry_resident_names(bigint[]);
--> statement-breakpoint
-- The registry's answer to "what are these residents called, and where do they live": for the
-- testing module's residents' pages (below), which reads no registry table itself.
CREATE FUNCTION registry_resident_names(p_ids bigint[])
RETURNS TABLE (id bigint, name text, area_code text, area_name text)
LANGUAGE sql STABLE
-- the area's name by key for each: planned for an array of any length, a join read all the areas
AS $$ SELECT r.id, r.name, r.area_code, (SELECT a.name FROM areas a WHERE a.code = r.area_code) FROM residents r WHERE r.id = ANY (p_ids) $$;
--> statement-breakpoint
-- Residents' own pages (lookups.service.ts), read for a batch of residents in one statement and
-- built here as the JSON the page is sent as: when results come out, a district's phones ask by
-- the thousand a second, and the server's one core went to parsing rows, shaping and serialising
-- them. Each page is {name, areaName, samples}: a resident's last 20 samples, newest first; a
-- pooled positive is not the person's result (they wait for their own retest), so it shows none.
-- One generic plan, kept by the session (planned anew for each batch's array, a fifth of the
-- statement's time went to planning), by key only: a plan made while a campaign's first swabs
-- had statistics from an empty table would read every swab for each resident.
CREATE FUNCTION testing_resident_pages(p_ids bigint[])
RETURNS TABLE (id bigint, area_code text, page text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
BEGIN
  RETURN QUERY
  SELECT r.id, r.area_code, json_build_object('name', r.name, 'areaName', r.area_name, 'samples', coalesce((
    SELECT json_agg(json_build_object(
      'campaign', c.title,
      'scannedAt', to_char(s.scanned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'pooled', t.members > 1,
      'result', CASE WHEN t.result = 'positive' AND t.members > 1 THEN NULL ELSE t.result END,
      'resultedAt', to_char(t.resulted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'recall', (SELECT rc.status FROM recalls rc WHERE rc.resident_id = s.resident_id AND rc.tube_code = s.tube_code)
    ) ORDER BY s.scanned_at DESC)
    FROM (SELECT * FROM samples s WHERE s.resident_id = r.id ORDER BY s.scanned_at DESC LIMIT 20) s
    JOIN tubes t ON t.code = s.tube_code JOIN campaigns c ON c.id = s.campaign_id), '[]'))::text
  FROM registry_resident_names(p_ids) r;
END
$$;
