import { describe, expect, it } from 'vitest';
import { foldForMatching } from '../../src/shared/fold.js';
import { buildUnitChoicePrompt, isChangeUnitRequest, parseUnitChoice } from '../../src/units/unit-choice.models.js';

const units = [
  { id: 'phuong-an-khanh', name: 'Trung tâm Phục vụ hành chính công phường An Khánh', shortName: 'Phường An Khánh' },
  { id: 'xa-binh-duc', name: 'Trung tâm Phục vụ hành chính công xã Bình Đức', shortName: 'Xã Bình Đức' },
  { id: 'xa-an-binh', name: 'Trung tâm Phục vụ hành chính công xã An Bình', shortName: 'Xã An Bình' },
];

describe('foldForMatching', () => {
  it('removes diacritics (đ too), case and punctuation', () => {
    expect(foldForMatching('  Phường Đông Hòa, TP. Dĩ An! ')).toBe('phuong dong hoa tp di an');
    expect(foldForMatching('ĐỔI XÃ')).toBe('doi xa');
  });
});

describe('buildUnitChoicePrompt', () => {
  it('numbers the units, says what to type, and gives one button per unit', () => {
    const prompt = buildUnitChoicePrompt({ units });
    expect(prompt.text).toBe(
      'Để chuyển đúng nơi, cho tôi hỏi:\nAnh/chị ở xã/phường nào? Trả lời 1, 2, 3:\n1. Phường An Khánh\n2. Xã Bình Đức\n3. Xã An Bình',
    );
    expect(prompt.buttons).toEqual([
      { label: '1. Phường An Khánh', data: 'unit:phuong-an-khanh' },
      { label: '2. Xã Bình Đức', data: 'unit:xa-binh-duc' },
      { label: '3. Xã An Bình', data: 'unit:xa-an-binh' },
    ]);
  });

  it('apologises on a retry and shortens the hint for long lists', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, name: `Xã ${i}`, shortName: `Xã ${i}` }));
    const prompt = buildUnitChoicePrompt({ units: many, retry: true });
    expect(prompt.text.startsWith('Xin lỗi, tôi chưa rõ')).toBe(true);
    expect(prompt.text).toContain('Trả lời 1, 2…:');
  });
});

describe('parseUnitChoice', () => {
  it.each([
    ['1', 'phuong-an-khanh'],
    [' 2 ', 'xa-binh-duc'],
    ['3.', 'xa-an-binh'],
    ['số 2', 'xa-binh-duc'],
    ['Phường An Khánh', 'phuong-an-khanh'],
    ['phuong an khanh', 'phuong-an-khanh'],
    ['binh duc', 'xa-binh-duc'],
    ['Tôi ở xã Bình Đức ạ', 'xa-binh-duc'],
    ['XA AN BINH', 'xa-an-binh'],
  ])('%j → %s', (text, unitId) => {
    expect(parseUnitChoice({ units, text })).toEqual({ unitId });
  });

  it.each([['4'], ['0'], ['an'], ['làm khai sinh cần gì'], [''], ['1 2']])('%j chooses nothing', (text) => {
    expect(parseUnitChoice({ units, text })).toBeUndefined();
  });

  it('takes a button tap, and refuses a button for an unknown unit', () => {
    expect(parseUnitChoice({ units, text: '', action: 'unit:xa-an-binh' })).toEqual({ unitId: 'xa-an-binh' });
    expect(parseUnitChoice({ units, text: '1', action: 'unit:gone' })).toBeUndefined();
  });
});

describe('isChangeUnitRequest', () => {
  it.each(['/donvi', '/donvi@MotCuaBot', 'đổi xã', 'doi phuong', 'Đổi đơn vị', 'chọn lại xã', '/doixa'])('%j asks to change', (text) => {
    expect(isChangeUnitRequest({ text })).toBe(true);
  });
  it.each(['đổi tên trong giấy khai sinh', 'xã', '/start', 'doi'])('%j does not', (text) => {
    expect(isChangeUnitRequest({ text })).toBe(false);
  });
  it('accepts the change button', () => {
    expect(isChangeUnitRequest({ text: '', action: 'unit:change' })).toBe(true);
  });
});
