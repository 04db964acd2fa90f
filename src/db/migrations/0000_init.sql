CREATE TABLE "accounts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"area_code" text NOT NULL,
	"staff_id" bigint,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"account_id" bigint NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"account_id" bigint,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "areas" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"kind" text,
	"parent_code" text
);
--> statement-breakpoint
CREATE TABLE "households" (
	"household_no" text PRIMARY KEY NOT NULL,
	"area_code" text NOT NULL,
	"address" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"account_id" bigint,
	"scope_code" text NOT NULL,
	"status" text NOT NULL,
	"total_bytes" bigint DEFAULT 0 NOT NULL,
	"read_bytes" bigint DEFAULT 0 NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"failure" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"summary" jsonb
);
--> statement-breakpoint
CREATE TABLE "import_rejections" (
	"job_id" uuid NOT NULL,
	"row_no" integer NOT NULL,
	"field" text NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "import_rejections_job_id_row_no_field_pk" PRIMARY KEY("job_id","row_no","field")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"area_code" text NOT NULL,
	"parent_id" bigint
);
--> statement-breakpoint
CREATE TABLE "residents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"name_initials" text NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	"phone" text,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"area_code" text NOT NULL,
	"household_no" text,
	"bedridden" boolean DEFAULT false NOT NULL,
	"elderly_alone" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"name_initials" text NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	"phone" text,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"work_unit" text NOT NULL,
	"organisation_id" bigint,
	"party_member" boolean DEFAULT false NOT NULL,
	"role" text NOT NULL,
	"assigned_area_code" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rejections" ADD CONSTRAINT "import_rejections_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_subject_idx" ON "audit_log" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "audit_account_idx" ON "audit_log" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "areas_parent_idx" ON "areas" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "areas_code_prefix_idx" ON "areas" USING btree ("code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "households_area_idx" ON "households" USING btree ("area_code" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_name_area_key" ON "organisations" USING btree ("name","area_code");--> statement-breakpoint
CREATE UNIQUE INDEX "residents_id_number_key" ON "residents" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "residents_area_idx" ON "residents" USING btree ("area_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "residents_household_idx" ON "residents" USING btree ("household_no");--> statement-breakpoint
CREATE INDEX "residents_name_idx" ON "residents" USING btree ("name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "residents_initials_idx" ON "residents" USING btree ("name_initials" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "residents_id_tail_idx" ON "residents" USING btree (reverse("id_number") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "residents_phone_tail_idx" ON "residents" USING btree (reverse("phone") text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "staff_id_number_key" ON "staff" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "staff_area_idx" ON "staff" USING btree ("assigned_area_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "staff_name_idx" ON "staff" USING btree ("name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "staff_initials_idx" ON "staff" USING btree ("name_initials" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "staff_id_tail_idx" ON "staff" USING btree (reverse("id_number") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "staff_phone_tail_idx" ON "staff" USING btree (reverse("phone") text_pattern_ops);