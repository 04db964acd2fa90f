CREATE TABLE "shifts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"staff_id" bigint NOT NULL,
	"staff_name" text NOT NULL,
	"area_code" text NOT NULL,
	"post" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reminded_at" timestamp with time zone,
	CONSTRAINT "shifts_client_id_unique" UNIQUE("client_id")
);
--> statement-breakpoint
CREATE INDEX "shifts_staff_idx" ON "shifts" USING btree ("staff_id","starts_at");--> statement-breakpoint
CREATE INDEX "shifts_area_idx" ON "shifts" USING btree ("area_code","starts_at");