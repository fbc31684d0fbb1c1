import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { createUnitChoice } from '../../src/units/unit-choice.usecases.js';
import { createUnitsRepository } from '../../src/units/units.repository.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { ONE_UNIT_YAML, TWO_UNITS_YAML, writeDataDir } from './units-fixtures.js';

describe('unit selector (real database)', () => {
  let handle: TestDatabase;
  let nextRef = 1;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => handle?.close());

  async function newConversation() {
    const { conversation } = await createConversationsRepository({ db: handle.db }).upsertConversation({ channel: 'zalo', conversationRef: `zalo:user:${nextRef++}` });
    return conversation.id;
  }

  describe('with one unit', () => {
    it('never asks: always that unit, remembered on the conversation', async () => {
      const fresh = await createTestDatabase();
      try {
        await syncUnitsFromData({ db: fresh.db, dataDir: writeDataDir({ 'units.yaml': ONE_UNIT_YAML }) });
        const repo = createUnitsRepository({ db: fresh.db });
        const selector = createUnitChoice({ unitsRepository: repo });
        const { conversation } = await createConversationsRepository({ db: fresh.db }).upsertConversation({ channel: 'web', conversationRef: 'web:abc' });
        expect(await selector.ensureUnit({ conversationId: conversation.id, message: { text: 'làm khai sinh' } })).toEqual({ unitId: 'phuong-mot' });
        expect(await repo.findResidentUnitId({ conversationId: conversation.id })).toEqual({ unitId: 'phuong-mot' });
        expect(await selector.ensureUnit({ conversationId: conversation.id, message: { text: '/donvi' } })).toEqual({
          prompt: { text: 'Hiện bot phục vụ Phường Một.', buttons: [] },
        });
      } finally {
        await fresh.close();
      }
    });
  });

  describe('with two units', () => {
    beforeAll(async () => {
      await syncUnitsFromData({ db: handle.db, dataDir: writeDataDir({ 'units.yaml': TWO_UNITS_YAML }) });
    });
    const selector = () => createUnitChoice({ unitsRepository: createUnitsRepository({ db: handle.db }) });

    it('asks first, keeps the question, and hands it back once a digit chooses', async () => {
      const id = await newConversation();
      const first = await selector().ensureUnit({ conversationId: id, message: { text: 'làm khai sinh cần gì' } });
      expect(first).toMatchObject({ prompt: { text: expect.stringContaining('1. Phường An Khánh\n2. Xã Bình Đức'), buttons: [{ data: 'unit:phuong-a' }, { data: 'unit:xa-b' }] } });
      const chosen = await selector().ensureUnit({ conversationId: id, message: { text: '2' } });
      expect(chosen).toEqual({ unitId: 'xa-b', notice: 'Dạ, tôi ghi nhận anh/chị ở Xã Bình Đức. Muốn đổi, gửi /donvi.', resumeText: 'làm khai sinh cần gì' });
      // Remembered: later messages go straight through, even a bare "1".
      expect(await selector().ensureUnit({ conversationId: id, message: { text: '1' } })).toEqual({ unitId: 'xa-b' });
    });

    it('accepts a button or a name typed without diacritics', async () => {
      const a = await newConversation();
      await selector().ensureUnit({ conversationId: a, message: { text: 'xin chào' } });
      expect(await selector().ensureUnit({ conversationId: a, message: { text: '', action: 'unit:phuong-a' } })).toMatchObject({ unitId: 'phuong-a', resumeText: 'xin chào' });
      const b = await newConversation();
      await selector().ensureUnit({ conversationId: b, message: { text: '' } });
      expect(await selector().ensureUnit({ conversationId: b, message: { text: 'xa binh duc' } })).toEqual({
        unitId: 'xa-b',
        notice: expect.stringContaining('Xã Bình Đức'),
      });
    });

    it('re-asks once, then uses the default unit so nobody is stuck', async () => {
      const id = await newConversation();
      await selector().ensureUnit({ conversationId: id, message: { text: 'thủ tục tạm trú' } });
      const retry = await selector().ensureUnit({ conversationId: id, message: { text: 'ở đâu cũng được' } });
      expect(retry).toMatchObject({ prompt: { text: expect.stringMatching(/^Xin lỗi/) } });
      const fallback = await selector().ensureUnit({ conversationId: id, message: { text: 'cho hỏi lệ phí' } });
      expect(fallback).toEqual({ unitId: 'phuong-a', notice: expect.stringContaining('/donvi'), resumeText: 'cho hỏi lệ phí' });
    });

    it('/donvi or "đổi xã" asks again and stores the new choice', async () => {
      const id = await newConversation();
      await selector().ensureUnit({ conversationId: id, message: { text: '1' } });
      expect(await selector().ensureUnit({ conversationId: id, message: { text: '1' } })).toEqual({ unitId: 'phuong-a' });
      expect(await selector().ensureUnit({ conversationId: id, message: { text: 'đổi xã' } })).toHaveProperty('prompt');
      expect(await selector().ensureUnit({ conversationId: id, message: { text: '2' } })).toMatchObject({ unitId: 'xa-b' });
      expect(await selector().ensureUnit({ conversationId: id, message: { text: 'hello' } })).toEqual({ unitId: 'xa-b' });
      expect(await selector().ensureUnit({ conversationId: id, message: { text: '/donvi' } })).toHaveProperty('prompt');
      expect(await selector().ensureUnit({ conversationId: id, message: { text: 'Phường An Khánh' } })).toMatchObject({ unitId: 'phuong-a' });
    });
  });
});
