/**
 * Every fixed text the pipeline sends, in one place so a commune can review the wording.
 * Vietnamese, short and kind: many residents are elderly. FAQ answers come from the FAQ engine
 * and ticket receipts from the handoff module, not from here.
 */

import { BUTTON_ACTIONS, HANDOFF_BUTTON_LABEL } from '../../shared/actions.js';
import type { ButtonWording } from '../../shared/wording.js';

/** The button every "I could not help" reply carries; the pipeline opens a ticket when it is tapped. */
export const HANDOFF_REQUEST_ACTION = BUTTON_ACTIONS.handoffRequest;
export const HELP_ACTION = BUTTON_ACTIONS.help;

export type BotTexts = {
  /** First contact and /start: who we are and what we can do. */
  greeting: string;
  /** Shown with the greeting: what is stored, why, for how long, how to have it deleted. */
  privacy: string;
  /** Names the option buttons where the channel has them (wording.ts). */
  help: ButtonWording;
  /** Photo, sticker, voice, file or location without text, when no ticket is open. */
  nonText: string;
  /** Once per flood: more than the allowed messages a minute. */
  throttled: string;
  /** The error boundary's reply when handling a message failed. */
  apology: string;
  /** Before the answer to a message longer than the pipeline reads. */
  longInput: string;
  /** A button whose action is no longer understood (old message, catalogue changed). */
  staleAction: string;
  /** Added where the channel has no buttons, so the resident knows what to type instead. */
  handoffHint: string;
  handoffButton: string;
  helpButton: string;
  /**
   * Posted once in each residents' group the bot is in (pinned where it may): how to ask, what is
   * personal, what is stored. The per-resident notice goes to private chats only.
   */
  groupNotice: string;
  /** A question the bot answered in this group minutes ago: it quotes that answer instead of repeating it. */
  groupRepeat: string;
  /** Only while no staff group is configured (handoff module not wired): where to get a person instead. */
  noStaff: string;
};

/** The first-contact greeting; names the centre when the deployment serves one (pipeline.assembly.ts). */
export function greetingText({ centreName }: { centreName?: string } = {}): string {
  return [
    `Xin chào anh/chị! Tôi là trợ lý tự động của ${centreName ?? 'Trung tâm Phục vụ hành chính công'}.`,
    'Tôi trả lời về thủ tục: cần giấy tờ gì, lệ phí, bao lâu, nộp ở đâu, nộp trực tuyến thế nào. Khi cần, tôi chuyển câu hỏi tới cán bộ trực.',
    'Anh/chị cứ nhắn câu hỏi, ví dụ: «làm giấy khai sinh cần gì».',
  ].join('\n');
}

function helpText(choices: string): string {
  return [
    'Cách dùng:',
    '• Nhắn câu hỏi về thủ tục hành chính, có dấu hay không dấu đều được.',
    choices,
    '• Muốn gặp người thật, nhắn «gặp cán bộ».',
    '• /start: lời chào, /help: hướng dẫn này, /xoadulieu: xóa dữ liệu của anh/chị.',
  ].join('\n');
}

export const defaultBotTexts: BotTexts = {
  greeting: greetingText(),
  privacy: [
    'Về dữ liệu cá nhân: tôi lưu tin nhắn của anh/chị để trả lời và để cán bộ hỗ trợ khi cần. Tin nhắn được lưu tối đa 1 năm.',
    'Muốn xóa dữ liệu của mình, anh/chị nhắn /xoadulieu.',
  ].join('\n'),
  help: {
    withButtons: helpText('• Khi tôi đưa ra lựa chọn, anh/chị bấm nút hoặc nhắn số 1, 2, 3.'),
    withoutButtons: helpText('• Khi tôi đưa ra lựa chọn, anh/chị nhắn số 1, 2, 3.'),
  },
  nonText:
    'Cảm ơn anh/chị đã gửi. Tôi chỉ đọc được tin nhắn chữ. Anh/chị gõ câu hỏi giúp tôi, hoặc nhắn «gặp cán bộ» để cán bộ trực xem giúp.',
  throttled: 'Anh/chị nhắn hơi nhanh, tôi xin phép tạm dừng một chút. Các tin anh/chị vừa gửi tôi vẫn giữ và sẽ trả lời gộp ngay khi hết tạm dừng (khoảng một phút).',
  apology: 'Xin lỗi anh/chị, tôi đang gặp trục trặc nên chưa trả lời được. Anh/chị vui lòng thử lại sau ít phút.',
  longInput: 'Tin nhắn khá dài, tôi xin trả lời theo phần đầu. Nếu chưa đúng ý, anh/chị hỏi ngắn gọn lại giúp tôi nhé.',
  staleAction: 'Lựa chọn này đã cũ. Anh/chị vui lòng nhắn lại câu hỏi giúp tôi nhé.',
  handoffHint: 'Muốn gặp cán bộ, anh/chị nhắn «gặp cán bộ».',
  handoffButton: HANDOFF_BUTTON_LABEL,
  helpButton: 'Hướng dẫn',
  groupNotice: [
    '📌 Trợ lý tự động của bộ phận một cửa đã có trong nhóm.',
    '• Hỏi về thủ tục: nhắc tên bot (@) hoặc trả lời vào tin nhắn của bot, ví dụ «@bot làm khai sinh cần gì».',
    '• Việc riêng (hồ sơ của mình, số điện thoại, số căn cước): xin đừng gửi trong nhóm, hãy nhắn riêng cho bot.',
    '• Cần cán bộ, nhắn «gặp cán bộ»: câu trả lời sẽ trả lời vào đúng tin nhắn của anh/chị. Muốn nhận riêng, gõ /rieng.',
  ].join('\n'),
  groupRepeat: 'Dạ, câu này bot vừa trả lời ở tin nhắn được trích dẫn, anh/chị xem giúp ạ.',
  noStaff:
    'Hiện chưa có cán bộ trực trả lời qua kênh này. Anh/chị vui lòng gọi điện hoặc đến trực tiếp Trung tâm Phục vụ hành chính công trong giờ làm việc. Xin cảm ơn!',
};
