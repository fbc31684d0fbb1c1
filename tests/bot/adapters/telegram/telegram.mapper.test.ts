import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Update } from 'telegraf/types';
import {
  TelegramRefError,
  parseTelegramMessageId,
  parseTelegramRef,
  toInboundMessage,
  toTelegramMessageId,
  toTelegramRef,
} from '../../../../src/bot/adapters/telegram/telegram.mapper.js';

const FIXTURES = new URL('../../../fixtures/telegram/', import.meta.url);
const bot = { id: 7000000001, username: 'motcua_demo_bot' };
const now = new Date('2026-03-09T02:00:00Z');

function fixture(name: string): Update {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Update;
}

function map(update: Update) {
  return toInboundMessage({ update, bot, now });
}

function mapped(name: string) {
  const { message, skipReason } = map(fixture(name));
  if (!message) throw new Error(`${name} was skipped: ${skipReason}`);
  return message;
}

describe('toInboundMessage on recorded updates', () => {
  it('maps a private text message, addressed to the bot, dated by Telegram', () => {
    const message = mapped('private-text');
    expect(message).toMatchObject({
      channel: 'telegram',
      conversationRef: 'telegram:5123400001',
      chatType: 'private',
      externalMessageId: '5123400001:41',
      sender: { externalUserId: '5123400001', displayName: 'Lan Nguyễn Thị' },
      text: 'đk ks cho con cần giấy tờ gì ạ',
      kind: 'text',
      addressedToBot: true,
    });
    expect(message.receivedAt.toISOString()).toBe('2026-03-09T01:15:27.000Z');
    expect(message.replyToExternalId).toBeUndefined();
    expect(message.action).toBeUndefined();
    expect(message.raw).toEqual(fixture('private-text'));
  });

  it('keeps /start as typed', () => {
    expect(mapped('private-start')).toMatchObject({ text: '/start', addressedToBot: true, kind: 'text' });
  });

  it('treats a group message that @mentions the bot as addressed, without the mention in the text', () => {
    expect(mapped('group-mention')).toMatchObject({
      conversationRef: 'telegram:-1002000000001',
      chatType: 'group',
      externalMessageId: '-1002000000001:3310',
      text: 'cho hỏi làm tạm trú ở đâu',
      addressedToBot: true,
    });
  });

  it('does not address the bot with an ordinary group message', () => {
    expect(mapped('group-plain')).toMatchObject({ chatType: 'group', addressedToBot: false, text: 'Mai phường có họp tổ dân phố không mọi người?' });
  });

  it('treats a reply to one of the bot’s messages as addressed and keeps the quoted id', () => {
    expect(mapped('group-reply-to-bot')).toMatchObject({
      addressedToBot: true,
      replyToExternalId: '-1002000000001:3312',
      text: 'Vậy lệ phí bao nhiêu ạ?',
    });
  });

  it('treats /command@botname as addressed and strips the bot name', () => {
    expect(mapped('group-command-botname')).toMatchObject({ addressedToBot: true, text: '/help' });
  });

  it('puts a forum topic message in the topic ref and ignores the implicit reply to the topic root', () => {
    const message = mapped('forum-topic-message');
    expect(message).toMatchObject({
      conversationRef: 'telegram:-1002000000999:topic:77',
      chatType: 'group',
      externalMessageId: '-1002000000999:80',
      sender: { externalUserId: '5123400101', displayName: 'Cán bộ Mai' },
      addressedToBot: false,
    });
    expect(message.replyToExternalId).toBeUndefined();
    expect(message.text).toContain('<3 & nhớ bản *gốc*');
  });

  it('keeps a real quote inside a forum topic and sees the bot as addressed', () => {
    expect(mapped('forum-topic-reply')).toMatchObject({
      conversationRef: 'telegram:-1002000000999:topic:77',
      replyToExternalId: '-1002000000999:78',
      addressedToBot: true,
      text: '/claim',
    });
  });

  it('maps a photo to its largest size, with the caption as text', () => {
    expect(mapped('photo-caption')).toMatchObject({
      kind: 'photo',
      text: 'giấy chứng sinh của cháu đây ạ',
      attachment: { ref: 'AgACAgUAAxkBAAIBLGZ_large_demo' },
    });
  });

  it('maps voice, sticker, document and location with empty text', () => {
    expect(mapped('voice')).toMatchObject({ kind: 'voice', text: '', attachment: { ref: 'AwACAgUAAxkBAAIBLWZ_voice_demo', mimeType: 'audio/ogg' } });
    expect(mapped('sticker')).toMatchObject({ kind: 'sticker', text: '', attachment: { ref: 'CAACAgIAAxkBAAIBLmZ_sticker_demo' } });
    expect(mapped('document')).toMatchObject({
      kind: 'file',
      attachment: { ref: 'BQACAgUAAxkBAAIBL2Z_document_demo', mimeType: 'application/pdf', fileName: 'to-khai-khai-sinh.pdf' },
    });
    expect(mapped('location')).toMatchObject({ kind: 'location', text: '', attachment: { ref: 'geo:21.028511,105.804817' } });
  });

  it('maps a button tap to an action on the tapped message, timed by the caller’s clock', () => {
    expect(mapped('callback-query')).toEqual({
      channel: 'telegram',
      conversationRef: 'telegram:5123400001',
      chatType: 'private',
      externalMessageId: 'cb:4411223344556677001',
      sender: { externalUserId: '5123400001', displayName: 'Lan Nguyễn Thị' },
      text: '',
      kind: 'text',
      replyToExternalId: '5123400001:43',
      addressedToBot: true,
      action: 'faq:dang-ky-khai-sinh',
      receivedAt: now,
      raw: fixture('callback-query'),
    });
  });

  it.each([
    ['my-chat-member', /my_chat_member/],
    ['edited-message', /edited/],
    ['other-bot', /bot/],
    ['new-chat-members', /service/],
  ])('ignores %s', (name, reason) => {
    const result = map(fixture(name));
    expect(result.message).toBeNull();
    expect(result.skipReason).toMatch(reason);
  });

  it('maps every fixture file without throwing', () => {
    const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) {
      const update = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Update;
      const message = (update as { message?: { date: number } }).message;
      if (message) expect(message.date, name).toBeGreaterThan(1_700_000_000);
      expect(() => map(update), name).not.toThrow();
    }
  });
});

