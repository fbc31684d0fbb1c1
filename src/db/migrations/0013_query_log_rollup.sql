CREATE TABLE "query_log_days" (
	"conversation_id" bigint NOT NULL,
	"day" date NOT NULL,
	"unit_id" text,
	"questions" integer NOT NULL,
	"answers" integer NOT NULL,
	"clarifies" integer NOT NULL,
	"handoffs" integer NOT NULL,
	"smalltalks" integer NOT NULL,
	CONSTRAINT "query_log_days_key" UNIQUE NULLS NOT DISTINCT("conversation_id","day","unit_id")
);
--> statement-breakpoint
ALTER TABLE "query_log" ADD COLUMN "next_via" text;--> statement-breakpoint
ALTER TABLE "query_log" ADD COLUMN "next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "query_log" ADD COLUMN "staff_after" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "query_log" ADD COLUMN "ticket_id" bigint;--> statement-breakpoint
ALTER TABLE "query_log_days" ADD CONSTRAINT "query_log_days_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "query_log_days_day_idx" ON "query_log_days" USING btree ("day","unit_id");--> statement-breakpoint
CREATE INDEX "query_log_inbox_idx" ON "query_log" USING btree ("asked_at") WHERE "query_log"."resolved_at" is null and (("query_log"."decision" = 'handoff' and coalesce("query_log"."reason", '') <> 'explicit_request') or ("query_log"."decision" = 'clarify' and coalesce("query_log"."next_via", '') <> 'clarify') or ("query_log"."decision" = 'answer' and ("query_log"."confidence" < 0.5 or "query_log"."staff_after")) or "query_log"."ticket_id" is not null);
--> statement-breakpoint
-- What happened next after a question (next via, next time, "gặp cán bộ" within two, the ticket it
-- led to), recomputed for the given conversations from the second question before `since` on: the
-- only rows whose next two questions or ticket window a change at `since` can move.
CREATE FUNCTION query_log_refresh_next(convs bigint[], sinces timestamptz[]) RETURNS void LANGUAGE sql AS $$
  WITH s AS (
    SELECT u.conversation_id, coalesce((
      SELECT min(p.asked_at) FROM (SELECT asked_at FROM query_log p WHERE p.conversation_id = u.conversation_id AND p.asked_at < u.since ORDER BY p.asked_at DESC, p.id DESC LIMIT 2) p
    ), u.since) AS from_at
    FROM unnest(convs, sinces) AS u(conversation_id, since)
  ), w AS (
    SELECT l.id, l.conversation_id, l.asked_at,
      lead(l.via) OVER o AS next_via, lead(l.asked_at) OVER o AS next_at,
      coalesce((lead(l.decision) OVER o = 'handoff' AND lead(l.reason) OVER o = 'explicit_request')
        OR (lead(l.decision, 2) OVER o = 'handoff' AND lead(l.reason, 2) OVER o = 'explicit_request'), false) AS staff_after
    FROM s JOIN query_log l ON l.conversation_id = s.conversation_id AND l.asked_at >= s.from_at
    WINDOW o AS (PARTITION BY l.conversation_id ORDER BY l.asked_at, l.id)
  ), n AS (
    SELECT w.*, (
      SELECT t.id FROM tickets t WHERE t.conversation_id = w.conversation_id AND t.opened_at >= w.asked_at AND (w.next_at IS NULL OR t.opened_at < w.next_at)
      ORDER BY t.opened_at, t.id LIMIT 1
    ) AS ticket_id
    FROM w
  )
  UPDATE query_log l SET next_via = n.next_via, next_at = n.next_at, staff_after = n.staff_after, ticket_id = n.ticket_id
  FROM n WHERE l.id = n.id AND (l.next_via, l.next_at, l.staff_after, l.ticket_id) IS DISTINCT FROM (n.next_via, n.next_at, n.staff_after, n.ticket_id)
