import { describe, expect, it } from 'vitest';
import { acceptOffer, isBareRequest, isPlainYes, offerFor } from '../../../src/bot/core/resident-handoff.flow.js';

describe('resident handoff flow (pure)', () => {
  it.each(['vâng', 'Vâng ạ', 'ừ', 'ok', 'OK nhé', 'được', 'dạ vâng', 'đồng ý', 'có ạ', 'vang', 'đc'])('"%s" is a plain yes', (text) => {
    expect(isPlainYes({ text })).toBe(true);
  });
  it.each(['được không', 'có cần gì không', 'ok vậy lệ phí bao nhiêu', 'không', 'ạ', '', 'vâng nhưng tôi chưa hiểu phải làm gì tiếp theo'])('"%s" is not', (text) => {
    expect(isPlainYes({ text })).toBe(false);
  });
  it('tells a bare request from one that carries its own question', () => {
    expect(isBareRequest({ text: 'gặp cán bộ' })).toBe(true);
    expect(isBareRequest({ text: 'Cho tôi gặp cán bộ với ạ!' })).toBe(true);
    expect(isBareRequest({ text: 'gặp cán bộ về sổ đỏ' })).toBe(false);
  });
  it('a plain yes accepts only an offer to pass the question on, never "ask me again"', () => {
    const candidates = [{ id: 'a', title: 'A', score: 1 }];
    expect(offerFor({ decision: { kind: 'handoff', reason: 'personal_case', confidence: 1, candidates }, text: 'q', externalMessageId: 'm' })?.plainYesAccepts).toBe(true);
    expect(offerFor({ decision: { kind: 'handoff', reason: 'low_confidence', confidence: 0, candidates }, text: 'q', externalMessageId: 'm' })?.plainYesAccepts).toBe(false);
    expect(offerFor({ decision: { kind: 'answer', entryId: 'a', aspect: null, confidence: 1, candidates }, text: 'q', externalMessageId: 'm' })).toMatchObject({ reason: null, plainYesAccepts: false });
    expect(offerFor({ decision: { kind: 'smalltalk', intent: 'thanks', confidence: 1, candidates: [] }, text: 'cảm ơn', externalMessageId: 'm' })).toBeUndefined();
    expect(acceptOffer({ offer: undefined })).toEqual({ question: '', guesses: [], reason: 'explicit_request' });
  });
});
