import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/shared/text-split.js';

const squash = (s: string) => s.replace(/\s+/g, '');

function expectValid(text: string, maxLength: number, parts: string[]) {
  for (const part of parts) {
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThanOrEqual(maxLength);
    expect(part).toBe(part.trim());
  }
  expect(squash(parts.join(''))).toBe(squash(text));
}

describe('splitText', () => {
  it('returns short text unchanged and empty text as no parts', () => {
    expect(splitText({ text: '  Xin chào  ', maxLength: 50 }).parts).toEqual(['Xin chào']);
    expect(splitText({ text: ' \n\t ', maxLength: 50 }).parts).toEqual([]);
  });

  it('cuts at paragraph boundaries first, keeping whole paragraphs together', () => {
    const p1 = 'Giấy tờ cần có:\n- Tờ khai\n- Giấy chứng sinh';
    const p2 = 'Lệ phí: miễn phí.';
    const p3 = 'Thời hạn: trong ngày.';
    const { parts } = splitText({ text: `${p1}\n\n${p2}\n\n${p3}`, maxLength: p1.length + 2 });
    expect(parts).toEqual([p1, `${p2}\n\n${p3}`]);
  });

  it('falls back to lines, then sentences, then words', () => {
    const lines = 'dòng một khá dài\ndòng hai khá dài\ndòng ba';
    expect(splitText({ text: lines, maxLength: 20 }).parts).toEqual(['dòng một khá dài', 'dòng hai khá dài', 'dòng ba']);

    const sentences = 'Câu thứ nhất. Câu thứ hai! Câu thứ ba?';
    expect(splitText({ text: sentences, maxLength: 15 }).parts).toEqual(['Câu thứ nhất.', 'Câu thứ hai!', 'Câu thứ ba?']);

    const words = 'một hai ba bốn năm sáu bảy';
    const { parts } = splitText({ text: words, maxLength: 9 });
    expect(parts).toEqual(['một hai', 'ba bốn', 'năm sáu', 'bảy']);
  });

  it('hard-cuts a word longer than the limit without splitting a surrogate pair', () => {
    const text = `${'a'.repeat(4)}😀${'b'.repeat(4)}`;
    const { parts } = splitText({ text, maxLength: 5 });
    expectValid(text, 5, parts);
    for (const part of parts) expect(part).not.toMatch(/[\ud800-\udbff]$/);
    expect(parts.join('')).toBe(text);
  });

  it('holds its guarantees on a long mixed reply', () => {
    const paragraph = (n: number) =>
      Array.from({ length: n }, (_, i) => `Câu số ${i + 1} nói về hồ sơ đăng ký khai sinh cho con. `).join('') + '\nDòng cuối.';
    const text = [paragraph(3), paragraph(40), 'x'.repeat(5000), paragraph(1)].join('\n\n');
    for (const maxLength of [1, 7, 100, 2000, 4096]) {
      expectValid(text, maxLength, splitText({ text, maxLength }).parts);
    }
  });

  it('rejects a non-positive limit loudly', () => {
    expect(() => splitText({ text: 'x', maxLength: 0 })).toThrow(/maxLength must be a positive integer/);
  });
});
