CREATE TABLE "query_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"message_id" bigint,
	"unit_id" text,
	"channel" text NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"text" text NOT NULL,
	"normalized" text NOT NULL,
	"cluster_key" text NOT NULL,
	"via" text NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"entry_id" text,
	"aspect" text,
	"confidence" real NOT NULL,
	"candidates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" text,
	"resolution_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regression_cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"expected_decision" text NOT NULL,
	"expected_entry_id" text,
	"unit_id" text,
	"created_by" text NOT NULL,
	"source_query_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "query_log" ADD CONSTRAINT "query_log_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "query_log" ADD CONSTRAINT "query_log_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "query_log_conversation_idx" ON "query_log" USING btree ("conversation_id","asked_at");--> statement-breakpoint
CREATE INDEX "query_log_unit_asked_idx" ON "query_log" USING btree ("unit_id","asked_at");--> statement-breakpoint
CREATE INDEX "query_log_asked_idx" ON "query_log" USING btree ("asked_at");--> statement-breakpoint
CREATE INDEX "tickets_conversation_opened_idx" ON "tickets" USING btree ("conversation_id","opened_at");