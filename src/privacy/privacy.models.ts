/**
 * Pure parts of the resident's privacy rights (Decree 13/2023 art. 9, 13, 16; Law 91/2025):
 * the notice text, and recognising "delete my data", its confirmation and its cancellation.
 */
import type { OutboundButton } from '../bot/core/message.types.js';
import { BUTTON_ACTIONS } from '../shared/actions.js';
import { foldForMatching } from '../shared/fold.js';
import type { ButtonWording } from '../shared/wording.js';

/** Bump when the notice's meaning changes; the version shown is recorded per conversation. */
export const PRIVACY_NOTICE_VERSION = '2026-01';

/** What replaces erased text, so transcripts show that something was there. */
export const REDACTED_TEXT = '[đã xóa]';
export { erasedConversationRef, isErasedConversationRef } from '../bot/core/conversation-ref.js';

export const PRIVACY_CONFIRM_ACTION = BUTTON_ACTIONS.privacyConfirmDelete;
export const PRIVACY_CANCEL_ACTION = BUTTON_ACTIONS.privacyCancelDelete;
/** An unconfirmed request lapses after this long: "xác nhận" an hour later deletes nothing. */
export const CONFIRM_WINDOW_MS = 10 * 60_000;

/** "365 ngày" → "1 năm", 180 → "6 tháng", 45 → "45 ngày". */
export function formatRetention(days: number): string {
  if (days % 365 === 0) return `${days / 365} năm`;
  if (days % 30 === 0) return `${days / 30} tháng`;
  return `${days} ngày`;
}

/** Channels where the bot knows no name or account of the resident (the web chat: a browser session only). */
const ANONYMOUS_CHANNELS: ReadonlySet<string> = new Set(['web']);

/**
 * The short first-contact notice: what is stored, why, for how long, who sees it, how to delete. It
 * names only what the channel gives us (the web chat has no display name or account id), and says
 * the same about documents as the ticket receipt: send them when staff need to see them.
 */
export function privacyNoticeText({ retentionDays, unitName, channel }: { retentionDays: number; unitName?: string; channel?: string }): string {
  const who = unitName ? `cán bộ ${unitName}` : 'cán bộ trung tâm';
  if (channel && ANONYMOUS_CHANNELS.has(channel)) {
    // One line on the page (a phone screen is small); the page links the full notice.
    return `Dữ liệu: tôi lưu tin nhắn và ảnh, tệp anh/chị gửi tại trang này ${formatRetention(retentionDays)}; muốn xóa, nhắn /xoadulieu. /rieng-tu.html`;
  }
  const what = 'tên hiển thị, mã tài khoản và tin nhắn của anh/chị';
  return [
    `Về dữ liệu cá nhân: tôi lưu ${what} để trả lời và để ${who} hỗ trợ khi cần, không dùng vào việc khác.`,
    `Tin nhắn được tự động xóa sau ${formatRetention(retentionDays)}. Muốn xóa ngay, anh/chị nhắn /xoadulieu.`,
    'Ảnh giấy tờ hay số CCCD chỉ gửi khi cán bộ cần xem để giải quyết việc của anh/chị.',
  ].join('\n');
}

/**
 * The data line of a residents' group's notice. Honest about what is kept: every group message the
 * bot receives (it needs them to see which question an officer answered), each member erases their own.
 */
export function groupPrivacyLine({ retentionDays }: { retentionDays: number }): string {
  return `• Bot lưu tên hiển thị và các tin nhắn trong nhóm mà bot nhận được ${formatRetention(retentionDays)} để trả lời và chuyển cán bộ; muốn xóa dữ liệu của mình, gõ /xoadulieu.`;
}

function confirmPrompt(how: string): string {
  return (
    'Anh/chị muốn xóa toàn bộ tin nhắn và thông tin cá nhân của mình tại đây? Việc này không hoàn tác được.\n' +
    // Honest about the limit: what reached the staff groups on Zalo/Telegram cannot be unsent by the bot.
    'Tin đã chuyển tới nhóm cán bộ trên Zalo/Telegram thì bot không thu hồi được; bản lưu của bot sẽ được xóa.\n' +
    how
  );
}

export const privacyTexts = {
  confirmPrompt: {
    withButtons: confirmPrompt('Để xóa, bấm nút hoặc nhắn: XÁC NHẬN. Để giữ lại, nhắn: HỦY.'),
    withoutButtons: confirmPrompt('Để xóa, nhắn: XÁC NHẬN. Để giữ lại, nhắn: HỦY.'),
  } satisfies ButtonWording,
  done: 'Đã xóa tin nhắn và thông tin cá nhân của anh/chị. Cảm ơn anh/chị đã sử dụng dịch vụ.',
  cancelled: 'Đã hủy. Dữ liệu của anh/chị vẫn được giữ như cũ.',
  expired: 'Yêu cầu xóa dữ liệu đã hết hạn. Nếu vẫn muốn xóa, anh/chị nhắn lại /xoadulieu.',
};

export const privacyConfirmButtons: OutboundButton[] = [
  { label: 'Xác nhận xóa', data: PRIVACY_CONFIRM_ACTION },
  { label: 'Hủy', data: PRIVACY_CANCEL_ACTION },
];

/** `/xoadulieu`, "xóa dữ liệu của tôi", "xoa thong tin ca nhan"… */
export function isDeleteRequest({ text }: { text: string }): boolean {
  const folded = foldForMatching(text.replace(/@\S+/, ''));
  return (
    /^\/(xoadulieu|xoa_du_lieu|xoathongtin)$/.test(folded) ||
    /^(toi muon |hay |vui long |xin )?xoa (het |toan bo )?(du lieu|thong tin|tin nhan)( ca nhan)?( cua toi| cua minh)?$/.test(folded)
  );
}

export function isDeleteConfirmation({ text, action }: { text: string; action?: string }): boolean {
  if (action) return action === PRIVACY_CONFIRM_ACTION;
  return /^(xac nhan|dong y xoa|xac nhan xoa)$/.test(foldForMatching(text));
}

export function isDeleteCancellation({ text, action }: { text: string; action?: string }): boolean {
  if (action) return action === PRIVACY_CANCEL_ACTION;
  return /^(huy|khong|thoi|khong xoa|huy bo)$/.test(foldForMatching(text));
}
