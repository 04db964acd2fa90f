-- A tube takes swabs only from its own site's stations: those of the area (village or grid) of the
-- station that opened it (tubes.area_code). A swab of another station into it is refused WRONG_SITE,
-- judged right after the person's code and before the tube's campaign and status, so a station learns
-- nothing of another site's tubes. The same set-based statement as migration 0022, with the station's
-- area of each swab beside it; nothing else changes.
CREATE OR REPLACE FUNCTION testing_record_scans(
  p_ids uuid[], p_campaigns bigint[], p_pool_sizes int[], p_tubes text[], p_residents bigint[],
  p_stations text[], p_station_areas text[], p_at timestamptz[], p_channel text)
RETURNS TABLE (r_ord int, r_outcome text, r_tube text, r_members int, r_repeat boolean, r_refusal text)
LANGUAGE plpgsql
-- by key only: the swabs of a campaign that has just begun have statistics from an empty table
SET enable_seqscan = off
AS $$
DECLARE
  -- per swab: its resident's area (null: no such resident)
  v_areas text[];
  v_codes text[];
  -- per swab, the answer
  v_outcome text[];
  v_tube text[];
  v_members int[];
  v_repeat boolean[];
  v_refusal text[];
BEGIN
  SELECT array_agg(r.area_code ORDER BY u.ord) INTO v_areas
  FROM unnest(p_residents) WITH ORDINALITY AS u(id, ord) LEFT JOIN registry_resident_areas(p_residents) r ON r.id = u.id;
  v_codes := ARRAY(SELECT DISTINCT u.code FROM unnest(p_tubes, v_areas) AS u(code, area) WHERE u.area IS NOT NULL);
  INSERT INTO tubes (code, campaign_id, area_code, station, status)
  SELECT o.code, o.c, o.a, o.s, 'open' FROM (
    SELECT DISTINCT ON (u.code) u.code, u.c, u.a, u.s
    FROM unnest(p_tubes, p_campaigns, p_station_areas, p_stations, v_areas) WITH ORDINALITY AS u(code, c, a, s, area, ord)
    WHERE u.area IS NOT NULL ORDER BY u.code, u.ord) o
  ORDER BY o.code
  ON CONFLICT (code) DO NOTHING;
  PERFORM FROM (SELECT code FROM tubes WHERE code = ANY (v_codes) ORDER BY code FOR UPDATE) l;

  -- a new statement, so a new snapshot: a batch that held one of these tubes has committed
  WITH s AS (
    SELECT u.ord::int AS ord, u.id, u.c, u.pool, u.tube, u.res, u.st, u.at, v_areas[u.ord] AS area,
      min(u.ord::int) OVER (PARTITION BY u.id) AS first, u.sa
    FROM unnest(p_ids, p_campaigns, p_pool_sizes, p_tubes, p_residents, p_stations, p_at, p_station_areas) WITH ORDINALITY AS u(id, c, pool, tube, res, st, at, sa, ord)
  ), judged AS (
    SELECT s.*, p.tube_code AS prev_tube, p.repeat AS prev_repeat, t.members AS held,
      CASE WHEN p.scan_id IS NOT NULL THEN NULL
        WHEN s.area IS NULL THEN 'CODE_INVALID'
        WHEN t.area_code <> s.sa THEN 'WRONG_SITE'
        WHEN t.campaign_id <> s.c THEN 'WRONG_CAMPAIGN'
        WHEN t.status <> 'open' THEN 'TUBE_SEALED' END AS refusal
    FROM s LEFT JOIN samples p ON p.scan_id = s.id LEFT JOIN tubes t ON t.code = s.tube
    WHERE s.ord = s.first
  ), placed AS (
    SELECT j.*, j.prev_tube IS NULL AND j.refusal IS NULL AS candidate,
      j.held + count(*) FILTER (WHERE j.prev_tube IS NULL AND j.refusal IS NULL) OVER (PARTITION BY j.tube ORDER BY j.ord) AS place
    FROM judged j
  ), went AS (
    SELECT p.*, p.candidate AND p.place <= p.pool AS accepted FROM placed p
  ), marked AS (
    SELECT w.*, CASE WHEN w.accepted THEN
        count(*) FILTER (WHERE w.accepted) OVER (PARTITION BY w.c, w.res ORDER BY w.ord) > 1
        OR EXISTS (SELECT FROM samples x WHERE x.resident_id = w.res AND x.campaign_id = w.c) END AS rep
    FROM went w
  ), ins AS (
    INSERT INTO samples (scan_id, campaign_id, tube_code, resident_id, area_code, station, scanned_at, repeat)
    SELECT m.id, m.c, m.tube, m.res, m.area, m.st, m.at, m.rep FROM marked m WHERE m.accepted
    ON CONFLICT (scan_id) DO NOTHING RETURNING tube_code
  ), raised AS (
    -- each tube's count raised by the swabs that went in (the batch holds the tubes' locks)
    UPDATE tubes x SET members = x.members + n.n
    FROM (SELECT ins.tube_code, count(*)::int AS n FROM ins GROUP BY 1) n WHERE x.code = n.tube_code
    RETURNING x.code, x.members
  ), answer AS (
    SELECT s.ord,
      CASE WHEN m.prev_tube IS NOT NULL OR (m.accepted AND s.ord > m.ord) THEN 'already_recorded' WHEN m.accepted THEN 'recorded' ELSE 'refused' END AS outcome,
      coalesce(m.prev_tube, m.tube) AS tube,
      CASE WHEN m.prev_tube IS NOT NULL OR s.ord > m.ord THEN coalesce(
          (SELECT r.members FROM raised r WHERE r.code = coalesce(m.prev_tube, m.tube)),
          (SELECT t.members FROM tubes t WHERE t.code = coalesce(m.prev_tube, m.tube)))
        ELSE m.place END AS members,
      coalesce(m.prev_repeat, m.rep) AS rep,
      CASE WHEN m.prev_tube IS NULL AND NOT m.accepted THEN coalesce(m.refusal, 'TUBE_FULL') END AS refusal
    FROM s JOIN marked m ON m.ord = s.first
  )
  SELECT array_agg(a.outcome ORDER BY a.ord), array_agg(a.tube ORDER BY a.ord), array_agg(a.members ORDER BY a.ord),
    array_agg(a.rep ORDER BY a.ord), array_agg(a.refusal ORDER BY a.ord)
  INTO v_outcome, v_tube, v_members, v_repeat, v_refusal
  FROM answer a;

  RETURN QUERY
  SELECT x.ord::int, x.outcome, x.tube, CASE WHEN x.outcome = 'refused' THEN NULL ELSE x.members END,
    CASE WHEN x.outcome = 'refused' THEN NULL ELSE x.rep END, x.refusal
  FROM unnest(v_outcome, v_tube, v_members, v_repeat, v_refusal) WITH ORDINALITY AS x(outcome, tube, members, rep, refusal, ord);
  -- delivered on commit only (see db/events.ts)
  PERFORM pg_notify(p_channel, json_build_object('name', 'testing.sampled', 'areaCode', e.area, 'data', json_build_object('campaignId', e.campaign, 'n', e.n))::text)
  FROM (SELECT p_campaigns[x.k] AS campaign, v_areas[x.k] AS area, count(*) AS n
        FROM unnest(v_outcome) WITH ORDINALITY AS x(outcome, k) WHERE x.outcome = 'recorded' GROUP BY 1, 2) e;
END
$$;
