ALTER TABLE "messages" ADD COLUMN "handled_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "replay" jsonb;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "source_message_id" bigint;--> statement-breakpoint
CREATE INDEX "messages_unhandled_idx" ON "messages" USING btree ("id") WHERE "messages"."direction" = 'in' and "messages"."handled_at" is null;