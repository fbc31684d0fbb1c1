import { describe, expect, it } from 'vitest';
import { createEntryLint } from '../../src/console/console.lint.js';
import { catalogue } from './console.harness.js';

const lint = createEntryLint({ now: () => new Date('2026-12-01T03:00:00Z') });
const entries = catalogue.entries;
const hours = entries.find((e) => e.id === 'gio-lam-viec')!;

describe('the catalogue lint before publishing', () => {
  it('finds nothing in a shipped entry', () => {
    expect(lint({ entry: hours, catalogue: entries })).toEqual({ errors: [], warnings: [] });
  });

  it('blocks "bạn" in an answer and a question taken from another entry', () => {
    const other = entries.find((e) => e.id !== hours.id)!;
    const draft = { ...hours, summary: 'Mời bạn đến trụ sở trong giờ hành chính.', questions: [...hours.questions, other.questions[0]!] };
    const { errors } = lint({ entry: draft, catalogue: entries });
    expect(errors.some((e) => e.startsWith('Cách xưng hô'))).toBe(true);
    expect(errors.some((e) => e.startsWith('Câu hỏi trùng với mục khác') && e.includes(other.id))).toBe(true);
  });

  it('lets a passed review date through as a warning that needs a note', () => {
    const draft = { ...hours, reviewDue: '2026-11-01' };
    const { errors, warnings } = lint({ entry: draft, catalogue: entries });
    expect(errors).toEqual([]);
    expect(warnings.some((w) => w.startsWith('Đã quá ngày cần rà soát'))).toBe(true);
  });
});