describe('toInboundMessage edge cases', () => {
  const base = fixture('group-plain') as Update & { message: Record<string, unknown> };
  const withMessage = (patch: Record<string, unknown>) => ({ ...base, message: { ...base.message, ...patch } }) as unknown as Update;

  it('ignores our own messages', () => {
    const result = map(withMessage({ from: { id: bot.id, is_bot: true, first_name: 'Một Cửa' } }));
    expect(result).toEqual({ message: null, skipReason: 'our own message' });
  });

  it('does not treat message_thread_id of a non-forum reply chain as a topic', () => {
    const message = map(withMessage({ message_thread_id: 3300 })).message;
    expect(message?.conversationRef).toBe('telegram:-1002000000001');
  });

  it('addresses the bot by a text_mention entity and matches @username case-insensitively', () => {
    const textMention = withMessage({ text: 'Một Cửa ơi', entities: [{ type: 'text_mention', offset: 0, length: 7, user: { id: bot.id, is_bot: true, first_name: 'x' } }] });
    expect(map(textMention).message?.addressedToBot).toBe(true);
    const upper = withMessage({ text: 'hỏi @MotCua_Demo_Bot về sổ đỏ', entities: [{ type: 'mention', offset: 4, length: 16 }] });
    expect(map(upper).message).toMatchObject({ addressedToBot: true, text: 'hỏi về sổ đỏ' });
    const other = withMessage({ text: '@someone_else chào', entities: [{ type: 'mention', offset: 0, length: 13 }] });
    expect(map(other).message).toMatchObject({ addressedToBot: false, text: '@someone_else chào' });
    const otherCommand = withMessage({ text: '/help@other_bot', entities: [{ type: 'bot_command', offset: 0, length: 15 }] });
    expect(map(otherCommand).message).toMatchObject({ addressedToBot: false, text: '/help@other_bot' });
  });

  it('keeps a message posted by an anonymous group admin, with the group as sender', () => {
    const message = map(
      withMessage({
        from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
        sender_chat: { id: -1002000000001, type: 'supergroup', title: 'Cộng đồng Phường Demo' },
      }),
    ).message;
    expect(message?.sender).toEqual({ externalUserId: 'chat:-1002000000001', displayName: 'Cộng đồng Phường Demo' });
  });

  it('maps audio as voice, animations as video, contacts, and polls as other', () => {
    const { text: _t, ...noText } = base.message;
    const media = (patch: Record<string, unknown>) => ({ ...base, message: { ...noText, ...patch } }) as unknown as Update;
    expect(map(media({ audio: { file_id: 'au1', duration: 3 } })).message?.kind).toBe('voice');
    expect(map(media({ animation: { file_id: 'an1' }, document: { file_id: 'an1' } })).message?.kind).toBe('video');
    expect(map(media({ contact: { phone_number: '0912345678', first_name: 'A' } })).message).toMatchObject({ kind: 'contact', text: '' });
    expect(map(media({ poll: { id: '1', question: 'q' } })).message?.kind).toBe('other');
    expect(map(media({ pinned_message: { message_id: 1 } })).message).toBeNull();
  });

  it('ignores channel posts and inline-mode button taps', () => {
    expect(map({ update_id: 1, channel_post: { message_id: 1, date: 1, chat: { id: -100, type: 'channel', title: 'c' }, text: 'x' } } as unknown as Update).message).toBeNull();
    const tap = fixture('callback-query') as Update & { callback_query: Record<string, unknown> };
    const { message: _m, ...inline } = tap.callback_query;
    expect(map({ ...tap, callback_query: { ...inline, inline_message_id: 'abc' } } as unknown as Update)).toMatchObject({ message: null });
  });

  it('puts a button tap inside a forum topic into that topic', () => {
    const tap = fixture('callback-query') as Update & { callback_query: { message: Record<string, unknown> } };
    const inTopic = {
      ...tap,
      callback_query: {
        ...tap.callback_query,
        message: { ...tap.callback_query.message, chat: { id: -1002000000999, type: 'supergroup', is_forum: true, title: 'x' }, message_thread_id: 77, is_topic_message: true },
      },
    } as unknown as Update;
    expect(map(inTopic).message).toMatchObject({ conversationRef: 'telegram:-1002000000999:topic:77', chatType: 'group', replyToExternalId: '-1002000000999:43' });
  });
});

