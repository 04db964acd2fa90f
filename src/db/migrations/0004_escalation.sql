ALTER TABLE "callup_members" ADD COLUMN "resent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "callup_members" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "callups" ADD COLUMN "escalation" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "phone_undeliverable_at" timestamp with time zone;