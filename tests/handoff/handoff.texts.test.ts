import { describe, expect, it } from 'vitest';
import { closedToResidentText, noStaffGroupText, openerFor, receiptText } from '../../src/handoff/handoff.texts.js';

describe('noStaffGroupText', () => {
  it('gives the resident the phone and address the unit file has', () => {
    const text = noStaffGroupText({ unitName: 'Trung tâm phường Mẫu', info: { phone: '0200 000 000', address: 'Số 1 đường Mẫu' } });
    expect(text).toBe(
      'Xin lỗi, hiện chưa kết nối được với cán bộ Trung tâm phường Mẫu. Anh/chị vui lòng gọi 0200 000 000 hoặc đến Số 1 đường Mẫu trong giờ làm việc.',
    );
  });

  it('uses what there is, and a plain request to come by when the unit file has neither', () => {
    expect(noStaffGroupText({ unitName: 'X', info: { phone: '0200 1' } })).toContain('vui lòng gọi 0200 1 trong giờ làm việc');
    expect(noStaffGroupText({ unitName: 'X', info: {} })).toContain('liên hệ trực tiếp trụ sở trong giờ làm việc');
  });
});

describe('receiptText', () => {
  it('opens with one line of condolence when the question mentions a death, from the openers table', () => {
    const receipt = receiptText({ code: 'HS-0007', unitName: 'phường Mẫu', expected: 'Cán bộ sẽ trả lời anh/chị trong khoảng 2 giờ làm việc.', question: 'mẹ tôi mới mất hôm qua, làm giấy khai tử thế nào' });
    expect(receipt.split('\n')[0]).toBe('Xin chia buồn cùng gia đình anh/chị.');
    expect(openerFor({ question: 'bo toi da qua doi' })).toBe('Xin chia buồn cùng gia đình anh/chị.');
  });

  it('does not mistake a lost paper for a death', () => {
    expect(openerFor({ question: 'tôi bị mất giấy khai sinh' })).toBeUndefined();
    expect(receiptText({ code: 'HS-1', unitName: 'X', expected: 'E', question: 'mất căn cước' }).startsWith('Dạ, tôi đã chuyển')).toBe(true);
  });

  it('says "closed" about the conversation, never that the dossier is finished', () => {
    const text = closedToResidentText({ code: 'HS-0001' });
    expect(text).not.toMatch(/hoàn tất|hồ sơ/);
    expect(text).toContain('cuộc trao đổi này xin tạm dừng');
  });
});
