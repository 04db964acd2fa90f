CREATE TABLE "campaigns" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"area_code" text NOT NULL,
	"pool_size" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"target_end" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "labs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"account_id" bigint,
	"capacity_per_day" integer NOT NULL,
	CONSTRAINT "labs_name_unique" UNIQUE("name"),
	CONSTRAINT "labs_account_id_unique" UNIQUE("account_id")
);
--> statement-breakpoint
CREATE TABLE "recalls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"campaign_id" bigint NOT NULL,
	"tube_code" text NOT NULL,
	"resident_id" bigint NOT NULL,
	"area_code" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"scan_id" uuid NOT NULL,
	"campaign_id" bigint NOT NULL,
	"tube_code" text NOT NULL,
	"resident_id" bigint NOT NULL,
	"area_code" text NOT NULL,
	"station" text NOT NULL,
	"scanned_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"repeat" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tube_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tube_code" text NOT NULL,
	"lab_id" bigint NOT NULL,
	"result" text NOT NULL,
	"previous" text,
	"recorded_by" bigint,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tubes" (
	"code" text PRIMARY KEY NOT NULL,
	"campaign_id" bigint NOT NULL,
	"area_code" text NOT NULL,
	"station" text NOT NULL,
	"status" text NOT NULL,
	"members" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sealed_at" timestamp with time zone,
	"box_code" text,
	"shipped_at" timestamp with time zone,
	"lab_id" bigint,
	"received_at" timestamp with time zone,
	"result" text,
	"resulted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "recalls_tube_resident_key" ON "recalls" USING btree ("tube_code","resident_id");--> statement-breakpoint
CREATE INDEX "recalls_area_idx" ON "recalls" USING btree ("campaign_id","area_code");--> statement-breakpoint
CREATE INDEX "recalls_pending_idx" ON "recalls" USING btree ("resident_id") WHERE status = 'pending_retest';--> statement-breakpoint
CREATE UNIQUE INDEX "samples_scan_key" ON "samples" USING btree ("scan_id");--> statement-breakpoint
CREATE INDEX "samples_resident_idx" ON "samples" USING btree ("campaign_id","resident_id");--> statement-breakpoint
CREATE INDEX "samples_tube_idx" ON "samples" USING btree ("tube_code");--> statement-breakpoint
CREATE INDEX "samples_area_idx" ON "samples" USING btree ("campaign_id","area_code");--> statement-breakpoint
CREATE INDEX "tube_results_tube_idx" ON "tube_results" USING btree ("tube_code");--> statement-breakpoint
CREATE INDEX "tubes_campaign_status_idx" ON "tubes" USING btree ("campaign_id","status","area_code");--> statement-breakpoint
CREATE INDEX "tubes_box_idx" ON "tubes" USING btree ("box_code");