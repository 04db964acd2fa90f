DROP INDEX "samples_resident_idx";--> statement-breakpoint
CREATE INDEX "samples_resident_idx" ON "samples" USING btree ("resident_id","campaign_id");