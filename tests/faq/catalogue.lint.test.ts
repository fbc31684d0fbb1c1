/**
 * The reviewer rules of `cli faq lint` (src/faq/catalogue.lint.ts): the shipped catalogue passes,
 * and each rule fails on exactly the entry that breaks it.
 */
import { describe, expect, it } from 'vitest';
import { unitInfoSchema } from '../../src/faq/catalogue.loader.js';
import { isPortalHomeOrSearch, lintCatalogue, MAX_LINE_WORDS, type LintRule } from '../../src/faq/catalogue.lint.js';
import { entriesDueForReview, reviewState, vietnamDate } from '../../src/faq/catalogue.review.js';
import type { FaqEntry } from '../../src/faq/faq.types.js';
import { files } from './faq.helpers.js';

const unitKeys = Object.keys(unitInfoSchema.shape);
const today = '2026-12-01';
const law = { title: 'Thông tư 226/2016/TT-BTC', url: 'https://example.gov.vn/van-ban/226-2016', checked: '2026-12-01' };

function entry(overrides: Partial<FaqEntry> = {}): FaqEntry {
  return {
    id: 'mau',
    title: 'Thủ tục mẫu',
    category: 'chung',
    questions: ['thu tuc mau lam sao', 'lam thu tuc mau o dau'],
    keywords: ['thủ tục mẫu'],
    summary: 'Thủ tục mẫu làm tại xã.',
    sections: { fee: 'Phí 10.000 đồng/trường hợp.', where: 'Nộp tại {{unit.name}}.' },
    sources: { fee: [law] },
    legalBasis: ['Thông tư 226/2016/TT-BTC'],
    sourceUrl: 'https://example.gov.vn/thu-tuc/mau',
    reviewedAt: '2026-11-01',
    reviewDue: '2027-06-01',
    ...overrides,
  };
}

function rules(entries: FaqEntry[]): LintRule[] {
  return lintCatalogue({ entries, unitKeys, today }).map((p) => p.rule);
}

describe('faq lint', () => {
  it('passes the shipped catalogue', () => {
    expect(lintCatalogue({ entries: files.entries, unitKeys, today: vietnamDate(new Date()) })).toEqual([]);
  });

  it('passes a clean entry', () => {
    expect(rules([entry()])).toEqual([]);
  });

  it('fails a section with a fee or a time limit and no source', () => {
    expect(rules([entry({ sources: {} })])).toEqual(['source.missing']);
    expect(rules([entry({ sections: { duration: 'Trong 3 ngày làm việc.' }, sources: {} })])).toEqual(['source.missing']);
    // ages, dates, step numbers and law numbers are not fees or days
    expect(rules([entry({ sections: { steps: '1. Nộp hồ sơ.\n2. Nhận kết quả từ 1/7/2025, trẻ dưới 14 tuổi đi cùng cha mẹ.' }, sources: {} })])).toEqual([]);
  });

  it("fails a portal's home or search page as the only source", () => {
    const home = { ...law, url: 'https://dichvucong.gov.vn/' };
    const search = { ...law, url: 'https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=khai%20sinh' };
    expect(rules([entry({ sources: { fee: [home] } })])).toEqual(['source.portal_only']);
    expect(rules([entry({ sources: { fee: [search] } })])).toEqual(['source.portal_only']);
    expect(rules([entry({ sources: { fee: [search, law] } })])).toEqual([]);
    expect(rules([entry({ sourceUrl: 'https://csdl.dichvucong.gov.vn/', sources: { fee: [home] } })])).toEqual(['source.portal_only', 'source.portal_only']);
    expect(rules([entry({ sourceUrl: 'https://csdl.dichvucong.gov.vn/' })])).toEqual([]);
    expect(isPortalHomeOrSearch('https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2476')).toBe(false);
  });

  it('fails an entry past reviewDue, not on the due day itself', () => {
    expect(rules([entry({ reviewDue: '2026-11-30' })])).toEqual(['review.overdue']);
    expect(rules([entry({ reviewDue: today })])).toEqual([]);
  });

  it('fails "bạn" in an answer, not in a question', () => {
    expect(rules([entry({ summary: 'Bạn nộp tại xã.' })])).toEqual(['style.ban']);
    expect(rules([entry({ sections: { ...entry().sections, where: 'Nộp tại xã nơi bạn ở.' } })])).toEqual(['style.ban']);
    expect(rules([entry({ questions: ['ban oi lam o dau', 'bạn ơi cho hỏi'] })])).toEqual([]);
  });

  it('fails a line over the length limit', () => {
    const long = Array.from({ length: MAX_LINE_WORDS + 1 }, () => 'chữ').join(' ');
    expect(rules([entry({ summary: long })])).toEqual(['style.long_line']);
    expect(rules([entry({ summary: `${long.split(' ').slice(1).join(' ')}\nDòng sau.` })])).toEqual([]);
  });

  it('fails an undefined template variable', () => {
    expect(rules([entry({ sections: { ...entry().sections, where: 'Nộp tại {{unit.fax}}.' } })])).toEqual(['template.unknown']);
    expect(rules([entry({ sections: { ...entry().sections, where: 'Nộp tại {{ten_xa}}.' } })])).toEqual(['template.unknown']);
  });

  it('fails a question or a keyword that belongs to two entries, however it is written', () => {
    const other = entry({ id: 'khac', keywords: ['việc khác'], questions: ['Thủ tục mẫu làm sao?', 'hoi viec khac'] });
    expect(rules([entry(), other])).toEqual(['duplicate.question']);
    expect(rules([entry(), entry({ id: 'khac', questions: ['hoi viec khac', 'hoi them viec khac'], keywords: ['thu tuc mau'] })])).toEqual(['duplicate.keyword']);
  });

  it('fails a law one entry cites that another entry says was replaced', () => {
    const replacing = entry({ id: 'moi', questions: ['a b c', 'c d e'], keywords: ['moi'], replaced: [{ law: 'Nghị định 45/2020/NĐ-CP', by: 'Nghị định 118/2025/NĐ-CP' }] });
    const citing = entry({ legalBasis: ['Nghị định 45/2020/NĐ-CP (thủ tục hành chính trên môi trường điện tử)'] });
    const problems = lintCatalogue({ entries: [citing, replacing], unitKeys, today });
    expect(problems.map((p) => [p.entryId, p.rule])).toEqual([['mau', 'law.replaced_cited']]);
    expect(problems[0]!.message).toContain('118/2025');
  });
});

describe('review dates', () => {
  it('says current, due soon (30 days) or overdue, and lists what needs review first', () => {
    expect(reviewState({ entry: { reviewDue: '2027-06-01' }, today })).toBe('current');
    expect(reviewState({ entry: { reviewDue: '2026-12-20' }, today })).toBe('due_soon');
    expect(reviewState({ entry: { reviewDue: '2026-11-30' }, today })).toBe('overdue');
    const due = entriesDueForReview({ entries: [entry({ id: 'b', reviewDue: '2026-12-20' }), entry(), entry({ id: 'a', reviewDue: '2026-11-30' })], today });
    expect(due.map((d) => [d.id, d.state])).toEqual([['a', 'overdue'], ['b', 'due_soon']]);
  });

  it("takes today's date in Vietnam (UTC+7)", () => {
    expect(vietnamDate(new Date('2026-12-01T18:00:00Z'))).toBe('2026-12-02');
    expect(vietnamDate(new Date('2026-12-01T16:59:00Z'))).toBe('2026-12-01');
  });
});
