/**
 * The resident side of a handoff, as one small explicit flow:
 *
 *   idle ──(the bot offers a person)──▶ offered ──(button · "gặp cán bộ" · a plain "vâng")──▶ accepted
 *   accepted ──(openTicket)──▶ open ──(staff close)──▶ waiting_for_rating ──(1–5, or 3 days)──▶ idle
 *
 * Every way into a ticket (the button, a typed request, a plain yes right after the offer, a
 * resident's own case, a complaint) ends in one TicketRequest built here, so the ticket always
 * carries the question and the engine's findings of the message that caused it — never the words
 * "gặp cán bộ", a rating digit or a previous ticket's messages.
 *
 * The pipeline keeps `offered` (conversation memory); the handoff module keeps `open` and
 * `waiting_for_rating` (the tickets table). Pure functions.
 */
import { cleanText, foldDiacritics } from '../../faq/text.normalize.js';
import type { Candidate, FaqDecision, HandoffReason } from '../../faq/faq.types.js';

/** What the bot last showed the resident that a "Gặp cán bộ" can refer back to. */
export type HandoffOffer = {
  /** The resident's question as they typed it. */
  question: string;
  /** The platform id of that message. */
  sourceExternalId: string;
  guesses: Candidate[];
  /** Why the bot could not settle it (null: it answered, the button was only offered). */
  reason: HandoffReason | null;
  /**
   * True only when the last reply offered to pass the question on (own case, out of scope…): then
   * "vâng", "ok"… accepts it. Not after "I did not understand, ask again": there "ok" means "ok".
   */
  plainYesAccepts: boolean;
};

/** Everything a new ticket needs to know about why it was opened. */
export type TicketRequest = {
  question: string;
  guesses: Candidate[];
  reason: HandoffReason;
  /** The message whose question this is (absent: unknown, e.g. the button after a restart). */
  sourceExternalId?: string;
};

export type HandoffTrigger = 'button' | 'plain_yes' | 'request';

/** Decisions that leave a question open: the bot answered or asked back, or offered a person. */
export function offerFor({ decision, text, externalMessageId }: { decision: FaqDecision; text: string; externalMessageId: string }): HandoffOffer | undefined {
  if (decision.kind === 'smalltalk') return undefined;
  const guesses = decision.candidates.slice(0, 3);
  if (decision.kind === 'handoff') {
    return { question: text, sourceExternalId: externalMessageId, guesses, reason: decision.reason, plainYesAccepts: decision.reason !== 'low_confidence' };
  }
  return { question: text, sourceExternalId: externalMessageId, guesses, reason: decision.kind === 'clarify' ? 'low_confidence' : null, plainYesAccepts: false };
}

/** A message that opens a ticket by itself: its own words are the question. */
export function requestFromMessage({ decision, text, externalMessageId }: { decision: FaqDecision & { kind: 'handoff' }; text: string; externalMessageId: string }): TicketRequest {
  return { question: text, guesses: decision.candidates.slice(0, 3), reason: decision.reason, sourceExternalId: externalMessageId };
}

/** The offer accepted: the ticket is about the offered question, whatever words accepted it. */
export function acceptOffer({ offer }: { offer: HandoffOffer | undefined }): TicketRequest {
  if (!offer) return { question: '', guesses: [], reason: 'explicit_request' };
  return {
    question: offer.question,
    guesses: offer.guesses,
    reason: offer.reason && offer.reason !== 'low_confidence' ? offer.reason : 'explicit_request',
    sourceExternalId: offer.sourceExternalId,
  };
}

// Folded (no diacritics, lower case). A whole message of these words, and nothing else, is a yes.
const YES_WORDS = new Set(['vang', 'u', 'uh', 'um', 'ok', 'oke', 'okay', 'duoc', 'dc', 'co', 'da', 'dong y', 'yes', 'chuyen', 'chuyen giup', 'nho']);
const POLITE = new Set(['a', 'nhe', 'nha', 'giup', 'toi', 'em', 'chau', 'di', 'roi', 'vay', 'luon']);

/** "vâng", "ừ", "ok", "được", "dạ vâng ạ", "đồng ý nhé"… but not "được không" or "có cần gì". */
export function isPlainYes({ text }: { text: string }): boolean {
  const words = fold(text);
  if (words.length === 0 || words.length > 5) return false;
  let i = 0;
  let yes = 0;
  while (i < words.length) {
    const pair = `${words[i]} ${words[i + 1] ?? ''}`;
    if (YES_WORDS.has(pair)) {
      yes += 1;
      i += 2;
    } else if (YES_WORDS.has(words[i]!)) {
      yes += 1;
      i += 1;
    } else if (POLITE.has(words[i]!) && yes > 0) {
      i += 1;
    } else {
      return false;
    }
  }
  return yes > 0;
}

// Words of a bare request for a person; what is left after removing them is a question of its own.
const REQUEST_WORDS = new Set(
  'cho toi em minh chau gap can bo nguoi that nhan vien tu van truc tiep noi chuyen voi muon xin duoc a nhe a oi lam on giup ho tro hoi'.split(' '),
);

/** "gặp cán bộ", "cho tôi gặp cán bộ ạ": true; "gặp cán bộ về sổ đỏ": false (it carries its own question). */
export function isBareRequest({ text }: { text: string }): boolean {
  const words = fold(text);
  return words.length > 0 && words.every((w) => REQUEST_WORDS.has(w));
}

function fold(text: string): string[] {
  return foldDiacritics(cleanText(text)).split(' ').filter(Boolean);
}
