/**
 * Every sentence the handoff sends, in one place: residents get short, kind Vietnamese; staff get
 * compact cards that also say which command to type (channels without buttons show only the text).
 * Pure functions; plain text only (adapters escape), so a resident's "<3" can never break a card.
 */
import type { OutboundMention } from '../bot/core/message.types.js';
import type { Candidate } from '../faq/faq.types.js';
import type { HandoffStaffMember } from './handoff.deps.js';
import type { Wording } from '../shared/wording.js';

const CHANNEL_LABELS: Record<string, string> = { telegram: 'Telegram', zalo: 'Zalo', web: 'Web', memory: 'thử nghiệm' };
const MAX_QUOTED = 1500;

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

function clip(text: string, max = MAX_QUOTED): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

/** Staff are named "@Tên": the span each staff group adapter turns into a real mention (see mentionsOf). */
const mentionText = (staff: HandoffStaffMember) => `@${staff.name}`;
const names = (staff: HandoffStaffMember[]) => staff.map(mentionText).join(', ');

/** The mentions for staff named in a text built here: their "@Tên" span and their platform ids. */
export function mentionsOf(staff: Array<HandoffStaffMember | undefined>): OutboundMention[] {
  return staff
    .filter((s): s is HandoffStaffMember => s !== undefined)
    .map((s) => ({
      text: mentionText(s),
      userIds: { ...(s.telegramUserId ? { telegram: s.telegramUserId } : {}), ...(s.zaloUserId ? { zalo: s.zaloUserId } : {}) },
    }));
}

// ---------------------------------------------------------------------------------------------
// To the resident

/**
 * Opening lines for what a resident told us, as data: a question that mentions a death gets one line
 * of condolence before the receipt. Phrases are matched folded (no diacritics), whole words.
 */
const OPENERS: Array<{ phrases: string[]; line: string }> = [
  {
    phrases: ['moi mat', 'vua mat', 'da mat', 'mat roi', 'mat hom', 'qua doi', 'tu tran', 'ta the', 'tu vong', 'dam tang', 'dam hieu', 'mai tang'],
    line: 'Xin chia buồn cùng gia đình anh/chị.',
  },
];

export function openerFor({ question }: { question: string }): string | undefined {
  const folded = ` ${foldForMatch(question)} `;
  return OPENERS.find((o) => o.phrases.some((p) => folded.includes(` ${p} `)))?.line;
}

function foldForMatch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function receiptText({ code, unitName, expected, question = '' }: { code: string; unitName: string; expected: string; question?: string }): string {
  const opener = openerFor({ question });
  return [
    ...(opener ? [opener] : []),
    `Dạ, tôi đã chuyển câu hỏi của anh/chị tới cán bộ ${unitName}. Mã phiếu: ${code}.`,
    expected,
    'Anh/chị có thể nhắn thêm tại đây. Nếu cán bộ cần xem giấy tờ, anh/chị chụp ảnh gửi ngay tại đây.',
  ].join('\n');
}

/**
 * No staff group is configured for the unit: the resident still gets something to act on, the
 * centre's phone and address when the unit file has them.
 */
export function noStaffGroupText({ unitName, info }: { unitName: string; info: Record<string, string> }): string {
  const contact = [info.phone ? `gọi ${info.phone}` : '', info.address ? `đến ${info.address}` : ''].filter(Boolean).join(' hoặc ');
  const how = contact ? `Anh/chị vui lòng ${contact} trong giờ làm việc.` : 'Anh/chị vui lòng liên hệ trực tiếp trụ sở trong giờ làm việc.';
  return `Xin lỗi, hiện chưa kết nối được với cán bộ ${unitName}. ${how}`;
}

export function alreadyOpenText({ code }: { code: string }): string {
  return `Câu hỏi của anh/chị đã được chuyển tới cán bộ (phiếu ${code}). Tin nhắn mới sẽ được gửi kèm phiếu này.`;
}

export function staffReplyToResidentText({ text, unitName }: { text: string; unitName: string }): string {
  return `${text.trim()}\n\n— Cán bộ ${unitName}`;
}

/** "Closed" is about the conversation with staff, never the resident's dossier (hồ sơ), which may still be in progress. */
export function closedToResidentText({ code }: { code: string }): string {
  return (
    `Cán bộ đã trả lời xong câu hỏi của anh/chị (mã phiếu ${code}), cuộc trao đổi này xin tạm dừng. Cần hỏi thêm, anh/chị cứ nhắn tại đây.\n` +
    'Anh/chị hài lòng với câu trả lời ở mức nào? Xin gõ một số từ 1 đến 5 (5 là rất hài lòng).'
  );
}

