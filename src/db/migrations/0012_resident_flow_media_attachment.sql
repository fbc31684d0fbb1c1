ALTER TABLE "conversations" ADD COLUMN "resident_flow" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "attachment" jsonb;