/**
 * The Vietnamese text a resident sees for a decision. Short sentences, the asked section first,
 * the rest one tap (or one word) away. Unit facts are filled in from the unit file here.
 */
import { BUTTON_ACTIONS, HANDOFF_BUTTON_LABEL } from '../shared/actions.js';
import { splitText } from '../shared/text-split.js';
import { wordFor } from '../shared/wording.js';
import { HANDOFF_TEXT } from './faq.handoff.texts.js';
import type { RenderedReply } from './faq.engine.port.js';
import type { Smalltalk } from './faq.smalltalk.js';
import { SECTION_NAMES, type FaqDecision, type FaqEntry, type SectionName } from './faq.types.js';

export type UnitFacts = Record<string, string | undefined>;

/** Section headings residents see (the console labels its fields with them too). */
export const SECTION_LABEL: Record<SectionName, string> = {
  documents: 'Giấy tờ cần chuẩn bị',
  fee: 'Lệ phí',
  duration: 'Thời gian giải quyết',
  where: 'Nơi nộp',
  online: 'Nộp trực tuyến',
  steps: 'Các bước',
  notes: 'Lưu ý',
};
const SECTION_BUTTON: Record<SectionName, string> = {
  documents: '📄 Giấy tờ',
  fee: '💰 Lệ phí',
  duration: '⏱ Thời gian',
  where: '📍 Nơi nộp',
  online: '🌐 Nộp online',
  steps: '🪜 Các bước',
  notes: '📝 Lưu ý',
};
/** What to type instead of tapping (channels without buttons); these words are aspect cues. */
const SECTION_WORD: Partial<Record<SectionName, string>> = {
  documents: 'giấy tờ',
  fee: 'lệ phí',
  duration: 'thời gian',
  where: 'nơi nộp',
  online: 'online',
};
/** A general question shows these sections after the summary, as far as they fit. */
const GENERAL_SECTIONS: SectionName[] = ['documents', 'fee', 'duration', 'where'];

// The same "Gặp cán bộ" button the pipeline offers, so it recognises the engine's one.
const HANDOFF_BUTTON = { label: HANDOFF_BUTTON_LABEL, data: BUTTON_ACTIONS.handoffRequest };

export function fillUnit(text: string, unit: UnitFacts): string {
  return text.replace(/\{\{\s*unit\.([\w.]+)\s*\}\}/g, (_, key: string) => unit[key] ?? '');
}

function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

function sectionBlock(entry: FaqEntry, name: SectionName, unit: UnitFacts): string | null {
  const body = entry.sections[name];
  return body ? `${SECTION_LABEL[name]}:\n${fillUnit(body.trim(), unit)}` : null;
}

/** Entry text with `first` (the asked section) leading; sections that do not fit become buttons. */
export function renderEntry({
  entry,
  first,
  unit,
  maxTextLength,
  lead = [],
}: {
  entry: FaqEntry;
  first: SectionName | null;
  unit: UnitFacts;
  maxTextLength: number;
  /** Lines said before the entry, unit facts filled in (a condolence, the answer to the sub-question asked). */
  lead?: string[];
}): RenderedReply {
  const source = entry.sourceUrl ?? 'văn bản hiện hành; anh/chị hỏi cán bộ để chắc chắn';
  const footer = `Nguồn: ${source}\nCập nhật: ${formatDate(entry.reviewedAt)}`;
  const head = [...lead, `📋 ${entry.title}`].join('\n\n');
  const summary = fillUnit(entry.summary.trim(), unit);
  const shown: SectionName[] = [];
  const blocks: string[] = [head];
  const firstBlock = first ? sectionBlock(entry, first, unit) : null;
  if (first && firstBlock) {
    // The steps and notes are read after the answer itself: its summary is not repeated under them.
    blocks.push(firstBlock, ...(first === 'steps' || first === 'notes' ? [] : [summary]));
    shown.push(first);
  } else {
    blocks.push(summary);
    for (const name of GENERAL_SECTIONS) {
      const block = sectionBlock(entry, name, unit);
      if (!block) continue;
      // Keep room for the footer and the follow-up hint; what does not fit stays one tap away.
      if ([...blocks, block].join('\n\n').length + footer.length + 200 > maxTextLength) break;
      blocks.push(block);
      shown.push(name);
    }
  }
  const more = SECTION_NAMES.filter((n) => entry.sections[n] && !shown.includes(n));
  const words = more.map((n) => SECTION_WORD[n]).filter(Boolean);
  const hint = words.length > 0 ? `Muốn xem thêm, anh/chị nhắn: ${words.map((w) => `«${w}»`).join(', ')}.` : '';
  const text = [...blocks, footer, hint].filter(Boolean).join('\n\n');
  return {
    parts: splitText({ text, maxLength: maxTextLength }).parts,
    buttons: [...more.map((n) => ({ label: SECTION_BUTTON[n], data: `${BUTTON_ACTIONS.faq}${entry.id}:${n}` })), HANDOFF_BUTTON],
  };
}

