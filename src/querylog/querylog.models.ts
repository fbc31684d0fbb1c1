/** Pure rules of the query log and the unanswered inbox: masking, cluster keys, inbox reasons, clustering. */
import type { QueryLogEntry } from '../bot/core/query-log.port.js';
import { cleanText, foldDiacritics, splitTokens } from '../faq/text.normalize.js';
import { maskPersonalNumbers } from '../logger.js';

export const MAX_LOGGED_CHARS = 600;
/** An answer below this confidence is "low confidence" in the inbox (the calibrated answer threshold is 0.42). */
export const LOW_CONFIDENCE = 0.5;

/** Words that say nothing about the subject (folded): dropped from cluster keys only. */
const FILLER = new Set(
  'a ah ak a oi oi vay vay nhe nha nhi ha the thi la gi nao sao nhu ma va voi cho cua toi em anh chi minh ban bac co chu ad admin shop xin hoi muon can phai duoc dc khong ko k hong hok khg ak u uh vang da ve o tai thi lam sao bao nhieu'.split(' '),
);

export type QueryLogInsert = {
  conversationId: number;
  messageId: number | null;
  unitId: string | null;
  channel: string;
  askedAt: Date;
  text: string;
  normalized: string;
  clusterKey: string;
  via: 'typed' | 'clarify';
  decision: 'answer' | 'clarify' | 'handoff' | 'smalltalk';
  reason: string | null;
  entryId: string | null;
  aspect: string | null;
  confidence: number;
  candidates: Array<{ id: string; title: string; score: number }>;
};

/** Phone and ID numbers become "***123" in the text and the word "so" in the normalised form. */
export function toQueryLogRow(entry: QueryLogEntry): QueryLogInsert {
  const masked = maskPersonalNumbers(entry.text.slice(0, MAX_LOGGED_CHARS * 2)).slice(0, MAX_LOGGED_CHARS);
  const normalized = cleanText(masked.replace(/\*\*\*\d{0,3}/g, ' so '));
  const { decision } = entry;
  return {
    conversationId: entry.conversationId,
    messageId: entry.messageId,
    unitId: entry.unitId,
    channel: entry.channel,
    askedAt: entry.at,
    text: masked,
    normalized,
    clusterKey: clusterKeyOf(normalized),
    via: entry.via,
    decision: decision.kind,
    reason: decision.kind === 'handoff' ? decision.reason : decision.kind === 'smalltalk' ? decision.intent : null,
    entryId: decision.kind === 'answer' ? decision.entryId : null,
    aspect: decision.kind === 'answer' ? decision.aspect : null,
    confidence: Math.round(decision.confidence * 1000) / 1000,
    candidates: decision.candidates.slice(0, 3).map((c) => ({ id: c.id, title: c.title, score: Math.round(c.score * 1000) / 1000 })),
  };
}

/** "Làm giấy khai sinh cho con thế nào ạ?" → "con giay khai lam sinh". */
export function clusterKeyOf(normalized: string): string {
  const words = splitTokens(foldDiacritics(normalized)).filter((w) => !FILLER.has(w));
  return [...new Set(words)].sort().join(' ');
}

/** Why a question is in the unanswered inbox (an item may have several); defined in SQL by querylog.repository's INBOX_REASONS. */
export type InboxReason = 'handoff' | 'clarify_unchosen' | 'low_confidence' | 'answer_then_staff' | 'low_rating';

export const INBOX_REASON_LABEL: Record<InboxReason, string> = {
  handoff: 'Chuyển cán bộ',
  clarify_unchosen: 'Hỏi lại, không chọn',
  low_confidence: 'Trả lời, độ tin cậy thấp',
  answer_then_staff: 'Trả lời rồi vẫn gặp cán bộ',
  low_rating: 'Phiếu bị chấm 1–2 sao',
};

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared += 1;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Groups cluster keys by shared words: a key joins the first (largest) cluster whose first key it
 * shares at least `minSimilarity` of its words with. Input sorted by size, largest first; pure and stable.
 * A cluster's residents are the distinct conversations of its groups: one resident who asked two
 * merged keys counts once.
 */
export function mergeClusters<T extends { key: string; conversations: readonly number[] }>({ groups, minSimilarity = 0.6 }: { groups: readonly T[]; minSimilarity?: number }): Array<{ keys: string[]; members: T[]; residents: number }> {
  const clusters: Array<{ head: Set<string>; keys: string[]; members: T[]; residents: Set<number> }> = [];
  for (const group of groups) {
    const words = new Set(group.key.split(' ').filter(Boolean));
    const home = words.size === 0 ? undefined : clusters.find((c) => c.head.size > 0 && jaccard(c.head, words) >= minSimilarity);
    if (home) {
      home.keys.push(group.key);
      home.members.push(group);
      for (const id of group.conversations) home.residents.add(id);
    } else {
      clusters.push({ head: words, keys: [group.key], members: [group], residents: new Set(group.conversations) });
    }
  }
  return clusters.map(({ keys, members, residents }) => ({ keys, members, residents: residents.size })).sort((a, b) => b.residents - a.residents);
}

/** Question counts per reason, added over the groups of a cluster. */
export function sumReasons(members: ReadonlyArray<{ reasons: Record<InboxReason, number> }>): Record<InboxReason, number> {
  const reasons: Record<InboxReason, number> = { handoff: 0, clarify_unchosen: 0, low_confidence: 0, answer_then_staff: 0, low_rating: 0 };
  for (const m of members) for (const r of Object.keys(reasons) as InboxReason[]) reasons[r] += m.reasons[r];
  return reasons;
}
