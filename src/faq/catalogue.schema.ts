/**
 * Validation of catalogue entries, wherever they come from (data/faq/*.yaml or the database).
 * The rules here are what a reviewer would check by hand: enough resident phrasings, a source, a date.
 */
import { z } from 'zod';
import { SECTION_NAMES, type FaqEntry } from './faq.types.js';

export const CATEGORIES = ['ho-tich', 'chung-thuc', 'cu-tru', 'can-cuoc', 'dat-dai', 'xay-dung', 'kinh-doanh', 'xa-hoi', 'tu-phap', 'quoc-phong', 'chung'] as const;

const text = z.string().trim().min(1);
const sectionText = text.max(1500, 'is longer than 1,500 characters: split it or move details to notes');
// YAML may hand us a Date for an unquoted 2026-11-22; keep the calendar date as text.
const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD'));
const httpUrl = z.url({ protocol: /^https?$/ });

export const faqSourceSchema = z
  .object({ title: text.max(200), url: httpUrl, checked: isoDate })
  .strict();

const sectionSources = z.array(faqSourceSchema).min(1, 'lists no source: remove the key or name one');

export const faqEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lowercase slug such as khai-sinh'),
    title: text.max(120),
    category: z.enum(CATEGORIES),
    procedureCode: z.string().regex(/^\d+\.\d+$/, 'must look like 1.001193').optional(),
    statutoryDays: z.number().int().min(0).max(365).optional(),
    questions: z.array(text.max(500)).min(8, 'needs at least 8 resident-style questions'),
    keywords: z.array(text.max(80)).min(1),
    /** Short "câu hỏi thường gặp" with one-line answers, shown first when the message asks one of them. */
    subQuestions: z.array(z.object({ q: text.max(200), a: text.max(400) }).strict()).max(12).optional(),
    /** A line said first when the message mentions a death (`when`: phrases, with or without diacritics). */
    condolence: z.object({ text: text.max(200), when: z.array(text.max(40)).min(1) }).strict().optional(),
    summary: text.max(600),
    sections: z
      .object(Object.fromEntries(SECTION_NAMES.map((name) => [name, sectionText.optional()])) as Record<
        (typeof SECTION_NAMES)[number],
        z.ZodOptional<typeof sectionText>
      >)
      .strict()
      .refine((s) => Object.values(s).some(Boolean), 'needs at least one section'),
    sources: z
      .object(Object.fromEntries(SECTION_NAMES.map((name) => [name, sectionSources.optional()])) as Record<
        (typeof SECTION_NAMES)[number],
        z.ZodOptional<typeof sectionSources>
      >)
      .strict(),
    legalBasis: z.array(text).min(1),
    replaced: z.array(z.object({ law: text, by: text }).strict()).optional(),
    sourceUrl: httpUrl.optional(),
    reviewedAt: isoDate,
    reviewDue: isoDate,
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const name of Object.keys(entry.sources) as Array<keyof typeof entry.sources>) {
      if (!entry.sections[name]) ctx.addIssue({ code: 'custom', path: ['sources', name], message: `names a section the entry does not have` });
    }
    if (entry.reviewDue <= entry.reviewedAt) ctx.addIssue({ code: 'custom', path: ['reviewDue'], message: 'must be after reviewedAt' });
  });

/** A unit's own text for a province entry: any of summary and sections (with their sources). */
export const entryOverrideSchema = z
  .object({
    summary: text.max(600).optional(),
    sections: z
      .object(Object.fromEntries(SECTION_NAMES.map((name) => [name, sectionText.optional()])) as Record<
        (typeof SECTION_NAMES)[number],
        z.ZodOptional<typeof sectionText>
      >)
      .strict()
      .optional(),
    sources: z
      .object(Object.fromEntries(SECTION_NAMES.map((name) => [name, sectionSources.optional()])) as Record<
        (typeof SECTION_NAMES)[number],
        z.ZodOptional<typeof sectionSources>
      >)
      .strict()
      .optional(),
  })
  .strict()
  .refine((o) => o.summary !== undefined || Object.values(o.sections ?? {}).some(Boolean), { message: 'changes nothing: give the summary or a section', path: ['(override)'] })
  .superRefine((o, ctx) => {
    for (const name of Object.keys(o.sources ?? {}) as Array<(typeof SECTION_NAMES)[number]>) {
      if (!o.sections?.[name]) ctx.addIssue({ code: 'custom', path: ['sources', name], message: 'names a section the override does not replace' });
    }
  });

/** Readable problems ("questions: needs at least 8 …") for one raw entry, or the entry. */
export function parseFaqEntry(raw: unknown): { entry: FaqEntry } | { problems: string[] } {
  const parsed = faqEntrySchema.safeParse(raw);
  if (parsed.success) return { entry: parsed.data as FaqEntry };
  return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`) };
}

/** Checks a whole catalogue: every entry valid, ids unique. Throws with one line per problem. */
export function validateCatalogue(items: Array<{ source: string; raw: unknown }>): FaqEntry[] {
  const problems: string[] = [];
  const entries: FaqEntry[] = [];
  const seen = new Map<string, string>();
  for (const { source, raw } of items) {
    const result = parseFaqEntry(raw);
    if ('problems' in result) {
      problems.push(...result.problems.map((p) => `${source}: ${p}`));
      continue;
    }
    const other = seen.get(result.entry.id);
    if (other) problems.push(`${source}: id "${result.entry.id}" is already used by ${other}`);
    seen.set(result.entry.id, source);
    entries.push(result.entry);
  }
  if (problems.length > 0) throw new CatalogueInvalidError(problems);
  return entries;
}

export class CatalogueInvalidError extends Error {
  readonly code = 'faq.catalogue_invalid';
  constructor(readonly problems: string[]) {
    super(`The FAQ catalogue has problems; fix them and try again:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogueInvalidError';
  }
}
