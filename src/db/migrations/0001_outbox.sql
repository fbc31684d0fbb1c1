CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_ref" text NOT NULL,
	"channel" text NOT NULL,
	"payload" jsonb NOT NULL,
	"meta" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"min_interval_ms" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"external_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "outbox_conversation_idx" ON "outbox" USING btree ("conversation_ref","id");--> statement-breakpoint
CREATE INDEX "outbox_conversation_sent_idx" ON "outbox" USING btree ("conversation_ref","sent_at");--> statement-breakpoint
CREATE INDEX "outbox_external_id_idx" ON "outbox" USING btree ("conversation_ref","external_message_id") WHERE "outbox"."external_message_id" is not null;