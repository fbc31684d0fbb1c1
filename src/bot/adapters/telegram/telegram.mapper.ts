/**
 * Pure translation between Telegram's wire format and the core's message shapes.
 * No I/O, no clock (callers pass `now`), no telegraf runtime: only its type definitions.
 *
 * Conversation refs:  telegram:<chatId>                         private chat, group, forum "General"
 *                     telegram:<chatId>:topic:<message_thread_id> one forum topic
 * External ids:       <chatId>:<message_id>   (Telegram message ids are per chat)
 *                     cb:<callback_query.id>  (a button tap)
 *
 * Decisions worth knowing:
 * - edited_message / edited_channel_post → null. An edit keeps its message_id, so the pipeline's
 *   dedupe would drop it anyway, and re-answering a corrected typo would double-reply a resident.
 * - Service messages (members joined, topic created/closed, pinned, chat migrated…), channel posts,
 *   my_chat_member/chat_member, inline queries, polls' state updates → null.
 * - Messages from any bot (including ourselves) → null. A message sent on behalf of a chat
 *   (anonymous group admin, `sender_chat`) is kept, with the chat as sender, so the handoff can
 *   answer "please post as yourself" instead of the message vanishing.
 * - Channel-post copies automatically forwarded into a discussion group → null.
 * - The bot's own @mention and the `@botname` suffix of a command are removed from the text
 *   ("@motcua_bot khai sinh" → "khai sinh", "/start@motcua_bot" → "/start"): the core knows no
 *   usernames, and the FAQ engine should not search for the bot's name.
 */
import { sanitizeInbound } from '../../core/text-sanitize.js';
import type { Update } from 'telegraf/types';
import type { InboundMessage, MessageKind } from '../../core/message.types.js';

/** The identity of our bot, from getMe. */
export type TelegramBotIdentity = { id: number; username: string };

export type ToInboundResult = { message: InboundMessage; skipReason?: undefined } | { message: null; skipReason: string };

// ---------------------------------------------------------------------------------------------
// Conversation refs and external ids

export type TelegramTarget = { chatId: number; threadId?: number };

/** Thrown for a ref or id this adapter cannot have produced: a bug upstream, never retryable. */
export class TelegramRefError extends Error {
  readonly code = 'telegram.invalid_ref';
  constructor(what: string, value: string, expected: string) {
    super(`Invalid Telegram ${what} "${value}": expected ${expected}.`);
    this.name = 'TelegramRefError';
  }
}

const REF = /^telegram:(-?\d{1,20})(?::topic:(\d{1,12}))?$/;
const MESSAGE_ID = /^(-?\d{1,20}):(\d{1,12})$/;

export function toTelegramRef({ chatId, threadId }: TelegramTarget): string {
  if (!Number.isSafeInteger(chatId) || chatId === 0) throw new TelegramRefError('chat id', String(chatId), 'a non-zero integer');
  if (threadId === undefined) return `telegram:${chatId}`;
  if (!Number.isSafeInteger(threadId) || threadId <= 0) throw new TelegramRefError('topic id', String(threadId), 'a positive integer');
  return `telegram:${chatId}:topic:${threadId}`;
}

export function parseTelegramRef(conversationRef: string): TelegramTarget {
  const match = REF.exec(conversationRef);
  const chatId = match ? Number(match[1]) : NaN;
  const threadId = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!match || !Number.isSafeInteger(chatId) || chatId === 0 || (threadId !== undefined && (!Number.isSafeInteger(threadId) || threadId <= 0))) {
    throw new TelegramRefError('conversation ref', conversationRef, '"telegram:<chatId>" or "telegram:<chatId>:topic:<threadId>"');
  }
  return threadId === undefined ? { chatId } : { chatId, threadId };
}

export function toTelegramMessageId({ chatId, messageId }: { chatId: number; messageId: number }): string {
  return `${chatId}:${messageId}`;
}

/** Reads `<chatId>:<message_id>`. Button taps (`cb:…`) are not messages and are refused. */
export function parseTelegramMessageId(externalMessageId: string): { chatId: number; messageId: number } {
  const match = MESSAGE_ID.exec(externalMessageId);
  const chatId = match ? Number(match[1]) : NaN;
  const messageId = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(chatId) || chatId === 0 || !Number.isSafeInteger(messageId) || messageId <= 0) {
    throw new TelegramRefError('message id', externalMessageId, '"<chatId>:<message_id>" as returned by send or the mapper');
  }
  return { chatId, messageId };
}

// ---------------------------------------------------------------------------------------------
// Update → InboundMessage

