import { describe, expect, it } from 'vitest';
import { normalizeForSearch } from '../../src/faq/faq.lexicon.js';
import { lexicon } from './faq.helpers.js';

const words = (text: string) => normalizeForSearch(text, lexicon).words.join(' ');
const content = (text: string) => normalizeForSearch(text, lexicon).unigrams;

describe('normalizeForSearch', () => {
  it('expands administrative abbreviations and teencode', () => {
    expect(words('đk ks cho bé cần j')).toBe('dang ky khai sinh cho be can gi');
    expect(words('cccd bi mat lam lai ntn')).toBe('can cuoc cong dan bi mat lam lai nhu the nao');
    expect(words('sdt bhyt')).toBe('so dien thoai bao hiem y te');
  });

  it('resolves ambiguous abbreviations by their neighbours', () => {
    expect(words('dk kh can gi')).toBe('dang ky ket hon can gi'); // đăng ký kết hôn
    expect(words('lam online dk ko')).toBe('lam online duoc khong'); // được không
    expect(words('co dc kh')).toBe('co duoc khong'); // không
  });

  it('adds the canonical words of phrase synonyms and keeps the original', () => {
    const { expanded } = normalizeForSearch('làm sổ đỏ lần đầu', lexicon);
    expect(expanded.slice(0, 5)).toEqual(['lam', 'so', 'do', 'lan', 'dau']);
    expect(expanded).toEqual(expect.arrayContaining(['giay', 'chung', 'nhan', 'quyen', 'su', 'dung', 'dat']));
  });

  it('drops stopwords by the form typed: "đang" is a stopword, "đăng" is not', () => {
    expect(content('tôi đang hỏi')).toEqual([]);
    expect(content('đăng ký')).toEqual(['dang', 'ky']);
  });

  it('keeps an unaccented stopword form when it makes a catalogue word pair ("can cuoc"), drops it otherwise ("can giay")', () => {
    expect(content('lam can cuoc')).toContain('can');
    expect(content('can giay to gi')).not.toContain('can');
    expect(content('the bhyt')).toContain('the');
  });

  it('remembers the accented form of words typed with diacritics only', () => {
    const { typed } = normalizeForSearch('giá vàng tang', lexicon);
    expect(typed.get('gia')).toBe('giá');
    expect(typed.has('tang')).toBe(false);
  });

  it('drops aspect cues from the retrieval words but keeps them for intent', () => {
    const n = normalizeForSearch('đăng ký kết hôn mất bao lâu', lexicon);
    expect(n.expanded).toEqual(expect.arrayContaining(['bao', 'lau']));
    expect(n.unigrams).not.toContain('lau');
  });
});
