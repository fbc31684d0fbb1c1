/**
 * What the bot says when it passes a question on (or offers to), per handoff reason. A sentence that
 * names the «Gặp cán bộ» button has the words for a channel without buttons beside it (wording.ts).
 */
import type { Wording } from '../shared/wording.js';

export const HANDOFF_TEXT: Record<string, Wording> = {
  emergency:
    'Nếu đang có nguy hiểm, anh/chị hãy gọi ngay: 113 (Công an), 114 (Cứu hỏa), 115 (Cấp cứu).\nTôi cũng đang báo cho cán bộ trực.',
  explicit_request: 'Dạ, tôi chuyển anh/chị tới cán bộ trực ngay.',
  complaint: 'Tôi rất tiếc vì điều anh/chị gặp phải. Tôi chuyển ý kiến này tới cán bộ phụ trách để xem xét và trả lời anh/chị.',
  personal_case: 'Việc này cần cán bộ xem hồ sơ của anh/chị. Anh/chị nhắn «vâng» để tôi chuyển câu hỏi tới cán bộ trực.',
  out_of_scope: {
    withButtons:
      'Câu hỏi này có thể không thuộc việc của {{unit.name}}, hoặc tôi chưa có thông tin chắc chắn.\nBấm «Gặp cán bộ» (hoặc nhắn «gặp cán bộ») để cán bộ trực trả lời anh/chị.',
    withoutButtons:
      'Câu hỏi này có thể không thuộc việc của {{unit.name}}, hoặc tôi chưa có thông tin chắc chắn.\nAnh/chị nhắn «gặp cán bộ» để cán bộ trực trả lời.',
  },
  low_confidence: {
    withButtons:
      'Xin lỗi, tôi chưa hiểu rõ câu hỏi. Anh/chị có thể hỏi lại ngắn gọn hơn, ví dụ: «làm giấy khai sinh cần gì».\nHoặc bấm «Gặp cán bộ» (nhắn «gặp cán bộ») để cán bộ trực trả lời.',
    withoutButtons:
      'Xin lỗi, tôi chưa hiểu rõ câu hỏi. Anh/chị có thể hỏi lại ngắn gọn hơn, ví dụ: «làm giấy khai sinh cần gì».\nHoặc nhắn «gặp cán bộ» để cán bộ trực trả lời.',
  },
};