/** The fields we read, typed loosely: typegram's message union is too fine-grained to narrow usefully. */
type RawUser = { id: number; is_bot: boolean; first_name: string; last_name?: string; username?: string };
type RawChat = { id: number; type: 'private' | 'group' | 'supergroup' | 'channel'; title?: string; first_name?: string; last_name?: string; is_forum?: true };
type RawEntity = { type: string; offset: number; length: number; user?: RawUser };
type RawFile = { file_id: string; mime_type?: string; file_name?: string };
type RawMessage = {
  message_id: number;
  date: number;
  chat: RawChat;
  from?: RawUser;
  sender_chat?: RawChat;
  message_thread_id?: number;
  is_topic_message?: boolean;
  is_automatic_forward?: true;
  reply_to_message?: RawMessage & { forum_topic_created?: unknown };
  text?: string;
  entities?: RawEntity[];
  caption?: string;
  caption_entities?: RawEntity[];
  photo?: RawFile[];
  sticker?: RawFile & { emoji?: string };
  voice?: RawFile;
  audio?: RawFile;
  video?: RawFile;
  video_note?: RawFile;
  animation?: RawFile;
  document?: RawFile;
  location?: { latitude: number; longitude: number };
  venue?: { location: { latitude: number; longitude: number }; title: string; address: string };
  contact?: { phone_number: string; first_name: string };
  poll?: unknown;
  dice?: unknown;
  game?: unknown;
  story?: unknown;
  invoice?: unknown;
};
type RawCallbackQuery = { id: string; from: RawUser; message?: RawMessage; data?: string };

/** Content fields that make a message something a person sent; anything else is a service message. */
const OTHER_CONTENT = ['poll', 'dice', 'game', 'story', 'invoice'] as const;

/** Non-storable characters (NUL…) never get past the edge. */
function sanitized(result: ToInboundResult): ToInboundResult {
  return result.message ? { message: sanitizeInbound(result.message) } : result;
}

/**
 * Turns one Telegram update into an InboundMessage, or null with the reason it is ignored.
 * `now` is used only where Telegram gives no date (button taps).
 */
export function toInboundMessage({ update, bot, now }: { update: Update; bot: TelegramBotIdentity; now: Date }): ToInboundResult {
  const u = update as Update & { message?: RawMessage; callback_query?: RawCallbackQuery };
  if (u.message) return sanitized(fromMessage({ message: u.message, bot, raw: update }));
  if (u.callback_query) return sanitized(fromCallbackQuery({ query: u.callback_query, now, raw: update }));
  const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'empty';
  return skip(kind === 'edited_message' ? 'edited message (edits are not re-answered)' : `${kind} update`);
}

function fromMessage({ message, bot, raw }: { message: RawMessage; bot: TelegramBotIdentity; raw: unknown }): ToInboundResult {
  const chatType = toChatType(message.chat);
  if (!chatType) return skip('channel post');
  if (message.is_automatic_forward) return skip('channel post forwarded into the discussion group');
  const sender = toSender(message);
  if (!sender) return skip(message.from?.id === bot.id ? 'our own message' : 'message from a bot');

  const content = toContent(message);
  if (!content) return skip('service message');

  const rawText = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  const realReply = isRealReply(message) ? message.reply_to_message : undefined;
  const addressedToBot =
    chatType === 'private' || realReply?.from?.id === bot.id || entities.some((e) => entityAddressesBot({ entity: e, text: rawText, bot }));

  const inbound: InboundMessage = {
    channel: 'telegram',
    conversationRef: toTelegramRef(targetOf(message)),
    chatType,
    externalMessageId: toTelegramMessageId({ chatId: message.chat.id, messageId: message.message_id }),
    sender,
    text: stripBotAddress({ text: rawText, entities, bot }),
    kind: content.kind,
    addressedToBot,
    receivedAt: new Date(message.date * 1000),
    raw,
  };
  if (content.attachment) inbound.attachment = content.attachment;
  if (realReply) inbound.replyToExternalId = toTelegramMessageId({ chatId: message.chat.id, messageId: realReply.message_id });
  return { message: inbound };
}

function fromCallbackQuery({ query, now, raw }: { query: RawCallbackQuery; now: Date; raw: unknown }): ToInboundResult {
  const message = query.message;
  if (!message) return skip('button tap on an inline-mode message (no chat)');
  if (query.data === undefined) return skip('game button tap (no data)');
  if (query.from.is_bot) return skip('button tap by a bot');
  const chatType = toChatType(message.chat);
  if (!chatType) return skip('button tap in a channel');
  return {
    message: {
      channel: 'telegram',
      // An inaccessible message (older than 48 h) has date 0 and no thread info: the tap then lands in the chat.
      conversationRef: toTelegramRef(targetOf(message)),
      chatType,
      externalMessageId: `cb:${query.id}`,
      sender: { externalUserId: String(query.from.id), displayName: displayNameOf(query.from) },
      text: '',
      kind: 'text',
      // The message carrying the button: lets the handoff find the ticket card that was tapped.
      replyToExternalId: toTelegramMessageId({ chatId: message.chat.id, messageId: message.message_id }),
      addressedToBot: true,
      action: query.data,
      receivedAt: now,
      raw,
    },
  };
}

function skip(skipReason: string): ToInboundResult {
  return { message: null, skipReason };
}