export function renderDecision({
  decision,
  entries,
  unit,
  smalltalk,
  maxTextLength,
  buttons = true,
}: {
  decision: FaqDecision;
  entries: ReadonlyMap<string, FaqEntry>;
  unit: UnitFacts;
  smalltalk: Smalltalk;
  maxTextLength: number;
  /** The channel shows buttons (capabilities.buttons): texts that name one are worded for it. */
  buttons?: boolean;
}): RenderedReply {
  const fit = (text: string) => splitText({ text: fillUnit(text, unit), maxLength: maxTextLength }).parts;
  switch (decision.kind) {
    case 'answer': {
      const entry = entries.get(decision.entryId);
      if (!entry) throw new Error(`renderDecision: unknown entry "${decision.entryId}"`);
      const sub = decision.subQuestion === undefined ? undefined : entry.subQuestions?.[decision.subQuestion];
      // A sub-answer made of unit facts the unit file does not give (no office hours) is left out.
      const subAnswer = sub ? fillUnit(sub.a, unit).trim() : '';
      const lead = [decision.condolence && entry.condolence ? entry.condolence.text : '', subAnswer ? `💬 ${subAnswer}` : ''].filter(Boolean);
      return renderEntry({ entry, first: decision.aspect, unit, maxTextLength, lead });
    }
    case 'clarify': {
      const options = decision.candidates.map((c, i) => `${i + 1}. ${c.title}`).join('\n');
      const numbers = decision.candidates.map((_, i) => String(i + 1));
      const ask =
        decision.candidates.length === 1
          ? `Có phải anh/chị hỏi về:\n${options}\n\nNhắn «1» nếu đúng.`
          : `Anh/chị muốn hỏi về việc nào?\n${options}\n\nTrả lời ${numbers.slice(0, -1).join(', ')} hoặc ${numbers.at(-1)}.`;
      return {
        parts: fit(`${ask} Nếu không phải, nhắn «gặp cán bộ».`),
        buttons: [...decision.candidates.map((c, i) => ({ label: `${i + 1}. ${c.title}`, data: `${BUTTON_ACTIONS.faq}${c.id}` })), HANDOFF_BUTTON],
      };
    }
    case 'handoff':
      return { parts: fit(wordFor(HANDOFF_TEXT[decision.reason] ?? HANDOFF_TEXT.low_confidence!, { buttons })), buttons: [HANDOFF_BUTTON] };
    case 'smalltalk':
      return { parts: fit(smalltalk.reply({ intent: decision.intent })), buttons: [] };
  }
}

/** "faq:<id>" or "faq:<id>:<section>" from a button; null for other actions or unknown entries. */
export function parseFaqAction(action: string): { entryId: string; section: SectionName | null } | null {
  const match = /^faq:([a-z0-9-]+)(?::([a-z]+))?$/.exec(action);
  if (!match) return null;
  const section = match[2] as SectionName | undefined;
  if (section && !SECTION_NAMES.includes(section)) return null;
  return { entryId: match[1]!, section: section ?? null };
}
