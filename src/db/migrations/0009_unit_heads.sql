ALTER TABLE "staff" ADD COLUMN "unit_head" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "staff_unit_head_idx" ON "staff" USING btree ("work_unit") WHERE unit_head;