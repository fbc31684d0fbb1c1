import { describe, expect, it } from 'vitest';
import { GroupMessage, ThreadType, UserMessage } from 'zca-js';
import {
  InvalidZaloConversationRefError,
  parseZaloConversationRef,
  toInboundMessage,
  toZaloConversationRef,
  toZaloMentions,
} from '../../../../src/bot/adapters/zalo/zalo.mapper.js';
import { GROUP_ID, OWN_ID, RESIDENT_ID, STAFF_ID, zaloFixture } from './zalo.fakes.js';

const map = (name: Parameters<typeof zaloFixture>[0]) => toInboundMessage({ message: zaloFixture(name), ownId: OWN_ID }).inbound;

describe('Zalo conversation refs', () => {
  it('round-trips user and group threads', () => {
    const user = toZaloConversationRef({ threadId: RESIDENT_ID, threadType: ThreadType.User });
    const group = toZaloConversationRef({ threadId: GROUP_ID, threadType: ThreadType.Group });
    expect(user).toBe(`zalo:user:${RESIDENT_ID}`);
    expect(group).toBe(`zalo:group:${GROUP_ID}`);
    expect(parseZaloConversationRef({ conversationRef: user })).toEqual({ threadId: RESIDENT_ID, threadType: ThreadType.User });
    expect(parseZaloConversationRef({ conversationRef: group })).toEqual({ threadId: GROUP_ID, threadType: ThreadType.Group });
  });

  it.each(['zalo:123', 'zalo:user:', 'zalo:chan:123', 'telegram:123', 'zalo:user:12a', 'zalo:group:1 ', ''])(
    'rejects the malformed ref %j with a message that says how to build one',
    (ref) => {
      expect(() => parseZaloConversationRef({ conversationRef: ref })).toThrow(InvalidZaloConversationRefError);
      expect(() => parseZaloConversationRef({ conversationRef: ref })).toThrow(/zalo:user:<digits>/);
    },
  );

  it('refuses to build a ref from a non-numeric thread id', () => {
    expect(() => toZaloConversationRef({ threadId: 'abc', threadType: ThreadType.User })).toThrow(InvalidZaloConversationRefError);
  });
});

