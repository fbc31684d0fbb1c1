ALTER TABLE "tickets" ADD COLUMN "source_external_id" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "deliver_to_ref" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "private_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_deliver_to_idx" ON "tickets" USING btree ("deliver_to_ref") WHERE "tickets"."deliver_to_ref" is not null;