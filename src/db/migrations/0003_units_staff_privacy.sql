CREATE TABLE "privacy_notices" (
	"conversation_id" bigint PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"shown_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"kind" text DEFAULT 'delete' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "holidays" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"unit_id" text,
	"date" date NOT NULL,
	"kind" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roster_shifts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"unit_id" text NOT NULL,
	"weekday" smallint,
	"date" date,
	"start_time" text,
	"end_time" text,
	"staff_ids" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "roster_shifts_weekday_or_date" CHECK (("roster_shifts"."weekday" is null) <> ("roster_shifts"."date" is null))
);
--> statement-breakpoint
CREATE TABLE "staff_groups" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"unit_id" text NOT NULL,
	"conversation_ref" text NOT NULL,
	"forum" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_groups_conversation_ref_unique" UNIQUE("conversation_ref")
);
--> statement-breakpoint
CREATE TABLE "staff_members" (
	"id" text PRIMARY KEY NOT NULL,
	"unit_id" text NOT NULL,
	"name" text NOT NULL,
	"role" text DEFAULT 'staff' NOT NULL,
	"telegram_user_id" text,
	"zalo_user_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_choice_prompts" (
	"conversation_id" bigint PRIMARY KEY NOT NULL,
	"pending_text" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_settings" (
	"unit_id" text PRIMARY KEY NOT NULL,
	"short_name" text,
	"position" integer DEFAULT 0 NOT NULL,
	"timezone" text DEFAULT 'Asia/Ho_Chi_Minh' NOT NULL,
	"office_hours" jsonb NOT NULL,
	"sla_minutes" integer DEFAULT 120 NOT NULL,
	"ticket_policy" text DEFAULT 'ask_first' NOT NULL,
	"lead_staff_id" text,
	"seeded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "privacy_notices" ADD CONSTRAINT "privacy_notices_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD CONSTRAINT "privacy_requests_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holidays" ADD CONSTRAINT "holidays_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_shifts" ADD CONSTRAINT "roster_shifts_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_groups" ADD CONSTRAINT "staff_groups_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_choice_prompts" ADD CONSTRAINT "unit_choice_prompts_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_settings" ADD CONSTRAINT "unit_settings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_requests_conversation_idx" ON "privacy_requests" USING btree ("conversation_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "holidays_scope_date_key" ON "holidays" USING btree (coalesce("unit_id", ''),"date");--> statement-breakpoint
CREATE INDEX "roster_shifts_unit_idx" ON "roster_shifts" USING btree ("unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_members_unit_telegram_key" ON "staff_members" USING btree ("unit_id","telegram_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_members_unit_zalo_key" ON "staff_members" USING btree ("unit_id","zalo_user_id");--> statement-breakpoint
CREATE INDEX "staff_members_telegram_idx" ON "staff_members" USING btree ("telegram_user_id");--> statement-breakpoint
CREATE INDEX "staff_members_zalo_idx" ON "staff_members" USING btree ("zalo_user_id");