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

describe('toUploadPayload (another platform’s media, uploaded from bytes we hold)', () => {
  const file = { source: Buffer.from('media'), filename: 'voice.aac' };
  it('sends photos as photos, videos as videos, voice notes as voice and files as documents, into the topic', () => {
    expect(toUploadPayload({ to: 'telegram:-1001:topic:7', kind: 'photo', file })).toEqual({
      method: 'sendPhoto',
      payload: { chat_id: -1001, message_thread_id: 7, photo: file },
    });
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'video', file }).method).toBe('sendVideo');
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'voice', file })).toEqual({ method: 'sendVoice', payload: { chat_id: -1001, voice: file } });
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'file', file }).method).toBe('sendDocument');
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'sticker', file }).method).toBe('sendDocument');
  });

  it('sends a refused voice note as a document, and refuses a target that is not Telegram', () => {
    expect(toUploadPayload({ to: 'telegram:-1001', kind: 'voice', file, asDocument: true })).toEqual({ method: 'sendDocument', payload: { chat_id: -1001, document: file } });
    expect(() => toUploadPayload({ to: 'zalo:group:1', kind: 'photo', file })).toThrow();
  });
});
