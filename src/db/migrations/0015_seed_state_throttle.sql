CREATE TABLE "faq_seed_state" (
	"source" text PRIMARY KEY NOT NULL,
	"files_hash" text NOT NULL,
	"seeded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "flood_state" jsonb;