import { describe, expect, it } from 'vitest';
import { locateMentions } from '../../../src/bot/core/mentions.js';

describe('locateMentions', () => {
  it('finds each mention after the previous one, for the asked channel only', () => {
    const message = {
      text: '@Lan nhắc @Lan Anh và @Lan',
      mentions: [
        { text: '@Lan', userIds: { zalo: '1', telegram: '10' } },
        { text: '@Lan Anh', userIds: { zalo: '2' } },
        { text: '@Lan', userIds: { zalo: '3' } },
      ],
    };
    expect(locateMentions({ message, channel: 'zalo' }).spans).toEqual([
      { offset: 0, length: 4, userId: '1' },
      { offset: 10, length: 8, userId: '2' },
      { offset: 22, length: 4, userId: '3' },
    ]);
    expect(locateMentions({ message, channel: 'telegram' }).spans).toEqual([{ offset: 0, length: 4, userId: '10' }]);
  });

  it('returns nothing without mentions, and skips empty or absent spans', () => {
    expect(locateMentions({ message: { text: 'xin chào' }, channel: 'zalo' }).spans).toEqual([]);
    expect(
      locateMentions({ message: { text: 'xin chào', mentions: [{ text: '', userIds: { zalo: '1' } }, { text: '@X', userIds: { zalo: '2' } }] }, channel: 'zalo' }).spans,
    ).toEqual([]);
  });
});
