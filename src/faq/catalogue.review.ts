/**
 * When catalogue entries are due for a fresh check of their facts. Each entry carries `reviewedAt`
 * and `reviewDue`; the lint fails on an entry past its date and the console lists what is due.
 */
import type { FaqEntry } from './faq.types.js';

export type ReviewState = 'current' | 'due_soon' | 'overdue';

/** Days before reviewDue when an entry counts as due soon. */
export const REVIEW_SOON_DAYS = 30;

/** A Date as the calendar date YYYY-MM-DD, in Vietnam's time zone (UTC+7, no daylight saving). */
export function vietnamDate(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** overdue: reviewDue has passed (the due day itself still counts as current or due soon). */
export function reviewState({ entry, today }: { entry: Pick<FaqEntry, 'reviewDue'>; today: string }): ReviewState {
  if (entry.reviewDue < today) return 'overdue';
  if (entry.reviewDue <= addDays(today, REVIEW_SOON_DAYS)) return 'due_soon';
  return 'current';
}

/** Entries that need review, overdue first, then by due date: what the console shows its admin. */
export function entriesDueForReview({ entries, today }: { entries: readonly FaqEntry[]; today: string }): Array<{
  id: string;
  title: string;
  reviewedAt: string;
  reviewDue: string;
  state: Exclude<ReviewState, 'current'>;
}> {
  return entries
    .map((entry) => ({ id: entry.id, title: entry.title, reviewedAt: entry.reviewedAt, reviewDue: entry.reviewDue, state: reviewState({ entry, today }) }))
    .filter((row): row is typeof row & { state: Exclude<ReviewState, 'current'> } => row.state !== 'current')
    .sort((a, b) => a.reviewDue.localeCompare(b.reviewDue) || a.id.localeCompare(b.id));
}