describe('toInboundMessage', () => {
  it('maps a private text message (always addressed to the bot)', () => {
    expect(map('user-text')).toEqual({
      channel: 'zalo',
      conversationRef: `zalo:user:${RESIDENT_ID}`,
      chatType: 'private',
      externalMessageId: '7412345678901',
      sender: { externalUserId: RESIDENT_ID, displayName: 'Nguyễn Thị Lan' },
      text: 'cho em hỏi đăng ký khai sinh cho con cần giấy tờ gì ạ',
      kind: 'text',
      addressedToBot: true,
      receivedAt: new Date(1767326400000),
      raw: expect.objectContaining({ msgId: '7412345678901' }),
    });
  });

  it('ignores the bot account’s own messages', () => {
    const message = zaloFixture('user-self');
    expect(message.isSelf).toBe(true);
    expect(toInboundMessage({ message, ownId: OWN_ID }).inbound).toBeNull();
  });

  it('addresses a group message that mentions the bot, and strips the mention from the text', () => {
    const inbound = map('group-mention');
    expect(inbound).toMatchObject({
      conversationRef: `zalo:group:${GROUP_ID}`,
      chatType: 'group',
      addressedToBot: true,
      text: 'cho hỏi làm tạm trú ở đâu',
      sender: { externalUserId: RESIDENT_ID, displayName: 'Trần Văn Hùng' },
    });
  });

  it('does not address a group message that mentions someone else', () => {
    const inbound = map('group-plain');
    expect(inbound).toMatchObject({ chatType: 'group', addressedToBot: false, text: '@Lan ơi chiều nay họp tổ dân phố nhé' });
    expect(inbound?.replyToExternalId).toBeUndefined();
  });

  it('treats a quote of the bot’s message as addressed and points replyToExternalId at the quoted global id', () => {
    expect(map('group-quote-bot')).toMatchObject({
      addressedToBot: true,
      replyToExternalId: '7412345670042',
      sender: { externalUserId: STAFF_ID, displayName: 'Cán bộ Minh' },
      text: 'Chị mang CCCD bản gốc đến bộ phận một cửa nhé',
    });
  });

  it('does not count a quote of someone else’s message as addressing the bot', () => {
    const message = zaloFixture('group-quote-bot') as GroupMessage;
    message.data.quote!.ownerId = RESIDENT_ID;
    const { inbound } = toInboundMessage({ message, ownId: OWN_ID });
    expect(inbound).toMatchObject({ addressedToBot: false, replyToExternalId: '7412345670042' });
  });

  it('maps a photo with its caption and CDN link', () => {
    expect(map('user-photo')).toMatchObject({
      kind: 'photo',
      text: 'Giấy tờ của em đây ạ',
      attachment: { ref: 'https://photo-stal-01.zdn.vn/jpg/anon/photo-0001.jpg' },
    });
  });

  it('maps a sticker (no link: the content itself is the handle)', () => {
    const inbound = map('user-sticker');
    expect(inbound).toMatchObject({ kind: 'sticker', text: '' });
    expect(JSON.parse(inbound!.attachment!.ref)).toEqual({ id: 50505, catId: 10268, type: 7 });
  });

  it('maps a voice note', () => {
    expect(map('user-voice')).toMatchObject({
      kind: 'voice',
      text: '',
      attachment: { ref: 'https://voice-aac-dl.zdn.vn/anon/voice-0001.aac' },
    });
  });

  it('maps a file with its file name', () => {
    expect(map('user-file')).toMatchObject({
      kind: 'file',
      text: '',
      attachment: { ref: 'https://f21-zpc.zdn.vn/anon/to-khai-khai-sinh.pdf', fileName: 'to-khai-khai-sinh.pdf' },
    });
  });

  it('maps a location', () => {
    expect(map('user-location')).toMatchObject({ kind: 'location', attachment: { ref: 'https://maps.google.com/?q=21.0285,105.8542' } });
  });

  it('maps an unknown object message to kind other instead of dropping it', () => {
    const message = zaloFixture('user-sticker') as UserMessage;
    message.data.msgType = 'chat.ecard';
    expect(toInboundMessage({ message, ownId: OWN_ID }).inbound).toMatchObject({ kind: 'other', text: '' });
  });

  it('throws (for the adapter to log) when a message has no msgId to dedupe on', () => {
    const message = zaloFixture('user-text') as UserMessage;
    message.data.msgId = '';
    expect(() => toInboundMessage({ message, ownId: OWN_ID })).toThrow(/no msgId/);
  });
});

describe('toZaloMentions (outbound)', () => {
  const group = ThreadType.Group;
  it('places each mention at its span, in order, so a name that starts another is not confused', () => {
    const text = 'Cán bộ trực: @Lan Anh, @Lan';
    const { mentions } = toZaloMentions({
      message: { text, mentions: [{ text: '@Lan Anh', userIds: { zalo: '11' } }, { text: '@Lan', userIds: { zalo: '22' } }] },
      threadType: group,
    });
    expect(mentions).toEqual([
      { pos: 13, uid: '11', len: 8 },
      { pos: 23, uid: '22', len: 4 },
    ]);
    expect(mentions.map((m) => text.slice(m.pos, m.pos + m.len))).toEqual(['@Lan Anh', '@Lan']);
  });

  it('counts positions in UTF-16 units, as zca-js does, across emoji and Vietnamese', () => {
    const text = '🚨 @Nguyễn Thị Lan (trưởng bộ phận): quá hạn';
    const { mentions } = toZaloMentions({ message: { text, mentions: [{ text: '@Nguyễn Thị Lan', userIds: { zalo: '9' } }] }, threadType: group });
    expect(mentions).toEqual([{ pos: 3, uid: '9', len: '@Nguyễn Thị Lan'.length }]);
  });

  it('skips people without a Zalo uid, spans not in the text, non-numeric ids, and private chats', () => {
    const message = {
      text: 'Cán bộ trực: @A, @B',
      mentions: [
        { text: '@A', userIds: { telegram: '1' } },
        { text: '@C', userIds: { zalo: '3' } },
        { text: '@B', userIds: { zalo: 'not-a-uid' } },
      ],
    };
    expect(toZaloMentions({ message, threadType: group })).toEqual({ mentions: [] });
    expect(toZaloMentions({ message: { text: '@A', mentions: [{ text: '@A', userIds: { zalo: '1' } }] }, threadType: ThreadType.User })).toEqual({ mentions: [] });
  });
});
