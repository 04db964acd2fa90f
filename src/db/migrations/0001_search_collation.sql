DROP INDEX "areas_code_prefix_idx";--> statement-breakpoint
DROP INDEX "households_area_idx";--> statement-breakpoint
DROP INDEX "residents_area_idx";--> statement-breakpoint
DROP INDEX "residents_name_idx";--> statement-breakpoint
DROP INDEX "residents_initials_idx";--> statement-breakpoint
DROP INDEX "residents_id_tail_idx";--> statement-breakpoint
DROP INDEX "residents_phone_tail_idx";--> statement-breakpoint
DROP INDEX "staff_area_idx";--> statement-breakpoint
DROP INDEX "staff_name_idx";--> statement-breakpoint
DROP INDEX "staff_initials_idx";--> statement-breakpoint
DROP INDEX "staff_id_tail_idx";--> statement-breakpoint
DROP INDEX "staff_phone_tail_idx";--> statement-breakpoint
-- byte-order collation: LIKE prefix searches and ORDER BY use plain btree indexes (see registry.tables.ts)
ALTER TABLE "areas" ALTER COLUMN "code" TYPE text COLLATE "C", ALTER COLUMN "parent_code" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "household_no" TYPE text COLLATE "C", ALTER COLUMN "area_code" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "residents" ALTER COLUMN "id_number" TYPE text COLLATE "C", ALTER COLUMN "name" TYPE text COLLATE "C", ALTER COLUMN "name_initials" TYPE text COLLATE "C", ALTER COLUMN "phone" TYPE text COLLATE "C", ALTER COLUMN "area_code" TYPE text COLLATE "C", ALTER COLUMN "household_no" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "staff" ALTER COLUMN "id_number" TYPE text COLLATE "C", ALTER COLUMN "name" TYPE text COLLATE "C", ALTER COLUMN "name_initials" TYPE text COLLATE "C", ALTER COLUMN "phone" TYPE text COLLATE "C", ALTER COLUMN "assigned_area_code" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "organisations" ALTER COLUMN "area_code" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "import_jobs" ALTER COLUMN "scope_code" TYPE text COLLATE "C";--> statement-breakpoint
CREATE INDEX "households_area_idx" ON "households" USING btree ("area_code");--> statement-breakpoint
CREATE INDEX "residents_area_idx" ON "residents" USING btree ("area_code");--> statement-breakpoint
CREATE INDEX "residents_name_idx" ON "residents" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "residents_initials_idx" ON "residents" USING btree ("name_initials","id");--> statement-breakpoint
CREATE INDEX "residents_id_tail_idx" ON "residents" USING btree (reverse("id_number"));--> statement-breakpoint
CREATE INDEX "residents_phone_tail_idx" ON "residents" USING btree (reverse("phone"));--> statement-breakpoint
CREATE INDEX "staff_area_idx" ON "staff" USING btree ("assigned_area_code");--> statement-breakpoint
CREATE INDEX "staff_name_idx" ON "staff" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "staff_initials_idx" ON "staff" USING btree ("name_initials","id");--> statement-breakpoint
CREATE INDEX "staff_id_tail_idx" ON "staff" USING btree (reverse("id_number"));--> statement-breakpoint
CREATE INDEX "staff_phone_tail_idx" ON "staff" USING btree (reverse("phone"));--> statement-breakpoint
ANALYZE "areas", "households", "residents", "staff";