export function thanksForRatingText({ rating }: { rating: number }): string {
  return rating >= 4
    ? 'Cảm ơn anh/chị đã đánh giá! Chúc anh/chị một ngày tốt lành.'
    : 'Cảm ơn anh/chị đã đánh giá. Chúng tôi sẽ cố gắng phục vụ tốt hơn.';
}

const FOLLOW_UP_WHAT: Record<string, string> = { text: 'tin nhắn', photo: 'ảnh', file: 'tệp', voice: 'tin nhắn thoại', video: 'video' };

/** After a follow-up or a photo (once per burst): it reached staff, no need to send it again. */
export function followUpAckText({ code, kind }: { code: string; kind: string }): string {
  return `Đã chuyển ${FOLLOW_UP_WHAT[kind] ?? 'tin'} của anh/chị tới cán bộ (phiếu ${code}). Anh/chị không cần gửi lại; cán bộ sẽ trả lời tại đây.`;
}


// ---------------------------------------------------------------------------------------------
// To a member of a residents' group (the group sees these: nothing personal in them)

/** "@Tên" first, so the member sees at a glance that the message is for them. */
export function groupAddressText({ mention, text }: { mention?: string; text: string }): string {
  return mention ? `${mention}\n${text.trim()}` : text.trim();
}

/** The receipt in the group: the code only, never the question (it may hold personal data). */
export function groupReceiptText({ code, expected }: { code: string; expected: string }): string {
  return `Dạ, tôi đã chuyển câu hỏi của anh/chị tới cán bộ. Mã phiếu: ${code}. ${expected}`.trim();
}

/**
 * A personal case asked in the group: only the code and where the details go. `privately`: the bot
 * can write to the member's private chat (they have one with the bot), else they are asked to open one.
 */
export function personalPointerText({ code, privately }: { code: string; privately: boolean }): string {
  return privately
    ? `Dạ, việc này liên quan thông tin cá nhân nên cán bộ sẽ nhắn riêng cho anh/chị (phiếu ${code}).`
    : `Dạ, việc này liên quan thông tin cá nhân nên xin trao đổi riêng (phiếu ${code}). Anh/chị nhắn riêng cho bot (bấm vào tên bot, chọn Nhắn tin), cán bộ sẽ trả lời ở đó.`;
}

/** A staff answer to a personal case, waiting for the member's private chat. */
export function heldReplyPointerText({ code }: { code: string }): string {
  return `Cán bộ đã trả lời phiếu ${code}. Vì có thông tin cá nhân, anh/chị nhắn riêng cho bot để xem câu trả lời nhé.`;
}

/** In the private chat, before the answers that waited for it. */
export function heldRepliesIntroText({ code }: { code: string }): string {
  return `Đây là câu trả lời của cán bộ cho phiếu ${code} anh/chị hỏi trong nhóm:`;
}

/** `/rieng` in a group: answers of the member's ticket go to their private chat from now on. */
export function privateChosenText({ code }: { code: string }): string {
  return `Dạ, câu trả lời cho phiếu ${code} sẽ được gửi vào tin nhắn riêng của anh/chị.`;
}

export function privateUnavailableText(): string {
  return 'Dạ, bot chưa nhắn riêng được cho anh/chị. Anh/chị nhắn riêng cho bot một tin (bấm vào tên bot, chọn Nhắn tin) rồi gõ /rieng trong nhóm lần nữa nhé.';
}

export function privateNothingOpenText(): string {
  return 'Dạ, anh/chị chưa có câu hỏi nào đang chờ cán bộ trả lời.';
}

/**
 * The card in the residents' group itself (centres whose officers answer there): who is asked and
 * which message, nothing of its content (the message is quoted right above).
 */
export function inGroupCardText({ code, onDuty, privateOnly }: { code: string; onDuty: HandoffStaffMember[]; privateOnly: boolean }): string {
  const who = onDuty.length > 0 ? names(onDuty) : 'Cán bộ trực';
  return privateOnly
    ? `📋 Phiếu ${code} · ${who}: việc riêng của người dân, mời xem phiếu ở nhóm cán bộ hoặc nhắn riêng cho họ.`
    : `📋 Phiếu ${code} · ${who}: mời cán bộ trả lời tin nhắn trên (trả lời thẳng vào tin nhắn của người dân).`;
}

