CREATE SEQUENCE "public"."ticket_code_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"type" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_staff_id" text,
	"text" text,
	"is_internal" boolean DEFAULT false NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_faq_drafts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"unit_id" text NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_by_staff_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_message_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"conversation_ref" text NOT NULL,
	"external_message_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_threads" (
	"ticket_id" bigint NOT NULL,
	"group_ref" text NOT NULL,
	"thread_ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_threads_ticket_id_group_ref_pk" PRIMARY KEY("ticket_id","group_ref")
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"unit_id" text NOT NULL,
	"conversation_id" bigint,
	"resident_channel" text NOT NULL,
	"resident_ref" text NOT NULL,
	"resident_name" text,
	"status" text DEFAULT 'open' NOT NULL,
	"assignee_staff_id" text,
	"reason" text NOT NULL,
	"question" text DEFAULT '' NOT NULL,
	"bot_guesses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"first_staff_reply_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_by_staff_id" text,
	"undeliverable_at" timestamp with time zone,
	"sla_due_at" timestamp with time zone,
	"sla_reminded_at" timestamp with time zone,
	"sla_escalated_at" timestamp with time zone,
	"rating" integer,
	"rated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tickets_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_faq_drafts" ADD CONSTRAINT "ticket_faq_drafts_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_message_links" ADD CONSTRAINT "ticket_message_links_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_threads" ADD CONSTRAINT "ticket_threads_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE INDEX "ticket_faq_drafts_status_idx" ON "ticket_faq_drafts" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_message_links_message_key" ON "ticket_message_links" USING btree ("conversation_ref","external_message_id");--> statement-breakpoint
CREATE INDEX "ticket_message_links_ticket_idx" ON "ticket_message_links" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_threads_thread_idx" ON "ticket_threads" USING btree ("thread_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_one_active_per_conversation" ON "tickets" USING btree ("conversation_id") WHERE "tickets"."status" in ('open', 'claimed', 'undeliverable');--> statement-breakpoint
CREATE INDEX "tickets_unit_status_idx" ON "tickets" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "tickets_opened_at_idx" ON "tickets" USING btree ("opened_at");