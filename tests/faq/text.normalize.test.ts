import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchTextsOf } from '../../src/faq/faq.types.js';
import { describe, expect, it } from 'vitest';
import {
  bigrams,
  cleanText,
  collapseRepeats,
  createTextPreparer,
  foldDiacritics,
  hasDiacritics,
  MAX_QUERY_CHARS,
  placeToneMark,
  prepareText,
  toNewTonePlacement,
} from '../../src/faq/text.normalize.js';
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

  it('keeps one copy of a sentence pasted many times over, even where the length limit cuts it', () => {
    expect(cleanText('Làm giấy khai sinh cần gì ạ? '.repeat(200))).toBe('làm giấy khai sinh cần gì ạ');
    expect(cleanText('Con tôi 5 tuổi. Con tôi 5 tuổi. Làm căn cước được không?')).toBe('con tôi 5 tuổi làm căn cước được không');
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

describe('placeToneMark', () => {
  it('moves a tone typed on the wrong vowel of a diphthong or triphthong to its place', () => {
    expect(['chaò', 'hiêủ', 'giâý', 'cươí', 'ngươì', 'mâý', 'baỏ', 'ngoaì', 'tuôỉ', 'naò', 'vâỵ'].map(placeToneMark)).toEqual([
      'chào', 'hiểu', 'giấy', 'cưới', 'người', 'mấy', 'bảo', 'ngoài', 'tuổi', 'nào', 'vậy',
    ]);
  });

  it('puts a closed syllable\'s tone on its last vowel and an open oa/oe/uy on the second (new style)', () => {
    expect(['thưả', 'tôí', 'hòa', 'khỏe', 'thủy', 'hoàn'].map(placeToneMark)).toEqual(['thửa', 'tối', 'hoà', 'khoẻ', 'thuỷ', 'hoàn']);
  });

  it('treats qu and gi before a vowel as onsets, and leaves words it cannot read as one syllable', () => {
    expect(['quý', 'quà', 'gì', 'gìn', 'giấy', 'huyện', 'rượu', 'cứu'].map(placeToneMark)).toEqual(['quý', 'quà', 'gì', 'gìn', 'giấy', 'huyện', 'rượu', 'cứu']);
    expect(placeToneMark('càfé')).toBe('càfé'); // two tones
    expect(placeToneMark('abc')).toBe('abc');
  });

  it('makes a misplaced-tone message clean to the same text as the correct one', () => {
    expect(cleanText('xin chaò, cho hoỉ đăng kí giâý khai sinh')).toBe(cleanText('xin chào, cho hỏi đăng kí giấy khai sinh'));
  });
});

describe('collapseRepeats', () => {
  it('collapses letters typed several times for emphasis', () => {
    expect(['ơnn', 'khônggg', 'đâuu', 'ạaa', 'cướcc', 'trúuu', 'okkk', 'rồiii', 'nhiềuuu'].map(collapseRepeats)).toEqual([
      'ơn', 'không', 'đâu', 'ạ', 'cước', 'trú', 'ok', 'rồi', 'nhiều',
    ]);
  });

  it('keeps abbreviations without a vowel, xoong/soóc and ưu', () => {
    expect(['cccd', 'tthc', 'xoong', 'soóc', 'hưu', 'cứu', 'ưu'].map(collapseRepeats)).toEqual(['cccd', 'tthc', 'xoong', 'soóc', 'hưu', 'cứu', 'ưu']);
  });

  it('is part of cleanText', () => {
    expect(cleanText('ok e cảm ơnn, hiêủ rồiii')).toBe('ok e cảm ơn hiểu rồi');
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
    const texts = [...files.entries.flatMap((e) => searchTextsOf(e)), ...messages];
    expect(texts.map(prepare)).toEqual(texts.map((t) => prepareText(t)));
  });
});