/** To the ticket's staff threads: an officer answered the resident in the residents' group. */
export function answeredInGroupText({ code, staffName, text }: { code: string; staffName: string; text: string }): string {
  return `💬 ${staffName} đã trả lời phiếu ${code} ngay trong nhóm của người dân:\n${clip(text, 500)}`;
}

// ---------------------------------------------------------------------------------------------
// To the staff group

/** Short staff-side words and replies used by the staff actions. */
export const staffTexts = {
  claimButton: '✋ Nhận',
  closeButton: '✅ Đóng',
  reopenButton: '↩️ Mở lại',
  resendButton: '📨 Gửi lại',
  nobody: 'chưa ai',
  unclaimed: 'chưa ai nhận',
  heldForPrivate: ({ code }: { code: string }) =>
    `Phiếu ${code} là việc riêng hỏi trong nhóm cư dân và người dân chưa nhắn riêng cho bot: nhóm chỉ thấy lời nhắn «cán bộ đã trả lời»; câu trả lời sẽ tới họ ngay khi họ nhắn riêng cho bot.`,
  emptyReply: ({ code }: { code: string }) => `Nội dung trả lời trống. Gõ #${code} rồi nội dung cần gửi người dân.`,
  emptyNote: ({ code }: { code: string }) => `Ghi chú trống. Gõ /ghichu ${code} nội dung.`,
  /** The signed line before a staff member's photo/file sent without a caption. */
  mediaOnlyReply: ({ kind }: { kind: string }) => `Cán bộ gửi anh/chị ${kindLabel(kind)}:`,
  otherTicketOpen: ({ code }: { code: string }) => `Người dân của ${code} đang có một phiếu khác đang mở; xin tiếp tục trên phiếu đó.`,
  moreTickets: ({ count }: { count: number }) => `… và ${count} phiếu khác`,
  age: ({ minutes }: { minutes: number }) =>
    minutes < 60 ? `${minutes} phút` : minutes < 48 * 60 ? `${Math.floor(minutes / 60)} giờ` : `${Math.floor(minutes / 1440)} ngày`,
};

/** Where a ticket stands, as its card shows it (the card is edited in place when this changes). */
export type CardStatus =
  | { kind: 'open' }
  | { kind: 'claimed'; staffName: string; at: string }
  | { kind: 'closed'; staffName: string | null; at: string; rating: number | null }
  | { kind: 'undeliverable' };

const STATUS_ICON: Record<CardStatus['kind'], string> = { open: '🆕', claimed: '✋', closed: '✅', undeliverable: '⚠️' };

function statusLine(status: CardStatus): string {
  switch (status.kind) {
    case 'open':
      return 'Trạng thái: chưa ai nhận.';
    case 'claimed':
      return `Trạng thái: ${status.staffName} đang xử lý (nhận lúc ${status.at}).`;
    case 'closed':
      return `Trạng thái: đã đóng lúc ${status.at}${status.staffName ? ` (${status.staffName})` : ''}.${status.rating ? ` Người dân đánh giá ${status.rating}/5.` : ''}`;
    case 'undeliverable':
      return 'Trạng thái: không liên lạc được với người dân.';
  }
}

/**
 * The ticket card: what a busy officer needs to pick it up without opening anything else. `receivedAt`
 * and `dueAt` are already in the unit's local time ("9:05 thứ Hai 2/3"); `outOfHours` is when staff
 * are back ("từ 7:30 sáng mai") for a ticket sent outside working hours.
 */
