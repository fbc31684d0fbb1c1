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

  it('expands the shorthand residents use for offices, papers and counts', () => {
    expect(words('đkx ở đâu')).toBe('dang ky xe o dau');
    expect(words('nop tren dvcqg')).toBe('nop tren dich vu cong quoc gia');
    expect(words('vpđk o dau')).toBe('van phong dang ky dat dai o dau');
    expect(words('ca xa co lam khong')).toBe('cong an xa co lam khong');
    expect(words('gcn qsdđ')).toBe('giay chung nhan quyen su dung dat');
    expect(words('di xklđ')).toBe('di xuat khau lao dong');
    expect(words('hs bn tien, kq bao lau co, lam ntn')).toBe('ho so bao nhieu tien ket qua bao lau co lam nhu the nao');
    expect(words('ct bản sao')).toBe('chung thuc ban sao');
    expect(words('ct tnhh')).toBe('cong ty tnhh');
  });

  it('reads regional words as written with diacritics, only in messages typed with diacritics', () => {
    expect(words('làm căn cước ở mô')).toBe('lam can cuoc o dau');
    expect(words('chừ làm răng')).toBe('bay gio lam sao');
    expect(words('mần giấy khai sinh hông')).toBe('lam giay khai sinh khong');
    expect(words('cảm ơn nhen')).toBe('cam on nhe');
    // "mở cửa" keeps its word; an unaccented "mo" or "chu" is not read as Central speech
    expect(words('mở cửa')).toBe('mo cua');
    expect(words('lam o mo chu')).toBe('lam o mo chu');
  });

  it('adds the canonical words of regional phrases ("giấy tờ nhà", "cất nhà")', () => {
    expect(normalizeForSearch('giấy tờ nhà tui', lexicon).expanded).toEqual(expect.arrayContaining(['quyen', 'su', 'dung', 'dat']));
    expect(normalizeForSearch('cất nhà có cần xin phép', lexicon).expanded).toEqual(expect.arrayContaining(['giay', 'phep', 'xay', 'dung']));
  });

  it('never reads a catalogue word typed with its accents as an unaccented abbreviation', () => {
    expect(words('làm sổ hồng lần đầu')).toBe('lam so hong lan dau'); // not "sổ không"
    expect(words('cả nhà')).toBe('ca nha'); // not "công an nhà"
    expect(words('hông biết')).toBe('khong biet'); // an accented key still applies
    expect(words('kí hợp đồng')).toBe('ky hop dong'); // a word the catalogue does not write so is still expanded
  });

  it('reads unaccented "hong" as không except after sổ/bìa, and "mk" as mình except next to a password', () => {
    expect(words('so hong bi mat')).toBe('so hong bi mat');
    expect(words('hong biet lam')).toBe('khong biet lam');
    expect(words('mk muon hoi')).toBe('minh muon hoi');
    expect(words('quen mk vneid')).toBe('quen mat khau vneid');
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