describe('Telegram refs', () => {
  it('round-trips chat and topic refs', () => {
    expect(toTelegramRef({ chatId: 42 })).toBe('telegram:42');
    expect(toTelegramRef({ chatId: -1002000000999, threadId: 77 })).toBe('telegram:-1002000000999:topic:77');
    expect(parseTelegramRef('telegram:42')).toEqual({ chatId: 42 });
    expect(parseTelegramRef('telegram:-1002000000999:topic:77')).toEqual({ chatId: -1002000000999, threadId: 77 });
    expect(parseTelegramMessageId(toTelegramMessageId({ chatId: -100200, messageId: 9 }))).toEqual({ chatId: -100200, messageId: 9 });
  });

  it.each(['zalo:user:1', 'telegram:', 'telegram:abc', 'telegram:0', 'telegram:1:topic:', 'telegram:1:topic:0', 'telegram:1:thread:2', ' telegram:1', 'telegram:99999999999999999999'])(
    'refuses the malformed ref %j with a message saying what is expected',
    (ref) => {
      expect(() => parseTelegramRef(ref)).toThrow(TelegramRefError);
      expect(() => parseTelegramRef(ref)).toThrow(/expected "telegram:<chatId>" or "telegram:<chatId>:topic:<threadId>"/);
    },
  );

  it('refuses malformed message ids and button-tap ids', () => {
    expect(() => parseTelegramMessageId('cb:123')).toThrow(TelegramRefError);
    expect(() => parseTelegramMessageId('12:0')).toThrow(TelegramRefError);
    expect(() => toTelegramRef({ chatId: 1.5 })).toThrow(TelegramRefError);
    expect(() => toTelegramRef({ chatId: 1, threadId: -3 })).toThrow(TelegramRefError);
  });
});
