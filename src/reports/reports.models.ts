/**
 * The dashboard's figures from raw counts and durations, pure: rates of conversations (each counts
 * once, in exactly one outcome, so they add up to 100 %), median and p90, SLA, ratings and the
 * internal satisfaction indicator shaped like Quyết định 766/QĐ-TTg's: (total − không hài lòng) / total,
 * "không hài lòng" being a rating of 1 or 2.
 */

/** Outcomes of a conversation in the period, exclusive, in this order of precedence. */
export const OUTCOMES = ['handed_off', 'answered', 'clarified', 'smalltalk', 'unanswered'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABEL: Record<Outcome | 'resolved_without_staff', string> = {
  handed_off: 'Chuyển cán bộ',
  answered: 'Bot trả lời',
  clarified: 'Bot hỏi lại',
  smalltalk: 'Chỉ chào hỏi',
  unanswered: 'Chưa trả lời được, không mở phiếu',
  resolved_without_staff: 'Xong không cần cán bộ',
};

export const OUTCOME_DEFINITION: Record<Outcome | 'resolved_without_staff', string> = {
  handed_off: 'cuộc trò chuyện có phiếu mở cho cán bộ trong kỳ',
  answered: 'không có phiếu, bot đã trả lời ít nhất một câu (kể cả khi người dân chọn một phương án hỏi lại)',
  clarified: 'không có phiếu, không có câu trả lời, bot đã hỏi lại',
  smalltalk: 'không có phiếu, mọi tin nhắn đều là chào hỏi, cảm ơn',
  unanswered: 'còn lại: bot không trả lời được và không có phiếu',
  resolved_without_staff: 'bot trả lời, không có phiếu và người dân không xin gặp cán bộ (một phần của "Bot trả lời")',
};

export type OutcomeCounts = Record<Outcome, number> & { resolved_without_staff: number };

export function ratesOf(counts: OutcomeCounts): { total: number; rates: Record<Outcome | 'resolved_without_staff', number | null> } {
  const total = OUTCOMES.reduce((sum, o) => sum + counts[o], 0);
  const rate = (n: number) => (total === 0 ? null : n / total);
  return {
    total,
    rates: { ...(Object.fromEntries(OUTCOMES.map((o) => [o, rate(counts[o])])) as Record<Outcome, number | null>), resolved_without_staff: rate(counts.resolved_without_staff) },
  };
}

/** Nearest-rank percentile of numbers (p in 0..1); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export type TicketFacts = { openedAt: Date; firstStaffReplyAt: Date | null; closedAt: Date | null; slaDueAt: Date | null; rating: number | null };

export type SlaCounts = { met: number; missed: number; pending: number };

/** Met: first staff reply by the due time. Missed: after it, or none and the time passed. Pending: neither yet. */
export function slaOf(tickets: readonly TicketFacts[], now: Date): SlaCounts & { share: number | null } {
  const counts: SlaCounts = { met: 0, missed: 0, pending: 0 };
  for (const t of tickets) {
    if (!t.slaDueAt) continue;
    if (t.firstStaffReplyAt) counts[t.firstStaffReplyAt <= t.slaDueAt ? 'met' : 'missed'] += 1;
    else counts[t.slaDueAt <= now ? 'missed' : 'pending'] += 1;
  }
  const decided = counts.met + counts.missed;
  return { ...counts, share: decided === 0 ? null : counts.met / decided };
}

export function ratingsOf(ratings: ReadonlyArray<number | null>): { counts: [number, number, number, number, number]; total: number; dissatisfied: number; satisfiedShare: number | null } {
  const counts: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const r of ratings) if (r !== null && r >= 1 && r <= 5) counts[r - 1] = counts[r - 1]! + 1;
  const total = counts.reduce((a, b) => a + b, 0);
  const dissatisfied = counts[0] + counts[1];
  return { counts, total, dissatisfied, satisfiedShare: total === 0 ? null : (total - dissatisfied) / total };
}

export const formatPercent = (share: number | null) => (share === null ? '—' : `${(Math.round(share * 1000) / 10).toLocaleString('vi-VN')} %`);

/** Working minutes as "2 giờ 05 phút" / "35 phút". */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—';
  const m = Math.round(minutes);
  return m < 60 ? `${m} phút` : `${Math.floor(m / 60)} giờ ${String(m % 60).padStart(2, '0')} phút`;
}
