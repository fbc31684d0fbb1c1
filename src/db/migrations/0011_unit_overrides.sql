CREATE TABLE "faq_override_revisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"revision" integer NOT NULL,
	"data" jsonb,
	"author" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "faq_override_revisions_key" UNIQUE("entry_id","unit_id","revision")
);
--> statement-breakpoint
CREATE TABLE "faq_overrides" (
	"entry_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"data" jsonb,
	"revision" integer DEFAULT 1 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "faq_overrides_entry_id_unit_id_pk" PRIMARY KEY("entry_id","unit_id")
);
--> statement-breakpoint
ALTER TABLE "faq_overrides" ADD CONSTRAINT "faq_overrides_entry_id_faq_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."faq_entries"("id") ON DELETE cascade ON UPDATE no action;