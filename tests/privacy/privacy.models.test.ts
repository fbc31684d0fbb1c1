import { describe, expect, it } from 'vitest';
import {
  formatRetention,
  isDeleteCancellation,
  isDeleteConfirmation,
  isDeleteRequest,
  PRIVACY_CANCEL_ACTION,
  PRIVACY_CONFIRM_ACTION,
  privacyNoticeText,
} from '../../src/privacy/privacy.models.js';

describe('privacy texts and commands', () => {
  it('formats the retention period the way people say it', () => {
    expect(formatRetention(365)).toBe('1 năm');
    expect(formatRetention(730)).toBe('2 năm');
    expect(formatRetention(180)).toBe('6 tháng');
    expect(formatRetention(45)).toBe('45 ngày');
  });

  it('the notice says what, why, how long and how to delete, in three short lines', () => {
    const text = privacyNoticeText({ retentionDays: 180 });
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toMatch(/tên hiển thị, mã tài khoản và tin nhắn/);
    expect(text).toMatch(/sau 6 tháng/);
    expect(text).toMatch(/\/xoadulieu/);
    // Consistent with the ticket receipt: documents when staff need to see them, not "never".
    expect(text).toMatch(/chỉ gửi khi cán bộ cần xem/);
  });

  it('the web chat notice names only what the web stores', () => {
    const text = privacyNoticeText({ retentionDays: 365, channel: 'web' });
    expect(text).not.toMatch(/tên hiển thị|mã tài khoản/);
    expect(text).toMatch(/tin nhắn và ảnh, tệp anh\/chị gửi tại trang này 1 năm;/);
    expect(text.split('\n')).toHaveLength(1); // one line on a phone, with the link to the full notice
    expect(text).toContain('/rieng-tu.html');
  });

  it.each(['/xoadulieu', '/xoadulieu@MotCuaBot', 'xóa dữ liệu của tôi', 'Xoá dữ liệu của tôi', 'xoa du lieu', 'Tôi muốn xóa thông tin cá nhân', 'xóa hết tin nhắn của tôi'])(
    '%j asks to delete',
    (text) => expect(isDeleteRequest({ text })).toBe(true),
  );

  it.each(['xóa đăng ký thường trú', 'xóa', 'dữ liệu', 'làm sao xóa nợ thuế'])('%j does not', (text) => expect(isDeleteRequest({ text })).toBe(false));

  it('confirms with XÁC NHẬN (any case, with or without diacritics) or the button', () => {
    for (const text of ['XÁC NHẬN', 'xac nhan', 'Xác nhận!']) expect(isDeleteConfirmation({ text })).toBe(true);
    expect(isDeleteConfirmation({ text: '', action: PRIVACY_CONFIRM_ACTION })).toBe(true);
    expect(isDeleteConfirmation({ text: 'xác nhận', action: 'unit:x' })).toBe(false);
    expect(isDeleteConfirmation({ text: 'ok' })).toBe(false);
  });

  it('cancels with HỦY, không, or the button', () => {
    for (const text of ['HỦY', 'huỷ', 'không']) expect(isDeleteCancellation({ text })).toBe(true);
    expect(isDeleteCancellation({ text: '', action: PRIVACY_CANCEL_ACTION })).toBe(true);
  });
});