export function ticketCardText(args: {
  code: string;
  residentName: string | null;
  channel: string;
  question: string;
  guesses: Candidate[];
  onDuty: HandoffStaffMember[];
  inOwnThread: boolean;
  hasButtons: boolean;
  receivedAt: string;
  dueAt: string | null;
  outOfHours: string | null;
  status: CardStatus;
  /** The ticket's page in the console (PUBLIC_URL set), or null. */
  link?: string | null;
}): string {
  const lines = [
    `${STATUS_ICON[args.status.kind]} Phiếu ${args.code} · ${args.residentName?.trim() || 'Người dân'} (${channelLabel(args.channel)})`,
    `Câu hỏi: ${clip(args.question) || '(không có nội dung chữ)'}`,
  ];
  if (args.guesses.length > 0) lines.push(`Bot đã tìm: ${args.guesses.slice(0, 3).map((g) => g.title).join('; ')}`);
  else lines.push('Bot chưa tìm thấy mục hỏi đáp phù hợp.');
  lines.push(`Gửi lúc ${args.receivedAt}${args.dueAt ? ` · hạn trả lời ${args.dueAt}` : ''}`);
  if (args.outOfHours) lines.push(`🌙 Gửi ngoài giờ làm việc; người dân được báo cán bộ trả lời ${args.outOfHours}.`);
  lines.push(args.onDuty.length > 0 ? `Cán bộ trực: ${names(args.onDuty)}` : 'Hôm nay không có cán bộ trực theo lịch.');
  lines.push(statusLine(args.status));
  if (args.status.kind !== 'closed') lines.push(cardHowTo(args));
  if (args.link) lines.push(`Xem và trả lời trên trang quản trị: ${args.link}`);
  return lines.join('\n');
}

/** The card's one line of instructions: how to answer, and how to talk among staff without the resident seeing it. */
function cardHowTo(args: { code: string; inOwnThread: boolean; hasButtons: boolean }): string {
  if (args.inOwnThread) {
    const claim = args.hasButtons ? 'Bấm Nhận' : `Gõ /nhan ${args.code}`;
    return `Cách làm: ${claim}, rồi nhắn trả lời ngay trong chủ đề này. Tin bắt đầu bằng ! là trao đổi nội bộ, người dân không thấy.`;
  }
  const reply = `trả lời (reply/trích dẫn) tin này hoặc gõ #${args.code} nội dung`;
  return args.hasButtons ? `Cách làm: bấm Nhận, rồi ${reply}.` : `Cách làm: gõ /nhan ${args.code} để nhận; ${reply}; gõ /dong ${args.code} khi xong.`;
}

/**
 * Into the ticket's staff threads when a staff member answered from the console: colleagues in the
 * group see what the resident was sent, and that it was not typed there.
 */
export function consoleAnsweredText({ code, staffName, username, text }: { code: string; staffName: string; username: string; text: string }) {
  return `🖥️ ${staffName} đã trả lời phiếu ${code} từ trang quản trị (tài khoản ${username}):\n${clip(text, 3000)}`;
}

/** Under the card posted again in a topic the bot had to re-create. */
export function topicRecreatedText() {
  return '(Chủ đề cũ đã bị xóa hoặc đóng; bot tạo lại chủ đề này.)';
}

/** Heads the resident's earlier messages under a card. */
export function earlierLabel() {
  return 'Tin trước đó:';
}

export function topicTitle({ code, residentName }: { code: string; residentName: string | null }): string {
  return clip(`${code} · ${residentName?.trim() || 'Người dân'}`, 128);
}

export function residentFollowUpText({ code, residentName, text }: { code: string; residentName: string | null; text: string }) {
  return `💬 ${code} · ${residentName?.trim() || 'Người dân'}: ${clip(text, 3000)}`;
}

const KIND_LABELS: Record<string, string> = {
  photo: 'một ảnh',
  voice: 'một tin nhắn thoại',
  video: 'một video',
  file: 'một tệp',
  sticker: 'một nhãn dán',
  location: 'một vị trí',
  contact: 'một danh thiếp',
  other: 'một tin nhắn đặc biệt',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? 'một tệp';
}

/** Header before a copied photo/file; `copied=false` means the media could not be copied (cross-channel). */
export function residentMediaText(args: {
  code: string;
  residentName: string | null;
  kind: string;
  caption: string;
  copied: boolean;
  link?: string;
}): string {
  const who = `📎 ${args.code} · ${args.residentName?.trim() || 'Người dân'} gửi ${kindLabel(args.kind)}`;
  const caption = args.caption.trim() ? `: ${clip(args.caption, 1000)}` : '';
  if (args.copied) return `${who}${caption}`;
  const where = args.link ? `\nXem tại: ${args.link}` : '\nBot không chuyển được tệp này sang nhóm; xin hỏi người dân mô tả bằng chữ hoặc mang giấy tờ tới trụ sở.';
  return `${who}${caption}${where}`;
}

export function claimedText({ code, staffName, auto }: { code: string; staffName: string; auto?: boolean }) {
  return auto ? `✋ ${staffName} đã nhận phiếu ${code} (tự động khi trả lời).` : `✋ ${staffName} đã nhận phiếu ${code}.`;
}

