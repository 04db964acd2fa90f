ALTER TABLE "residents" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
-- A purged resident (bastion purge: the emergency over, their identity erased) has no page and
-- takes no swab: their personal code names a record that no longer says who they are.
CREATE OR REPLACE FUNCTION registry_resident_names(p_ids bigint[])
RETURNS TABLE (id bigint, name text, area_code text, area_name text)
LANGUAGE sql STABLE
AS $$ SELECT r.id, r.name, r.area_code, (SELECT a.name FROM areas a WHERE a.code = r.area_code) FROM residents r WHERE r.id = ANY (p_ids) AND r.purged_at IS NULL $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION registry_resident_areas(p_ids bigint[])
RETURNS TABLE (id bigint, area_code text)
LANGUAGE sql STABLE
AS $$ SELECT r.id, r.area_code FROM residents r WHERE r.id = ANY (p_ids) AND r.purged_at IS NULL $$;
