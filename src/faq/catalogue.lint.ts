/**
 * The catalogue's reviewer rules, beyond what the schema can say about one entry alone:
 * facts with numbers carry a source, sources are real pages (not a portal's home or search page),
 * review dates are kept, answers speak to residents as "anh/chị" in short lines, templates name
 * known unit facts, no question or keyword belongs to two entries, and no entry cites a law that
 * another entry says was replaced. Pure: entries in, problems out (`cli faq lint` prints them).
 */
import { reviewState } from './catalogue.review.js';
import { SECTION_NAMES, type FaqEntry, type SectionName } from './faq.types.js';

export type LintRule =
  | 'source.missing'
  | 'source.portal_only'
  | 'review.overdue'
  | 'style.ban'
  | 'style.long_line'
  | 'template.unknown'
  | 'duplicate.question'
  | 'duplicate.keyword'
  | 'law.replaced_cited';

export type LintProblem = { entryId: string; rule: LintRule; field: string; message: string };

/** A line of an answer longer than this many words is hard to read on a phone: split it. */
export const MAX_LINE_WORDS = 35;

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;
// Fees and time limits as answers write them: "50.000 đồng", "4,5%", "7 ngày làm việc", "3 tháng".
// Ages, dates, step numbers and law numbers are not claims of this kind.
const FEE_OR_DAYS = /\d[\d.,]*\s*(?:đồng|đ\b|nghìn|triệu|%|ngày|tuần|tháng|năm|giờ|USD)(?![\p{L}])/iu;
const BAN = /(^|[^\p{L}])bạn(?![\p{L}])/iu;
// A law's number as Vietnamese texts write it: 123/2015/NĐ-CP, 64/2025/TT-BTC, 01/2022/TT-BTP.
const LAW_NUMBER = /\b\d{1,4}\/\d{4}\/[A-ZĐ]{2,}(?:-[A-ZĐ]{2,})*/gu;

/** Folded for comparison: no diacritics, lower case, single spaces, no punctuation. */
export function foldForCompare(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A portal's home page or a search results page: it proves nothing about one procedure. */
export function isPortalHomeOrSearch(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if ((parsed.pathname === '' || parsed.pathname === '/') && !parsed.search) return true;
  if (/tim-?kiem|search/i.test(parsed.pathname)) return true;
  return ['keyword', 'q', 'tukhoa', 'tu-khoa', 'searchText'].some((key) => parsed.searchParams.has(key));
}

function lawNumbers(text: string): string[] {
  return [...text.normalize('NFC').matchAll(LAW_NUMBER)].map((m) => m[0].toUpperCase());
}

/** Every text a resident reads: the summary and each section. */
function answerTexts(entry: FaqEntry): Array<{ field: string; text: string }> {
  return [
    { field: 'summary', text: entry.summary },
    ...SECTION_NAMES.flatMap((name) => (entry.sections[name] ? [{ field: `sections.${name}`, text: entry.sections[name] }] : [])),
  ];
}

function lintEntry({ entry, unitKeys, today }: { entry: FaqEntry; unitKeys: ReadonlySet<string>; today: string }): LintProblem[] {
  const problems: LintProblem[] = [];
  const add = (rule: LintRule, field: string, message: string) => problems.push({ entryId: entry.id, rule, field, message });

  for (const name of SECTION_NAMES) {
    const body = entry.sections[name];
    if (!body) continue;
    const sources = entry.sources[name] ?? [];
    if (sources.length === 0 && FEE_OR_DAYS.test(body.replace(TEMPLATE, ''))) {
      add('source.missing', `sources.${name}`, 'the section states fees or time limits but lists no source: add the page or law it rests on, or phrase it without the figure');
    }
    if (sources.length > 0 && sources.every((s) => isPortalHomeOrSearch(s.url))) {
      add('source.portal_only', `sources.${name}`, "only a portal's home or search page: link the procedure's own page or the legal text");
    }
  }
  const sectionUrls = SECTION_NAMES.flatMap((name) => (entry.sources[name] ?? []).map((s) => s.url));
  if (entry.sourceUrl && isPortalHomeOrSearch(entry.sourceUrl) && sectionUrls.every(isPortalHomeOrSearch)) {
    add('source.portal_only', 'sourceUrl', "is a portal's home or search page and the entry has no other source: link the procedure's own page or the legal text");
  }

  if (reviewState({ entry, today }) === 'overdue') {
    add('review.overdue', 'reviewDue', `was due on ${entry.reviewDue}: check the facts again, then move reviewedAt and reviewDue`);
  }

  for (const { field, text } of answerTexts(entry)) {
    if (BAN.test(text)) add('style.ban', field, 'says "bạn": residents are addressed as "anh/chị"');
    for (const line of text.split('\n')) {
      const words = line.trim().split(/\s+/).filter(Boolean).length;
      if (words > MAX_LINE_WORDS) add('style.long_line', field, `has a line of ${words} words (limit ${MAX_LINE_WORDS}): split it — "${line.trim().slice(0, 60)}…"`);
    }
    for (const [, name] of text.matchAll(TEMPLATE)) {
      const key = /^unit\.(\w+)$/.exec(name ?? '')?.[1];
      if (!key || !unitKeys.has(key)) add('template.unknown', field, `uses {{${name}}}, which no unit defines (known: ${[...unitKeys].map((k) => `unit.${k}`).join(', ')})`);
    }
  }
  return problems;
}

/** Problems across entries: the same question or keyword twice, a replaced law still cited. */
function lintAcross(entries: readonly FaqEntry[]): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const kind of ['question', 'keyword'] as const) {
    const owners = new Map<string, string>();
    for (const entry of entries) {
      const texts = kind === 'question' ? entry.questions : entry.keywords;
      for (const value of new Set(texts.map(foldForCompare))) {
        const owner = owners.get(value);
        if (owner === undefined) owners.set(value, entry.id);
        else if (owner !== entry.id) {
          problems.push({ entryId: entry.id, rule: `duplicate.${kind}`, field: `${kind}s`, message: `"${value}" is also a ${kind} of ${owner}: keep it in one entry` });
        }
      }
    }
  }

  const replacedBy = new Map<string, { by: string; entryId: string }>();
  for (const entry of entries) {
    for (const { law, by } of entry.replaced ?? []) for (const number of lawNumbers(law)) replacedBy.set(number, { by, entryId: entry.id });
  }
  for (const entry of entries) {
    const cited = [
      ...entry.legalBasis.map((text, i) => ({ field: `legalBasis.${i}`, text })),
      ...SECTION_NAMES.flatMap((name: SectionName) => (entry.sources[name] ?? []).map((s, i) => ({ field: `sources.${name}.${i}`, text: s.title }))),
    ];
    for (const { field, text } of cited) {
      for (const number of lawNumbers(text)) {
        const replaced = replacedBy.get(number);
        if (replaced) {
          problems.push({
            entryId: entry.id,
            rule: 'law.replaced_cited',
            field,
            message: `cites ${number}, which ${replaced.entryId} says was replaced by ${replaced.by}: cite the text in force`,
          });
        }
      }
    }
  }
  return problems;
}

export function lintCatalogue({ entries, unitKeys, today }: { entries: readonly FaqEntry[]; unitKeys: Iterable<string>; today: string }): LintProblem[] {
  const keys = new Set(unitKeys);
  return [...entries.flatMap((entry) => lintEntry({ entry, unitKeys: keys, today })), ...lintAcross(entries)];
}