$$;
--> statement-breakpoint
-- One batch of questions: added to the day rollup, and what happened next refreshed around them.
CREATE FUNCTION query_log_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO query_log_days AS d (conversation_id, day, unit_id, questions, answers, clarifies, handoffs, smalltalks)
  SELECT conversation_id, (asked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, unit_id, count(*),
    count(*) FILTER (WHERE decision = 'answer'), count(*) FILTER (WHERE decision = 'clarify'),
    count(*) FILTER (WHERE decision = 'handoff'), count(*) FILTER (WHERE decision = 'smalltalk')
  FROM inserted GROUP BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT query_log_days_key DO UPDATE SET
    questions = d.questions + excluded.questions, answers = d.answers + excluded.answers, clarifies = d.clarifies + excluded.clarifies,
    handoffs = d.handoffs + excluded.handoffs, smalltalks = d.smalltalks + excluded.smalltalks;
  PERFORM query_log_refresh_next(array_agg(conversation_id), array_agg(since))
  FROM (SELECT conversation_id, min(asked_at) AS since FROM inserted GROUP BY 1) s;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Erasure and retention: subtracted from the rollup; a question before a deleted one gets its next refreshed.
CREATE FUNCTION query_log_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE query_log_days d SET questions = d.questions - o.questions, answers = d.answers - o.answers, clarifies = d.clarifies - o.clarifies,
    handoffs = d.handoffs - o.handoffs, smalltalks = d.smalltalks - o.smalltalks
  FROM (
    SELECT conversation_id, (asked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, unit_id, count(*) AS questions,
      count(*) FILTER (WHERE decision = 'answer') AS answers, count(*) FILTER (WHERE decision = 'clarify') AS clarifies,
      count(*) FILTER (WHERE decision = 'handoff') AS handoffs, count(*) FILTER (WHERE decision = 'smalltalk') AS smalltalks
    FROM deleted GROUP BY 1, 2, 3
  ) o
  WHERE d.conversation_id = o.conversation_id AND d.day = o.day AND d.unit_id IS NOT DISTINCT FROM o.unit_id;
  DELETE FROM query_log_days d USING (SELECT DISTINCT conversation_id FROM deleted) o WHERE d.conversation_id = o.conversation_id AND d.questions <= 0;
  -- Retention deletes the oldest questions and erasure all of them: usually nothing is left before.
  PERFORM query_log_refresh_next(array_agg(conversation_id), array_agg(since))
  FROM (SELECT conversation_id, min(asked_at) AS since FROM deleted GROUP BY 1) s
  WHERE EXISTS (SELECT 1 FROM query_log p WHERE p.conversation_id = s.conversation_id AND p.asked_at <= s.since);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A ticket opened, moved or deleted: the question whose window holds its opening time gets its ticket recomputed.
-- (The tickets table is the handoff module's; this trigger only reads it.)
CREATE FUNCTION query_log_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  conv bigint;
  at timestamptz;
BEGIN
  FOR conv, at IN
    SELECT OLD.conversation_id, OLD.opened_at WHERE TG_OP <> 'INSERT'
    UNION ALL SELECT NEW.conversation_id, NEW.opened_at WHERE TG_OP <> 'DELETE'
  LOOP
    CONTINUE WHEN conv IS NULL;
    UPDATE query_log l SET ticket_id = (
      SELECT t.id FROM tickets t WHERE t.conversation_id = l.conversation_id AND t.opened_at >= l.asked_at AND (l.next_at IS NULL OR t.opened_at < l.next_at)
      ORDER BY t.opened_at, t.id LIMIT 1
    )
    WHERE l.id = (SELECT p.id FROM query_log p WHERE p.conversation_id = conv AND p.asked_at <= at ORDER BY p.asked_at DESC, p.id DESC LIMIT 1);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER query_log_after_insert AFTER INSERT ON query_log REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION query_log_after_insert();
--> statement-breakpoint
CREATE TRIGGER query_log_after_delete AFTER DELETE ON query_log REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION query_log_after_delete();
--> statement-breakpoint
CREATE TRIGGER query_log_ticket_changed AFTER INSERT OR DELETE OR UPDATE OF conversation_id, opened_at ON tickets FOR EACH ROW EXECUTE FUNCTION query_log_ticket_changed();
--> statement-breakpoint
-- Rows logged before this migration.
INSERT INTO query_log_days (conversation_id, day, unit_id, questions, answers, clarifies, handoffs, smalltalks)
SELECT conversation_id, (asked_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, unit_id, count(*),
  count(*) FILTER (WHERE decision = 'answer'), count(*) FILTER (WHERE decision = 'clarify'),
  count(*) FILTER (WHERE decision = 'handoff'), count(*) FILTER (WHERE decision = 'smalltalk')
FROM query_log GROUP BY 1, 2, 3;
--> statement-breakpoint
SELECT query_log_refresh_next(array_agg(conversation_id), array_agg(since)) FROM (SELECT conversation_id, min(asked_at) AS since FROM query_log GROUP BY 1) s;
