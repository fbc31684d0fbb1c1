ALTER TABLE "admin_accounts" ADD COLUMN "staff_id" text;--> statement-breakpoint
CREATE INDEX "tickets_unit_opened_idx" ON "tickets" USING btree ("unit_id","opened_at");--> statement-breakpoint
CREATE INDEX "tickets_assignee_opened_idx" ON "tickets" USING btree ("assignee_staff_id","opened_at");--> statement-breakpoint
CREATE INDEX "tickets_awaiting_reply_due_idx" ON "tickets" USING btree ("sla_due_at") WHERE "tickets"."first_staff_reply_at" is null and "tickets"."status" in ('open', 'claimed');