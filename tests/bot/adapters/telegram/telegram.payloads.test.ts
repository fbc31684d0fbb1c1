import { describe, expect, it } from 'vitest';
import { toUploadPayload, toMentionEntities, toSendMessagePayload } from '../../../../src/bot/adapters/telegram/telegram.payloads.js';

describe('toMentionEntities', () => {
  it('turns each named person with a Telegram id into a text_mention at their span (UTF-16 offsets)', () => {
    const text = '🆕 Phiếu HS-0001\nCán bộ trực: @Trần Văn Minh, @Lê Thị Hoa';
    const entities = toMentionEntities({
      message: {
        text,
        mentions: [
          { text: '@Trần Văn Minh', userIds: { telegram: '100000002', zalo: '2000000000000000002' } },
          { text: '@Lê Thị Hoa', userIds: { telegram: '100000003' } },
        ],
      },
    });
    expect(entities).toEqual([
      { type: 'text_mention', offset: text.indexOf('@Trần'), length: 14, user: { id: 100000002 } },
      { type: 'text_mention', offset: text.indexOf('@Lê'), length: 11, user: { id: 100000003 } },
    ]);
    // 🆕 is two UTF-16 units: the offset counts them as Telegram does.
    expect(text.slice(entities[0]!.offset, entities[0]!.offset + entities[0]!.length)).toBe('@Trần Văn Minh');
  });

  it('leaves the plain name for people without a (numeric) Telegram id and for names not in the text', () => {
    const message = {
      text: 'Cán bộ trực: @Hoa, @Minh',
      mentions: [
        { text: '@Hoa', userIds: { zalo: '3' } },
        { text: '@Minh', userIds: { telegram: '@minh' } },
        { text: '@Lan', userIds: { telegram: '1' } },
      ],
    };
    expect(toMentionEntities({ message })).toEqual([]);
    expect(toSendMessagePayload({ message: { conversationRef: 'telegram:-1001', ...message } }).payload.entities).toBeUndefined();
  });

  it('puts the entities on the sendMessage payload, never a parse_mode', () => {
    const { payload } = toSendMessagePayload({
      message: { conversationRef: 'telegram:-1001:topic:7', text: '@Lan <3 & *x*', mentions: [{ text: '@Lan', userIds: { telegram: '5' } }] },
    });
    expect(payload).toMatchObject({ chat_id: -1001, message_thread_id: 7, text: '@Lan <3 & *x*', entities: [{ type: 'text_mention', offset: 0, length: 4, user: { id: 5 } }] });
    expect(payload).not.toHaveProperty('parse_mode');
  });
});

describe('toUploadPayload (another platform’s media, fetched by Telegram from its link)', () => {
  it('sends photos as photos and videos as videos, voice notes and files as documents, into the topic', () => {
    const url = 'https://photo-stal-01.zdn.vn/jpg/anon/a.jpg';
    expect(toUploadPayload({ to: 'telegram:-1001:topic:7', kind: 'photo', media: { url } })).toEqual({
      method: 'sendPhoto',
      payload: { chat_id: -1001, message_thread_id: 7, photo: url },
    });
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'video', media: { url } }).method).toBe('sendVideo');
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'voice', media: { url } })).toEqual({ method: 'sendDocument', payload: { chat_id: -1001, document: url } });
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'file', media: { url } }).method).toBe('sendDocument');
  });

  it('refuses anything that is not an http(s) link, before any call', () => {
    expect(() => toUploadPayload({ to: 'telegram:-1001', kind: 'photo', media: { url: '{"id":1}' } })).toThrow(/only an http\(s\) link/);
    const file = { source: Buffer.from('%PDF'), filename: 'don.pdf' };
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'file', media: { file } })).toEqual({ method: 'sendDocument', payload: { chat_id: -1001, document: file } });
    expect(() => toUploadPayload({ to: 'zalo:group:1', kind: 'photo', media: { url: 'https://x/y.jpg' } })).toThrow();
  });
});
