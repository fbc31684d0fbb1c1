/**
 * Pure builders for the Bot API payloads the adapter sends. Validation happens here, before any
 * network call, so a message Telegram would refuse fails loudly with the fix instead of a 400.
 *
 * Text is always sent as plain text (no parse_mode): resident and staff text containing < > & _ *
 * reaches the other side exactly as typed and can never cause "can't parse entities".
 */
import { locateMentions } from '../../core/mentions.js';
import type { MessageKind, OutboundMessage } from '../../core/message.types.js';
import { TelegramRefError, parseTelegramMessageId, parseTelegramRef, type TelegramTarget } from './telegram.mapper.js';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CALLBACK_DATA_BYTES = 64;
export const MAX_TOPIC_NAME_LENGTH = 128;

/** Thrown by the builders; the adapter turns it into a non-retryable ChannelApiError. */
export class TelegramPayloadError extends Error {
  readonly code = 'telegram.invalid_payload';
  constructor(message: string) {
    super(message);
    this.name = 'TelegramPayloadError';
  }
}

export type SendMessagePayload = {
  chat_id: number;
  text: string;
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: true };
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
  link_preview_options: { is_disabled: true };
  /** Mentions as text_mention entities: no parse_mode needed, so user text can never break parsing. */
  entities?: Array<{ type: 'text_mention'; offset: number; length: number; user: { id: number } }>;
};

/**
 * A quote that points into another chat (or at a button tap) cannot be shown: it is dropped and
 * reported in `droppedQuote` rather than failing the whole reply.
 */
export function toSendMessagePayload({ message }: { message: OutboundMessage }): { payload: SendMessagePayload; droppedQuote?: string } {
  const target = parseRef(message.conversationRef);
  const text = message.text;
  if (text.trim() === '') throw new TelegramPayloadError('the text is empty: Telegram refuses empty messages');
  if (text.length > MAX_TEXT_LENGTH) {
    throw new TelegramPayloadError(`the text is ${text.length} characters, over Telegram's ${MAX_TEXT_LENGTH}: split it before sending (capabilities.maxTextLength)`);
  }
  const payload: SendMessagePayload = { chat_id: target.chatId, text, link_preview_options: { is_disabled: true } };
  if (target.threadId !== undefined) payload.message_thread_id = target.threadId;
  if (message.buttons?.length) payload.reply_markup = toInlineKeyboard({ buttons: message.buttons });
  const entities = toMentionEntities({ message });
  if (entities.length > 0) payload.entities = entities;

  let droppedQuote: string | undefined;
  if (message.replyToExternalId) {
    const quoted = tryParseMessageId(message.replyToExternalId);
    if (quoted && quoted.chatId === target.chatId) {
      // allow_sending_without_reply: the quoted message may have been deleted; the reply still matters more.
      payload.reply_parameters = { message_id: quoted.messageId, allow_sending_without_reply: true };
    } else {
      droppedQuote = message.replyToExternalId;
    }
  }
  return droppedQuote ? { payload, droppedQuote } : { payload };
}

/**
 * A person's name becomes a text_mention (a tap opens their profile and they are notified), for
 * people who have a numeric Telegram user id; anyone else keeps the plain name.
 */
export function toMentionEntities({ message }: { message: Pick<OutboundMessage, 'text' | 'mentions'> }): NonNullable<SendMessagePayload['entities']> {
  return locateMentions({ message, channel: 'telegram' })
    .spans.filter((span) => /^[1-9]\d{0,15}$/.test(span.userId))
    .map((span) => ({ type: 'text_mention' as const, offset: span.offset, length: span.length, user: { id: Number(span.userId) } }));
}

/** One button per row: labels stay readable on small phones. */
export function toInlineKeyboard({ buttons }: { buttons: NonNullable<OutboundMessage['buttons']> }): NonNullable<SendMessagePayload['reply_markup']> {
  return {
    inline_keyboard: buttons.map((button) => {
      const bytes = Buffer.byteLength(button.data, 'utf8');
      if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES) {
        throw new TelegramPayloadError(
          `button "${button.label}" has data "${button.data}" of ${bytes} bytes; Telegram allows 1-${MAX_CALLBACK_DATA_BYTES}: use a short action id (e.g. "faq:khai-sinh")`,
        );
      }
      if (button.label.trim() === '') throw new TelegramPayloadError(`button with data "${button.data}" has an empty label`);
      return [{ text: button.label, callback_data: button.data }];
    }),
  };
}

