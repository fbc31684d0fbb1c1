import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bigrams, cleanText, createTextPreparer, foldDiacritics, hasDiacritics, MAX_QUERY_CHARS, prepareText, toNewTonePlacement } from '../../src/faq/text.normalize.js';
import { dataDir, files } from './faq.helpers.js';

describe('cleanText', () => {
  it('turns decomposed (NFD) input into the same text as precomposed input', () => {
    const nfd = 'Đăng ký khai sinh'.normalize('NFD');
    expect(nfd).not.toBe('Đăng ký khai sinh');
    expect(cleanText(nfd)).toBe('đăng ký khai sinh');
  });

  it('unifies old and new tone placement', () => {
    expect(cleanText('hòa giải')).toBe(cleanText('hoà giải'));
    expect(cleanText('Thủy')).toBe(cleanText('thuỷ'));
    expect(cleanText('khỏe')).toBe('khoẻ');
    // closed syllables and "qu" are the same in both styles and must not move
    expect(toNewTonePlacement('hoàn thuyền quý')).toBe('hoàn thuyền quý');
  });

  it('lowercases ALL CAPS, drops emoji, zero-width and control characters', () => {
    expect(cleanText('ĐĂNG KÝ TẠM TRÚ 🙏🙏 ở ĐÂU ạ???')).toBe('đăng ký tạm trú ở đâu ạ');
    expect(cleanText('khai\u200Bsinh\u0007cho\u00A0bé\uFEFF')).toBe('khaisinh cho bé');
    expect(cleanText('tạm\ttrú\r\nở đâu')).toBe('tạm trú ở đâu');
    expect(cleanText('👍🏽')).toBe('');
  });

  it('reads only the start of a 10,000-character message, never cutting a word', () => {
    const started = performance.now();
    const cleaned = cleanText('đăng ký khai sinh '.repeat(600));
    expect(performance.now() - started).toBeLessThan(500);
    expect(cleaned.length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    expect(cleaned.startsWith('đăng ký khai sinh')).toBe(true);
    expect(cleaned.split(' ').every((w) => ['đăng', 'ký', 'khai', 'sinh'].includes(w))).toBe(true);
  });
});

describe('foldDiacritics', () => {
  it('folds every Vietnamese letter, including đ and ỷ ỹ ỵ', () => {
    expect(foldDiacritics('Đường thuỷ Mỹ Ỹ ỵ ỷ')).toBe('Duong thuy My Y y y');
    expect(foldDiacritics('ăâêôơưđ ẮẰẲẴẶ ỨỪỬỮỰ')).toBe('aaeooud AAAAA UUUUU');
  });

  it('tells whether a word was typed with diacritics', () => {
    expect(hasDiacritics('căn')).toBe(true);
    expect(hasDiacritics('can')).toBe(false);
  });
});

describe('bigrams', () => {
  it('joins adjacent words', () => {
    expect(bigrams(['dang', 'ky', 'khai'])).toEqual(['dang_ky', 'ky_khai']);
    expect(bigrams(['mot'])).toEqual([]);
  });
});

describe('createTextPreparer', () => {
  it('prepares exactly as prepareText does, folding word by word, and reuses a text prepared before', () => {
    const prepare = createTextPreparer();
    const texts = [
      'Đăng ký khai sinh cho con ở đâu?',
      'ĐỔI   thẻ—căn cước\u200B công dân 😀 (lần 2)',
      'hoà thuỷ quý Đường',
      'dk ks, ko biet lam sao!!!',
      '  ',
      'x\u0301 ǅ đ̀ a\u0323\u0302',
    ];
    for (const text of texts) expect(prepare(text)).toEqual(prepareText(text));
    expect(prepare(texts[0]!)).toBe(prepare(texts[0]!));
  });

  it('agrees with prepareText on every catalogue text and every evaluation message', () => {
    const prepare = createTextPreparer();
    const messages = readFileSync(join(dataDir, 'eval', 'dev.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
    const texts = [...files.entries.flatMap((e) => [e.title, ...e.questions, ...e.keywords]), ...messages];
    expect(texts.map(prepare)).toEqual(texts.map((t) => prepareText(t)));
  });
});
