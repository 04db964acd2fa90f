-- The idle timeout: a session keeps when it was last used (written at most once a minute), and a
-- token when it was last used (bastion token list). An account's sessions and tokens are found by
-- account when a password, role or area change, a disabled account or a revocation ends them.
ALTER TABLE "api_tokens" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "api_tokens_account_idx" ON "api_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "sessions_account_idx" ON "sessions" USING btree ("account_id");