/** To the one staff member who tried (a pop-up on Telegram, at most 200 characters). */
export function alreadyClaimedText({ code, staffName }: { code: string; staffName: string }) {
  return `Phiếu ${code} đã có ${staffName} nhận. Muốn làm thay, nhờ ${staffName} gõ /chuyen ${code} kèm tên anh/chị.`;
}

export function alreadyYoursText({ code }: { code: string }) {
  return `Anh/chị đã nhận phiếu ${code} rồi.`;
}

/** The new assignee is tagged (mentionsOf([to])) so they hear about it. */
export function transferredText({ code, fromName, to }: { code: string; fromName: string; to: HandoffStaffMember }) {
  return `🔁 ${fromName} đã chuyển phiếu ${code} cho ${mentionText(to)}.`;
}

export function closedToStaffText({ code, staffName }: { code: string; staffName: string }) {
  return `✅ ${staffName} đã đóng phiếu ${code}. Người dân được mời đánh giá 1–5.`;
}

export function reopenedByStaffText({ code }: { code: string }): string {
  return `↩️ Phiếu ${code} đã được mở lại.`;
}

/** The resident wrote again; replies that bounced meanwhile are offered for resending. */
export function reopenedToStaffText({ code, undelivered = [] }: { code: string; undelivered?: string[] }): Wording {
  const head = `↩️ Người dân của phiếu ${code} đã nhắn lại; phiếu mở lại.`;
  if (undelivered.length === 0) return head;
  const quoted = undelivered.map((t) => `  · ${clip(t, 300)}`).join('\n');
  const text = `${head}\n${undelivered.length} tin trả lời trước đó chưa tới được người dân:\n${quoted}`;
  return { withButtons: `${text}\nBấm «Gửi lại» hoặc gõ /guilai ${code} để gửi lại.`, withoutButtons: `${text}\nGõ /guilai ${code} để gửi lại.` };
}

export function resentText({ code, count }: { code: string; count: number }) {
  return count > 0 ? `📨 Đã gửi lại ${count} tin trả lời cho người dân của phiếu ${code}.` : `Phiếu ${code} không có tin nào cần gửi lại.`;
}

export function ratingToStaffText({ code, rating }: { code: string; rating: number }) {
  return `⭐ Người dân đánh giá phiếu ${code}: ${rating}/5.`;
}

export function noteSavedText({ code }: { code: string }) {
  return `📝 Đã lưu ghi chú nội bộ cho ${code} (người dân không thấy).`;
}

export function undeliverableText({ code, reason }: { code: string; reason: 'blocked' | 'failed' }) {
  return reason === 'blocked'
    ? `⚠️ Không gửi được tin tới người dân của phiếu ${code}: người dân đã chặn bot hoặc xóa tài khoản. Phiếu chuyển sang "không liên lạc được"; khi người dân nhắn lại, phiếu sẽ mở lại.`
    : `⚠️ Không gửi được tin tới người dân của phiếu ${code} sau nhiều lần thử. Phiếu chuyển sang "không liên lạc được".`;
}

/** To the resident, when a staff member's photo/file could not be copied to them. */
export function staffMediaLostText() {
  return 'Cán bộ có gửi kèm một tệp nhưng bot chưa chuyển được. Anh/chị vui lòng chờ cán bộ nhắn lại.';
}

export function staffMediaNotRelayedText({ code }: { code: string }) {
  return `Bot chưa chuyển được ảnh/tệp này tới người dân của ${code} (khác kênh). Xin gõ nội dung bằng chữ.`;
}

export function slaReminderText({ code, minutesLeft, onDuty }: { code: string; minutesLeft: number; onDuty: HandoffStaffMember[] }) {
  const who = onDuty.length > 0 ? `${names(onDuty)}: ` : '';
  return `⏰ ${who}phiếu ${code} chưa có trả lời; còn khoảng ${Math.max(1, Math.round(minutesLeft))} phút làm việc trước hạn.`;
}

export function slaBreachText({ code, lead }: { code: string; lead: HandoffStaffMember | undefined }) {
  const who = lead ? `${mentionText(lead)} (trưởng bộ phận): ` : '';
  return `🚨 ${who}phiếu ${code} đã quá hạn trả lời. Xin phân công cán bộ xử lý ngay.`;
}