function toChatType(chat: RawChat): InboundMessage['chatType'] | null {
  if (chat.type === 'private') return 'private';
  if (chat.type === 'group' || chat.type === 'supergroup') return 'group';
  return null;
}

/**
 * Only messages flagged is_topic_message belong to a topic: non-forum supergroups also set
 * message_thread_id on reply chains, and the forum's General topic has no flag (tdlib/telegram-bot-api#356, qf-studio/pilot#4887).
 */
function targetOf(message: RawMessage): TelegramTarget {
  return message.is_topic_message && message.message_thread_id ? { chatId: message.chat.id, threadId: message.message_thread_id } : { chatId: message.chat.id };
}

/** In a forum topic every message "replies" to the topic's creation message; that is not a quote. */
function isRealReply(message: RawMessage): boolean {
  const target = message.reply_to_message;
  if (!target) return false;
  if (target.forum_topic_created !== undefined) return false;
  if (message.is_topic_message && target.message_id === message.message_thread_id) return false;
  return true;
}

function toSender(message: RawMessage): InboundMessage['sender'] | null {
  if (message.sender_chat) {
    const chat = message.sender_chat;
    return { externalUserId: `chat:${chat.id}`, displayName: chat.title ?? displayNameOf({ first_name: chat.first_name ?? '', last_name: chat.last_name }) };
  }
  if (!message.from || message.from.is_bot) return null;
  return { externalUserId: String(message.from.id), displayName: displayNameOf(message.from) };
}

function displayNameOf(user: { first_name: string; last_name?: string; username?: string }): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || (user.username ? `@${user.username}` : 'Người dùng Telegram');
}

function toContent(message: RawMessage): { kind: MessageKind; attachment?: InboundMessage['attachment'] } | null {
  if (message.text !== undefined) return { kind: 'text' };
  const file = (kind: MessageKind, f: RawFile) => ({ kind, attachment: fileAttachment(f) });
  if (message.photo?.length) return file('photo', largest(message.photo));
  if (message.sticker) return file('sticker', message.sticker);
  // Audio files are almost always recorded speech from this audience; treated like a voice note.
  if (message.voice) return file('voice', message.voice);
  if (message.audio) return file('voice', message.audio);
  if (message.video) return file('video', message.video);
  if (message.video_note) return file('video', message.video_note);
  // Checked before `document`: Telegram also fills `document` for animations.
  if (message.animation) return file('video', message.animation);
  if (message.document) return file('file', message.document);
  const point = message.location ?? message.venue?.location;
  if (point) return { kind: 'location', attachment: { ref: `geo:${point.latitude},${point.longitude}` } };
  if (message.contact) return { kind: 'contact' };
  if (OTHER_CONTENT.some((key) => message[key] !== undefined)) return { kind: 'other' };
  return null;
}

function largest(photos: RawFile[]): RawFile {
  // Telegram lists sizes smallest first.
  return photos[photos.length - 1] as RawFile;
}

function fileAttachment(file: RawFile): NonNullable<InboundMessage['attachment']> {
  const attachment: NonNullable<InboundMessage['attachment']> = { ref: file.file_id };
  if (file.mime_type) attachment.mimeType = file.mime_type;
  if (file.file_name) attachment.fileName = file.file_name;
  return attachment;
}

/** Entity offsets are UTF-16 code units, which is what JS string indices are. */
function entityText(text: string, entity: RawEntity): string {
  return text.slice(entity.offset, entity.offset + entity.length);
}

function entityAddressesBot({ entity, text, bot }: { entity: RawEntity; text: string; bot: TelegramBotIdentity }): boolean {
  if (entity.type === 'text_mention') return entity.user?.id === bot.id;
  const value = entityText(text, entity).toLowerCase();
  const handle = `@${bot.username.toLowerCase()}`;
  if (entity.type === 'mention') return value === handle;
  if (entity.type === 'bot_command') return value.endsWith(handle);
  return false;
}

/** Removes our @mention and our `@botname` command suffix, keeping everything else as typed. */
function stripBotAddress({ text, entities, bot }: { text: string; entities: RawEntity[]; bot: TelegramBotIdentity }): string {
  const handle = `@${bot.username.toLowerCase()}`;
  const cuts: Array<{ from: number; to: number }> = [];
  for (const entity of entities) {
    const value = entityText(text, entity).toLowerCase();
    if (entity.type === 'mention' && value === handle) cuts.push({ from: entity.offset, to: entity.offset + entity.length });
    if (entity.type === 'bot_command' && value.endsWith(handle)) {
      const end = entity.offset + entity.length;
      cuts.push({ from: end - handle.length, to: end });
    }
  }
  if (cuts.length === 0) return text;
  let result = text;
  for (const cut of cuts.sort((a, b) => b.from - a.from)) result = result.slice(0, cut.from) + result.slice(cut.to);
  return result.replace(/[ \t]{2,}/g, ' ').trim();
}
