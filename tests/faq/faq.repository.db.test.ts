/**
 * data/faq seeds the live catalogue: new ids are inserted, entries still as data/ wrote them follow
 * the file (so a corrected fee reaches the bot), and an entry an admin saved is never overwritten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { createFaqRepository } from '../../src/faq/faq.repository.js';
import { createTestDatabase } from '../helpers/test-db.js';
import { files } from './faq.helpers.js';

describe('FAQ repository seeding', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it('inserts new entries once, refreshes untouched ones from the file, keeps console edits', async () => {
    const repo = createFaqRepository({ db: handle.db });
    const [khaiSinh, khaiTu] = ['khai-sinh', 'khai-tu'].map((id) => files.entries.find((e) => e.id === id)!);
    expect(await repo.seed({ entries: [khaiSinh!, khaiTu!] })).toEqual({ inserted: ['khai-sinh', 'khai-tu'], updated: [] });
    expect(await repo.seed({ entries: [khaiSinh!, khaiTu!] })).toEqual({ inserted: [], updated: [] });

    await repo.saveEntry({ entry: { ...khaiTu!, summary: 'Sửa bởi quản trị viên.' }, author: 'admin:lan' });
    const fixed = { ...khaiSinh!, sections: { ...khaiSinh!.sections, fee: 'Miễn lệ phí khi đăng ký đúng hạn.' } };
    const corrected = { ...khaiTu!, summary: 'Bản mới trong data/.' };
    expect(await repo.seed({ entries: [fixed, corrected] })).toEqual({ inserted: [], updated: ['khai-sinh'] });

    const { entries } = await repo.listPublished();
    expect(entries.find((e) => e.id === 'khai-sinh')?.sections.fee).toBe('Miễn lệ phí khi đăng ký đúng hạn.');
    expect(entries.find((e) => e.id === 'khai-tu')?.summary).toBe('Sửa bởi quản trị viên.');
    const { revisions } = await repo.listRevisions({ entryId: 'khai-sinh' });
    expect(revisions.map((r) => [r.revision, r.author, r.note])).toEqual([
      [2, 'data/', 'updated from data/'],
      [1, 'data/', 'imported'],
    ]);
  });
});
