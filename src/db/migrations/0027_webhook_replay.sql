-- Webhook replay (issue 15, point 10): a receipt or a reply posted again is the same one and changes
-- nothing. Receipts taken are kept, one per message and gateway, by the provider's id of the message.
CREATE TABLE "notify_receipts" (
	"gateway" text NOT NULL,
	"provider_message_id" text NOT NULL,
	"message_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notify_receipts_gateway_provider_message_id_pk" PRIMARY KEY("gateway","provider_message_id")
);
--> statement-breakpoint
-- a reply a provider posted twice before this index was kept twice: the copies after the first lose
-- the provider's id (they stay, as what arrived), so that the index can be built
UPDATE "notify_replies" r SET "provider_id" = NULL
WHERE "provider_id" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "notify_replies" o WHERE o."gateway" = r."gateway" AND o."provider_id" = r."provider_id" AND o."id" < r."id");
--> statement-breakpoint
CREATE UNIQUE INDEX "notify_replies_provider_key" ON "notify_replies" USING btree ("gateway","provider_id");
