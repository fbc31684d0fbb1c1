import { describe, expect, it } from 'vitest';
import { createLogger, maskPersonalNumbers } from '../src/logger.js';

describe('maskPersonalNumbers', () => {
  it.each([
    ['gọi 0912345678 nhé', 'gọi ***678 nhé'],
    ['sđt +84 912 345 678', 'sđt ***678'],
    ['0912.345.678', '***678'],
    ['CCCD 001203012345 ạ', 'CCCD ***345 ạ'],
    ['CMND 123456789', 'CMND ***789'],
  ])('masks %s', (input, expected) => {
    expect(maskPersonalNumbers(input)).toBe(expected);
  });

  it('leaves short numbers, dates, years and conversation refs alone', () => {
    const text = 'HS-0042 ngày 02/09/2025, 2 giờ, telegram:123456789';
    expect(maskPersonalNumbers(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('masks numbers in messages and in fields of every line', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: { write: (line) => lines.push(line) } });
    logger.info({ text: 'số em 0987654321' }, 'resident 001203012345 wrote');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/0987654321|001203012345/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'resident ***345 wrote', text: 'số em ***321' });
  });
});
