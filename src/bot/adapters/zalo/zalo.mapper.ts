/**
 * Pure translation between zca-js messages and the core's InboundMessage, plus the Zalo
 * conversation-ref format. Only this file knows that Zalo needs (threadId, ThreadType).
 *
 * Facts this relies on (zca-js 2.2.0, dist/models/Message.d.ts and dist/models/Message.js):
 * - `UserMessage.threadId` is the other person's uid; `GroupMessage.threadId` is the group id.
 * - `isSelf` is true for messages sent by the logged-in account (also when typed on the phone).
 * - `data.msgId` is Zalo's global message id: a quote points back to it as `quote.globalMsgId`
 *   (`cliMsgId` is only the sender's client-local counter), so msgId is the external id as is.
 * - User ids are per viewer: store them as the bot account sees them.
 */
import { sanitizeInbound } from '../../core/text-sanitize.js';
import { ThreadType, type GroupMessage, type Mention, type TAttachmentContent, type TMention, type UserMessage } from 'zca-js';
import { locateMentions } from '../../core/mentions.js';
import type { InboundMessage, MessageKind, OutboundMessage } from '../../core/message.types.js';

export type ZaloThreadKind = 'user' | 'group';
export type ZaloThread = { threadId: string; threadType: ThreadType };

/** Zalo uids and group ids are decimal strings (a 0 from zca-js means "me" and never reaches here). */
const THREAD_ID = /^\d{1,32}$/;

export class InvalidZaloConversationRefError extends Error {
  readonly code = 'zalo.invalid_conversation_ref';
  constructor(ref: string) {
    super(
      `Invalid Zalo conversation ref "${ref}": expected "zalo:user:<digits>" or "zalo:group:<digits>" ` +
        '(build it with toZaloConversationRef, never by hand).',
    );
    this.name = 'InvalidZaloConversationRefError';
  }
}

export function toZaloConversationRef({ threadType, threadId }: ZaloThread): string {
  const kind: ZaloThreadKind = threadType === ThreadType.Group ? 'group' : 'user';
  const ref = `zalo:${kind}:${threadId}`;
  if (!THREAD_ID.test(threadId)) throw new InvalidZaloConversationRefError(ref);
  return ref;
}

/** The private chat with a user (their uid as this account sees it, e.g. a group member's). */
export function toZaloUserRef({ userId }: { userId: string }): string {
  return toZaloConversationRef({ threadId: userId, threadType: ThreadType.User });
}

/** Throws InvalidZaloConversationRefError on anything that is not a well-formed Zalo ref. */
export function parseZaloConversationRef({ conversationRef }: { conversationRef: string }): ZaloThread {
  const match = /^zalo:(user|group):(\d{1,32})$/.exec(conversationRef);
  if (!match) throw new InvalidZaloConversationRefError(conversationRef);
  return { threadId: match[2]!, threadType: match[1] === 'group' ? ThreadType.Group : ThreadType.User };
}

/** msgType values seen in zca-js 2.2.0 (utils.js getClientMessageType) → our kinds. */
const KIND_BY_MSG_TYPE: Record<string, MessageKind> = {
  webchat: 'text',
  'chat.photo': 'photo',
  'chat.gif': 'photo',
  'chat.doodle': 'photo',
  'chat.sticker': 'sticker',
  'chat.voice': 'voice',
  'chat.video.msg': 'video',
  'share.file': 'file',
  'chat.location.new': 'location',
  'chat.link': 'text',
};

/**
 * Maps one zca-js message. Returns null for the bot's own messages (never answer yourself).
 * `ownId` is the bot account's uid (api.getOwnId()): a mention of it, or a quote of one of its
 * messages, addresses the bot in a group. In a private chat every message is addressed to the bot.
 */