export function toCreateTopicPayload({ conversationRef, title }: { conversationRef: string; title: string }): { chat_id: number; name: string } {
  const target = parseRef(conversationRef);
  if (target.threadId !== undefined) throw new TelegramPayloadError(`cannot open a topic inside topic ${conversationRef}: pass the group's ref`);
  const name = Array.from(title.replace(/\s+/g, ' ').trim()).slice(0, MAX_TOPIC_NAME_LENGTH).join('');
  if (name === '') throw new TelegramPayloadError('the topic title is empty');
  return { chat_id: target.chatId, name };
}

export function toTopicPayload({ conversationRef }: { conversationRef: string }): { chat_id: number; message_thread_id: number } {
  const target = parseRef(conversationRef);
  if (target.threadId === undefined) throw new TelegramPayloadError(`${conversationRef} is a whole chat, not a topic: pass a "telegram:<chatId>:topic:<id>" ref`);
  return { chat_id: target.chatId, message_thread_id: target.threadId };
}

export function toCopyMessagePayload({ from, to }: { from: { conversationRef: string; externalMessageId: string }; to: string }): {
  chat_id: number;
  from_chat_id: number;
  message_id: number;
  message_thread_id?: number;
} {
  const source = parseRef(from.conversationRef);
  const message = parseMessageId(from.externalMessageId);
  if (message.chatId !== source.chatId) {
    throw new TelegramPayloadError(`message ${from.externalMessageId} does not belong to ${from.conversationRef}`);
  }
  const target = parseRef(to);
  const payload: ReturnType<typeof toCopyMessagePayload> = { chat_id: target.chatId, from_chat_id: message.chatId, message_id: message.messageId };
  if (target.threadId !== undefined) payload.message_thread_id = target.threadId;
  return payload;
}

export type UploadMethod = 'sendPhoto' | 'sendVideo' | 'sendVoice' | 'sendDocument';
/** telegraf's InputFile for bytes we hold (it then posts multipart/form-data). */
export type UploadFile = { source: Buffer; filename: string };

const UPLOAD_BY_KIND: Partial<Record<MessageKind, { method: UploadMethod; field: string }>> = {
  photo: { method: 'sendPhoto', field: 'photo' },
  video: { method: 'sendVideo', field: 'video' },
  voice: { method: 'sendVoice', field: 'voice' },
};
const AS_DOCUMENT = { method: 'sendDocument', field: 'document' } as const;

/**
 * Uploads another platform's media into a Telegram chat from bytes we hold (downloaded from a Zalo
 * CDN link, or a web chat upload), as multipart: photos as photos, videos as videos, voice notes as
 * voice, anything else (or `asDocument`: the format was refused) as a document. Bots may upload up
 * to 50 MB, photos 10 MB (core.telegram.org/bots/api#sending-files). Pure.
 */
export function toUploadPayload({ to, kind, file, asDocument = false }: { to: string; kind: MessageKind; file: UploadFile; asDocument?: boolean }): {
  method: UploadMethod;
  payload: { chat_id: number; message_thread_id?: number } & Record<string, unknown>;
} {
  const target = parseRef(to);
  const { method, field } = asDocument ? AS_DOCUMENT : (UPLOAD_BY_KIND[kind] ?? AS_DOCUMENT);
  const payload: { chat_id: number; message_thread_id?: number } & Record<string, unknown> = { chat_id: target.chatId, [field]: file };
  if (target.threadId !== undefined) payload.message_thread_id = target.threadId;
  return { method, payload };
}

export function toTypingPayload({ conversationRef }: { conversationRef: string }): { chat_id: number; action: 'typing'; message_thread_id?: number } {
  const target = parseRef(conversationRef);
  return target.threadId === undefined ? { chat_id: target.chatId, action: 'typing' } : { chat_id: target.chatId, action: 'typing', message_thread_id: target.threadId };
}

function parseRef(conversationRef: string): TelegramTarget {
  try {
    return parseTelegramRef(conversationRef);
  } catch (error) {
    throw new TelegramPayloadError((error as Error).message);
  }
}

function parseMessageId(externalMessageId: string): { chatId: number; messageId: number } {
  try {
    return parseTelegramMessageId(externalMessageId);
  } catch (error) {
    throw new TelegramPayloadError((error as Error).message);
  }
}

function tryParseMessageId(externalMessageId: string): { chatId: number; messageId: number } | undefined {
  try {
    return parseTelegramMessageId(externalMessageId);
  } catch (error) {
    if (error instanceof TelegramRefError) return undefined;
    throw error;
  }
}
