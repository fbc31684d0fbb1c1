CREATE TABLE "web_uploads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_ref" text NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "kind" text DEFAULT 'message' NOT NULL;--> statement-breakpoint
CREATE INDEX "web_uploads_conversation_idx" ON "web_uploads" USING btree ("conversation_ref");--> statement-breakpoint
CREATE INDEX "web_uploads_created_idx" ON "web_uploads" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "outbox_group_ref_finished_idx" ON "outbox" USING btree (("meta"->>'groupRef'),"id") WHERE "outbox"."meta"->>'groupRef' is not null and "outbox"."status" in ('sent', 'failed');