CREATE TABLE "notify_attempts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "notify_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"gateway" text NOT NULL,
	"to_phone" text NOT NULL,
	"body" text NOT NULL,
	"parts" integer NOT NULL,
	"topic" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"provider_id" text,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	CONSTRAINT "notify_messages_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "notify_replies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"gateway" text NOT NULL,
	"provider_id" text,
	"from_phone" text NOT NULL,
	"body" text NOT NULL,
	"message_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify_simulator_inbox" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"to_phone" text NOT NULL,
	"body" text NOT NULL,
	"handovers" integer DEFAULT 1 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "notify_attempts_message_idx" ON "notify_attempts" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "notify_messages_due_idx" ON "notify_messages" USING btree ("gateway","next_attempt_at") WHERE status in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "notify_messages_provider_idx" ON "notify_messages" USING btree ("gateway","provider_id");--> statement-breakpoint
CREATE INDEX "notify_messages_phone_idx" ON "notify_messages" USING btree ("to_phone","created_at");--> statement-breakpoint
CREATE INDEX "notify_messages_topic_idx" ON "notify_messages" USING btree ("topic");--> statement-breakpoint
CREATE INDEX "notify_replies_phone_idx" ON "notify_replies" USING btree ("from_phone","received_at");--> statement-breakpoint
CREATE INDEX "notify_sim_inbox_phone_idx" ON "notify_simulator_inbox" USING btree ("to_phone","received_at");