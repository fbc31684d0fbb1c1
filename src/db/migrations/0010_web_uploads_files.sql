ALTER TABLE "web_uploads" ALTER COLUMN "data" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "web_uploads" ADD COLUMN "storage_key" text;--> statement-breakpoint
CREATE INDEX "web_uploads_storage_key_idx" ON "web_uploads" USING btree ("storage_key");