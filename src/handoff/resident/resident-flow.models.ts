/**
 * Pure rules of the resident's side of an open ticket, read from its audit trail (ticket events).
 */

/** Follow-ups closer together than this are one burst: acknowledged once. */
export const ACK_BURST_MS = 10 * 60_000;

type EventLike = { type: string; createdAt?: Date; at?: Date; text?: string | null; data?: Record<string, unknown> | null };

const when = (e: EventLike) => (e.at ?? e.createdAt ?? new Date(0)).getTime();

/**
 * Acknowledge a resident's follow-up (the events before it was recorded): yes when it starts a burst —
 * no earlier follow-up, a staff reply since the last one, or the last one older than ACK_BURST_MS.
 * Media forwarded with the card count as follow-ups, so "card + photo + 'đây ạ'" is one burst.
 */
export function shouldAcknowledge({ events, now, burstMs = ACK_BURST_MS }: { events: readonly EventLike[]; now: Date; burstMs?: number }): boolean {
  const lastFollowUp = events.findLastIndex((e) => e.type === 'resident_message');
  if (lastFollowUp < 0) return true;
  if (events.slice(lastFollowUp + 1).some((e) => e.type === 'reply')) return true;
  return now.getTime() - when(events[lastFollowUp]!) > burstMs;
}

/**
 * Staff replies that bounced (the resident had blocked the bot) and were not sent again since:
 * what `/guilai` re-sends once the resident is back. Oldest first.
 */
export function undeliveredReplies({ events }: { events: readonly EventLike[] }): { texts: string[] } {
  const lastResend = events.findLastIndex((e) => e.type === 'relay_resent');
  const texts = events
    .slice(lastResend + 1)
    .filter((e) => e.type === 'relay_failed' && e.data?.role === 'staff_reply' && e.text)
    .map((e) => e.text!);
  return { texts };
}
