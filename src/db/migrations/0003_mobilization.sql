CREATE TABLE "callup_members" (
	"callup_id" bigint NOT NULL,
	"staff_id" bigint NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"work_unit" text NOT NULL,
	"area_code" text NOT NULL,
	"area_name" text NOT NULL,
	"ack_at" timestamp with time zone,
	"ack_method" text,
	"checkin_at" timestamp with time zone,
	"checkin_method" text,
	"checkin_by" bigint,
	"distance_m" integer,
	CONSTRAINT "callup_members_callup_id_staff_id_pk" PRIMARY KEY("callup_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "callups" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"template" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"area_code" text NOT NULL,
	"target" jsonb NOT NULL,
	"status" text NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"sent_by" bigint
);
--> statement-breakpoint
CREATE TABLE "checkin_points" (
	"area_code" text PRIMARY KEY NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"radius_m" integer DEFAULT 300 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "callup_members_area_idx" ON "callup_members" USING btree ("callup_id","area_code");