export function toInboundMessage({
  message,
  ownId,
  now = new Date(),
}: {
  message: UserMessage | GroupMessage;
  ownId: string;
  now?: Date;
}): { inbound: InboundMessage | null } {
  if (message.isSelf) return { inbound: null };
  const { data } = message;
  const isGroup = message.type === ThreadType.Group;
  const conversationRef = toZaloConversationRef({ threadId: message.threadId, threadType: message.type });
  if (!data.msgId) throw new Error(`zalo.mapper: message in ${conversationRef} has no msgId, cannot dedupe it`);

  const mentions = isGroup ? ((message as GroupMessage).data.mentions ?? []) : [];
  const { kind, text, attachment } = readContent({ msgType: data.msgType, content: data.content });
  const quote = data.quote;
  const quotedId = quote && Number(quote.globalMsgId) > 0 ? String(quote.globalMsgId) : undefined;
  const mentionsBot = mentions.some((m) => m.uid === ownId);
  const quotesBot = quote !== undefined && String(quote.ownerId) === ownId;
  const ts = Number(data.ts);

  const inbound: InboundMessage = {
    channel: 'zalo',
    conversationRef,
    chatType: isGroup ? 'group' : 'private',
    externalMessageId: String(data.msgId),
    sender: { externalUserId: String(data.uidFrom), displayName: data.dName ?? '' },
    text: mentionsBot ? stripMentions({ text, mentions, uid: ownId }) : text,
    kind,
    addressedToBot: !isGroup || mentionsBot || quotesBot,
    receivedAt: Number.isFinite(ts) && ts > 0 ? new Date(ts) : now,
    raw: data,
  };
  if (attachment) inbound.attachment = attachment;
  if (quotedId) inbound.replyToExternalId = quotedId;
  return { inbound: sanitizeInbound(inbound) };
}

type ContentReading = { kind: MessageKind; text: string; attachment?: InboundMessage['attachment'] };

function readContent({ msgType, content }: { msgType: string; content: unknown }): ContentReading {
  if (typeof content === 'string') return { kind: 'text', text: content };
  const object = (content ?? {}) as Partial<TAttachmentContent> & Record<string, unknown>;
  const title = typeof object.title === 'string' ? object.title : '';
  const description = typeof object.description === 'string' ? object.description : '';
  const href = typeof object.href === 'string' && object.href !== '' ? object.href : undefined;
  // The handle staff receive: the CDN link when there is one, else the content itself (stickers: {id, catId}).
  const ref = href ?? JSON.stringify(content ?? null);

  if (msgType === 'chat.recommended') {
    // A shared contact card ("recommened.user", sic) or a shared link.
    if (object.action === 'recommened.user') return { kind: 'contact', text: '', attachment: { ref } };
    return { kind: 'text', text: joinDistinct([title, href]) };
  }
  const kind = KIND_BY_MSG_TYPE[msgType] ?? 'other';
  switch (kind) {
    case 'text': // link previews: the text the person typed is in title, the link in href
      return { kind, text: joinDistinct([title || description, href]) };
    case 'photo':
    case 'video':
      return { kind, text: title, attachment: { ref } }; // title holds the caption
    case 'file':
      return { kind, text: '', attachment: { ref, ...(title ? { fileName: title } : {}) } };
    default:
      return { kind, text: '', attachment: { ref } };
  }
}

function joinDistinct(parts: Array<string | undefined>): string {
  const kept: string[] = [];
  for (const part of parts) if (part && !kept.some((k) => k.includes(part))) kept.push(part);
  return kept.join('\n');
}

/** Removes "@Bot name" spans (by position, right to left so positions stay valid) so FAQ search sees the question only. */
function stripMentions({ text, mentions, uid }: { text: string; mentions: TMention[]; uid: string }): string {
  const spans = mentions.filter((m) => m.uid === uid && m.pos >= 0 && m.len > 0).sort((a, b) => b.pos - a.pos);
  let result = text;
  for (const { pos, len } of spans) result = result.slice(0, pos) + result.slice(pos + len);
  return result.replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * An outbound message's mentions as zca-js sendMessage wants them ({ pos, uid, len }, positions in
 * the text). Zalo tags people in groups only, so a private chat gets none (zca-js would drop them).
 */
export function toZaloMentions({ message, threadType }: { message: Pick<OutboundMessage, 'text' | 'mentions'>; threadType: ThreadType }): { mentions: Mention[] } {
  if (threadType !== ThreadType.Group) return { mentions: [] };
  const { spans } = locateMentions({ message, channel: 'zalo' });
  return { mentions: spans.filter((s) => THREAD_ID.test(s.userId)).map((s) => ({ pos: s.offset, uid: s.userId, len: s.length })) };
}
