-- A batch of swabs recorded by one statement, in one round trip (see scans.service.ts): with the
-- statements sent one by one, a batch waited for seven round trips, and the CPU of a busy
-- machine went to their parsing and planning rather than to the swabs. A swab whose resident the
-- registry does not know (registry_resident_areas, migration 0018) is refused.
--
-- Tubes are opened at their first swab and every tube of the batch is locked, in one order; what
-- is already recorded is read after the locks (a station that sent the same swab twice at once
-- waits for the batch holding it, then finds it). Each swab is then judged in arrival order
-- against its tube as the batch leaves it (its campaign, sealed, full); a person already sampled
-- in the campaign is kept and marked `repeat` (two stations offline). One event per village.
CREATE FUNCTION testing_record_scans(
  p_ids uuid[], p_campaigns bigint[], p_pool_sizes int[], p_tubes text[], p_residents bigint[],
  p_stations text[], p_station_areas text[], p_at timestamptz[], p_channel text)
RETURNS TABLE (r_ord int, r_outcome text, r_tube text, r_members int, r_repeat boolean, r_refusal text)
LANGUAGE plpgsql
-- by key only: the swabs of a campaign that has just begun have statistics from an empty table
SET enable_seqscan = off
AS $$
DECLARE
  n int := coalesce(cardinality(p_ids), 0);
  -- per swab: its resident's area (null: no such resident)
  v_areas text[];
  -- the batch's tubes, locked: code, campaign, status and members (as the batch leaves it), by position
  v_codes text[];
  v_camps bigint[];
  v_status text[];
  v_members int[];
  -- per swab: its tube if recorded before, and that sample's repeat flag
  v_prev_tube text[];
  v_prev_rep boolean[];
  -- 'campaign:resident' of every person sampled (before, or in this batch)
  v_seen text[];
  -- the swabs that go in: their positions, repeat flags and ids
  v_ins int[] := '{}';
  v_rep boolean[] := '{}';
  v_ins_ids uuid[] := '{}';
  t int;
  k int;
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
  SELECT coalesce(array_agg(l.code ORDER BY l.code), '{}'), array_agg(l.campaign_id ORDER BY l.code), array_agg(l.status ORDER BY l.code), array_agg(l.members ORDER BY l.code)
  INTO v_codes, v_camps, v_status, v_members
  FROM (SELECT code, campaign_id, status, members FROM tubes WHERE code = ANY (v_codes) ORDER BY code FOR UPDATE) l;

  -- a new statement, so a new snapshot: a batch that held one of these tubes has committed
  SELECT array_agg(s.tube_code ORDER BY u.ord), array_agg(s.repeat ORDER BY u.ord) INTO v_prev_tube, v_prev_rep
  FROM unnest(p_ids) WITH ORDINALITY AS u(id, ord) LEFT JOIN samples s ON s.scan_id = u.id;
  -- by resident alone: a person has a few swabs in all (with the campaign in the condition too,
  -- the planner, working from statistics taken when the campaign began, read all of its swabs)
  v_seen := ARRAY(SELECT s.campaign_id || ':' || s.resident_id FROM samples s WHERE s.resident_id = ANY (p_residents));

  FOR i IN 1 .. n LOOP
    r_ord := i;
    r_refusal := NULL;
    k := array_position(v_ins_ids, p_ids[i]);
    IF k IS NOT NULL THEN -- the same swab earlier in this batch
      v_prev_tube[i] := p_tubes[v_ins[k]];
      v_prev_rep[i] := v_rep[k];
    END IF;
    IF v_prev_tube[i] IS NOT NULL THEN
      r_outcome := 'already_recorded';
      r_tube := v_prev_tube[i];
      r_repeat := v_prev_rep[i];
      t := array_position(v_codes, r_tube);
      r_members := CASE WHEN t IS NULL THEN (SELECT x.members FROM tubes x WHERE x.code = r_tube) ELSE v_members[t] END;
      RETURN NEXT;
      CONTINUE;
    END IF;
    r_outcome := 'refused';
    r_tube := p_tubes[i];
    r_members := NULL;
    r_repeat := NULL;
    t := array_position(v_codes, p_tubes[i]);
    IF v_areas[i] IS NULL THEN r_refusal := 'CODE_INVALID';
    ELSIF v_camps[t] <> p_campaigns[i] THEN r_refusal := 'WRONG_CAMPAIGN';
    ELSIF v_status[t] <> 'open' THEN r_refusal := 'TUBE_SEALED';
    ELSIF v_members[t] >= p_pool_sizes[i] THEN r_refusal := 'TUBE_FULL';
    ELSE
      v_members[t] := v_members[t] + 1;
      r_repeat := (p_campaigns[i] || ':' || p_residents[i]) = ANY (v_seen);
      v_seen := array_append(v_seen, p_campaigns[i] || ':' || p_residents[i]);
      v_ins := array_append(v_ins, i);
      v_rep := array_append(v_rep, r_repeat);
      v_ins_ids := array_append(v_ins_ids, p_ids[i]);
      r_outcome := 'recorded';
      r_members := v_members[t];
    END IF;
    RETURN NEXT;
  END LOOP;

  IF cardinality(v_ins) > 0 THEN
    -- each tube's count raised by the swabs that went in (the batch holds the tubes' locks)
    WITH ins AS (
      INSERT INTO samples (scan_id, campaign_id, tube_code, resident_id, area_code, station, scanned_at, repeat)
      SELECT p_ids[x.k], p_campaigns[x.k], p_tubes[x.k], p_residents[x.k], v_areas[x.k], p_stations[x.k], p_at[x.k], x.r
      FROM unnest(v_ins, v_rep) AS x(k, r)
      ON CONFLICT (scan_id) DO NOTHING RETURNING tube_code)
    UPDATE tubes x SET members = x.members + c.n
    FROM (SELECT ins.tube_code, count(*)::int AS n FROM ins GROUP BY 1) c WHERE x.code = c.tube_code;
    -- delivered on commit only (see db/events.ts)
    PERFORM pg_notify(p_channel, json_build_object('name', 'testing.sampled', 'areaCode', e.area, 'data', json_build_object('campaignId', e.campaign, 'n', e.n))::text)
    FROM (SELECT p_campaigns[x.k] AS campaign, v_areas[x.k] AS area, count(*) AS n FROM unnest(v_ins) AS x(k) GROUP BY 1, 2) e;
  END IF;
END
$$;
