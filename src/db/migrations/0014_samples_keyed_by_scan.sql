ALTER TABLE "samples" DROP COLUMN "id";--> statement-breakpoint
DROP INDEX "samples_scan_key";--> statement-breakpoint
ALTER TABLE "samples" ADD PRIMARY KEY ("scan_id");
