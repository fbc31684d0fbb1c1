/**
 * The catalogue lint (src/faq/catalogue.lint.ts, the same rules as `npm run cli -- faq lint`) run on
 * one entry before it is published: the draft is checked in the context of the rest of the catalogue
 * (duplicates and replaced laws are cross-entry rules). Errors block publishing; the two rules an
 * admin may knowingly accept for now (a long line, a review date passed) are warnings that need a note.
 */
import { lintCatalogue, type LintRule } from '../faq/catalogue.lint.js';
import { unitInfoSchema } from '../faq/catalogue.loader.js';
import { vietnamDate } from '../faq/catalogue.review.js';
import type { EntryLint } from './console.deps.js';

const WARNINGS = new Set<LintRule>(['style.long_line', 'review.overdue']);

const LABELS: Record<LintRule, string> = {
  'source.missing': 'Thiếu nguồn cho phần có số liệu',
  'source.portal_only': 'Nguồn chỉ là trang chủ hoặc trang tìm kiếm của cổng dịch vụ công',
  'review.overdue': 'Đã quá ngày cần rà soát',
  'style.ban': 'Cách xưng hô không dùng với người dân',
  'style.long_line': 'Dòng quá dài',
  'template.unknown': 'Biến mẫu không có trong thông tin đơn vị',
  'duplicate.question': 'Câu hỏi trùng với mục khác',
  'duplicate.keyword': 'Từ khóa trùng với mục khác',
  'law.replaced_cited': 'Trích dẫn văn bản đã bị thay thế',
};

export function createEntryLint({ now }: { now: () => Date }): EntryLint {
  const unitKeys = Object.keys(unitInfoSchema.shape);
  return ({ entry, catalogue }) => {
    // The draft goes last: a cross-entry rule reports a duplicate on the later of the two entries.
    const entries = [...catalogue.filter((other) => other.id !== entry.id), entry];
    const findings = { errors: [] as string[], warnings: [] as string[] };
    for (const problem of lintCatalogue({ entries, unitKeys, today: vietnamDate(now()) })) {
      if (problem.entryId !== entry.id) continue;
      const line = `${LABELS[problem.rule]} (${problem.field}): ${problem.message}`;
      (WARNINGS.has(problem.rule) ? findings.warnings : findings.errors).push(line);
    }
    return findings;
  };
}
