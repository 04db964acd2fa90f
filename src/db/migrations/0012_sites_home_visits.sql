CREATE TABLE "home_visits" (
	"campaign_id" bigint NOT NULL,
	"resident_id" bigint NOT NULL,
	"area_code" text NOT NULL,
	"sampler" text,
	"cadre_staff_id" bigint,
	"assigned_by" bigint,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "home_visits_campaign_id_resident_id_pk" PRIMARY KEY("campaign_id","resident_id")
);
--> statement-breakpoint
CREATE TABLE "sampling_sites" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"campaign_id" bigint NOT NULL,
	"area_code" text NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"tables" integer NOT NULL,
	"samplers" integer NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"notified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sampling_sites_name_key" ON "sampling_sites" USING btree ("campaign_id","area_code","name");