DROP INDEX "residents_id_tail_idx";--> statement-breakpoint
DROP INDEX "residents_household_idx";--> statement-breakpoint
DROP INDEX "staff_id_tail_idx";--> statement-breakpoint
DROP INDEX "residents_id_number_key";--> statement-breakpoint
DROP INDEX "residents_area_idx";--> statement-breakpoint
DROP INDEX "staff_id_number_key";--> statement-breakpoint
CREATE UNIQUE INDEX "residents_id_number_key" ON "residents" USING btree (reverse("id_number"));--> statement-breakpoint
CREATE INDEX "residents_area_idx" ON "residents" USING btree ("area_code","household_no");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_id_number_key" ON "staff" USING btree (reverse("id_number"));