export function refusalText() {
  return 'Xin lỗi, anh/chị chưa có trong danh sách cán bộ của đơn vị nên bot không thực hiện thao tác này. Gửi /id để lấy mã người dùng và nhờ quản trị viên đăng ký.';
}

export function idText({ conversationRef, externalUserId, displayName }: { conversationRef: string; externalUserId: string; displayName: string }) {
  return `Mã nhóm/cuộc trò chuyện: ${conversationRef}\nMã người dùng của ${displayName}: ${externalUserId}`;
}

export function ticketNotFoundText({ code }: { code: string }) {
  return `Không tìm thấy phiếu ${code}. Gõ /ds để xem các phiếu đang mở.`;
}

export function whichTicketText({ verb }: { verb: string }) {
  return `Chưa rõ phiếu nào. Gõ ${verb} HS-0042 (mã phiếu), trả lời (reply) tin của phiếu, hoặc gõ trong chủ đề của phiếu.`;
}

/** A staff reply or reopen on a ticket whose resident erased their data (/xoadulieu). */
export function residentErasedText({ code }: { code: string }) {
  return `Người dân của phiếu ${code} đã xóa dữ liệu của mình nên phiếu đã đóng; bot không còn gửi tin cho họ được.`;
}

export function invalidStateText({ code, status }: { code: string; status: string }) {
  const label = status === 'closed' ? 'đã đóng (gõ /mo để mở lại)' : status === 'undeliverable' ? 'không liên lạc được với người dân' : status;
  return `Phiếu ${code} ${label}, không thực hiện được thao tác này.`;
}

export function transferTargetText({ query, candidates }: { query: string; candidates: HandoffStaffMember[] }) {
  if (candidates.length === 0) return `Không tìm thấy cán bộ "${query}". Gõ tên hoặc mã cán bộ như trong danh sách đăng ký.`;
  return `Có nhiều cán bộ khớp "${query}": ${candidates.map((s) => `${s.name} (${s.id})`).join(', ')}. Xin gõ mã cán bộ.`;
}

export function faqDraftSavedText({ code }: { code: string }) {
  return `📚 Đã gửi câu hỏi và câu trả lời của ${code} cho quản trị viên duyệt thành mục hỏi đáp.`;
}

export function faqDraftNoAnswerText({ code }: { code: string }) {
  return `Phiếu ${code} chưa có câu trả lời của cán bộ nên chưa tạo được mục hỏi đáp.`;
}

/** One open ticket in /ds: code, resident and channel, who has it, age, reply due, flags. */
export function listLineText(args: {
  code: string;
  residentName: string | null;
  channel: string;
  who: string;
  age: string;
  dueAt: string | null;
  overdue: boolean;
  outOfHours: boolean;
  undeliverable: boolean;
}) {
  const parts = [`${args.code} · ${args.residentName?.trim() || 'Người dân'} (${channelLabel(args.channel)})`, args.who, args.age];
  if (args.dueAt) parts.push(args.overdue ? `⏰ quá hạn (${args.dueAt})` : `hạn ${args.dueAt}`);
  if (args.outOfHours) parts.push('🌙 gửi ngoài giờ');
  if (args.undeliverable) parts.push('⚠️ không liên lạc được');
  return parts.join(' · ');
}

export function listText({ lines }: { lines: string[] }) {
  return lines.length === 0 ? 'Không có phiếu nào đang mở. 🎉' : `Phiếu đang mở (${lines.length}):\n${lines.join('\n')}`;
}

export function helpText() {
  return [
    'Lệnh cho cán bộ (gõ trong nhóm):',
    '/nhan HS-0042 — nhận phiếu (/claim)',
    '#HS-0042 nội dung — trả lời người dân (hoặc trả lời/reply tin của phiếu)',
    '! nội dung — trao đổi giữa cán bộ, người dân không thấy',
    '/ghichu HS-0042 nội dung — ghi chú nội bộ (/note)',
    '/chuyen HS-0042 tên cán bộ — chuyển phiếu (/transfer)',
    '/dong HS-0042 — đóng phiếu (/close); /mo HS-0042 — mở lại (/reopen)',
    '/guilai HS-0042 — gửi lại tin trả lời chưa tới người dân (/resend)',
    '/ds — danh sách phiếu đang mở (/list)',
    '/faq HS-0042 — đề xuất thành mục hỏi đáp',
    '/id — xem mã nhóm và mã người dùng',
  ].join('\n');
}
