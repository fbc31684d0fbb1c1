import { describe, expect, it } from 'vitest';
import { noStaffGroupText } from '../../src/handoff/handoff.texts.js';

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
