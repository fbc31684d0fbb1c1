import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogueFiles, loadFaqEntries } from '../../src/faq/catalogue.loader.js';
import { CatalogueInvalidError, parseFaqEntry } from '../../src/faq/catalogue.schema.js';
import { dataDir, files } from './faq.helpers.js';
import { openingFacts } from '../../src/faq/faq.hours.js';

const REQUIRED_IDS = [
  'khai-sinh', 'khai-tu', 'ket-hon', 'xac-nhan-hon-nhan', 'trich-luc-ho-tich', 'cai-chinh-ho-tich', 'nhan-cha-me-con', 'giam-ho',
  'lien-thong-khai-sinh', 'lien-thong-khai-tu', 'chung-thuc-ban-sao', 'chung-thuc-chu-ky', 'chung-thuc-hop-dong', 'thuong-tru', 'tam-tru',
  'tam-vang', 'xac-nhan-cu-tru', 'can-cuoc', 'vneid', 'dang-ky-xe', 'cap-so-do', 'bien-dong-dat', 'tach-thua', 'giay-phep-xay-dung',
  'ho-kinh-doanh', 'tro-cap-xa-hoi', 'xac-dinh-khuyet-tat', 'ho-ngheo', 'mai-tang-phi', 'bhyt', 'nguoi-co-cong', 'ly-lich-tu-phap',
  'dich-vu-cong-truc-tuyen', 'tra-cuu-ho-so', 'gio-lam-viec', 'phan-anh-kien-nghi',
];

describe('the shipped catalogue (data/)', () => {
  it('has every required entry, each valid', () => {
    expect(files.entries.map((e) => e.id).sort()).toEqual(expect.arrayContaining(REQUIRED_IDS));
    for (const entry of files.entries) {
      expect(entry.questions.length, entry.id).toBeGreaterThanOrEqual(8);
      if (entry.sourceUrl) expect(entry.sourceUrl, entry.id).toMatch(/^https?:\/\//);
      expect(entry.legalBasis.length, entry.id).toBeGreaterThan(0);
      expect(entry.reviewDue > entry.reviewedAt, entry.id).toBe(true);
    }
  });

  it('questions include ones written without diacritics', () => {
    for (const entry of files.entries) {
      const plain = entry.questions.filter((q) => q.normalize('NFD').replace(/[\u0300-\u036f]/g, '') === q && !/đ/i.test(q));
      expect(plain.length, entry.id).toBeGreaterThanOrEqual(2);
    }
  });

  it('templates unit facts instead of copying them, with only known placeholders', () => {
    // Facts from the unit file, and the yes/no opening-day answers computed from its office hours.
    const known = new Set([...Object.keys(files.unit), ...Object.keys(openingFacts({}))]);
    for (const entry of files.entries) {
      const text = JSON.stringify(entry);
      for (const [, key] of text.matchAll(/\{\{\s*unit\.([\w.]+)\s*\}\}/g)) expect(known, `${entry.id} uses unit.${key}`).toContain(key);
      expect(text, entry.id).not.toContain(files.unit.phone);
      expect(text, entry.id).not.toContain(files.unit.address);
    }
  });

  it('has a lexicon of at least 60 abbreviations and synonyms, and small talk for each intent', () => {
    const { abbreviations, ambiguous, phrases } = files.lexicon;
    expect(Object.keys(abbreviations).length + Object.keys(ambiguous).length + Object.keys(phrases).length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(files.smalltalk.intents).sort()).toEqual(['ack', 'goodbye', 'greeting', 'identity', 'thanks']);
  });
});

describe('catalogue validation', () => {
  it('reports each problem of a bad entry with its field', () => {
    const result = parseFaqEntry({ id: 'Khai Sinh', title: 'x', category: 'nope', questions: ['một'], keywords: [], summary: '', sections: {}, legalBasis: [], sourceUrl: 'ftp://x', reviewedAt: 'hôm qua' });
    expect('problems' in result).toBe(true);
    const problems = 'problems' in result ? result.problems.join('\n') : '';
    for (const field of ['id', 'category', 'questions', 'keywords', 'summary', 'sections', 'sources', 'legalBasis', 'sourceUrl', 'reviewedAt', 'reviewDue']) {
      expect(problems).toMatch(new RegExp(`^${field}`, 'm'));
    }
  });

  it('refuses a catalogue with a broken file or a duplicate id, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcb-faq-'));
    mkdirSync(join(dir, 'faq'));
    copyFileSync(join(dataDir, 'faq', 'khai-sinh.yaml'), join(dir, 'faq', 'a.yaml'));
    copyFileSync(join(dataDir, 'faq', 'khai-sinh.yaml'), join(dir, 'faq', 'b.yaml'));
    writeFileSync(join(dir, 'faq', 'c.yaml'), 'id: c\ntitle: [unclosed\n');
    let error: unknown;
    try {
      loadFaqEntries({ dataDir: dir });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/c\.yaml/);
    writeFileSync(join(dir, 'faq', 'c.yaml'), '');
    expect(() => loadFaqEntries({ dataDir: dir })).toThrow(CatalogueInvalidError);
    expect(() => loadFaqEntries({ dataDir: dir })).toThrow(/b\.yaml: id "khai-sinh" is already used by .*a\.yaml/);
  });

  it('loads lexicon, small talk and unit info from data/', () => {
    expect(loadCatalogueFiles({ dataDir }).unit.name.length).toBeGreaterThan(0);
  });
});
