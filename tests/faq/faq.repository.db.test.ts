/**
 * The catalogue in the database: data/ seeds new entries; a changed data file is offered as a
 * draft and never applied; console edits survive restarts; publish, rollback and NOTIFY reloads.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaqEditing } from '../../src/faq/faq.editing.js';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import { createFaqRepository } from '../../src/faq/faq.repository.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFaqFiles } from '../../src/faq/catalogue.loader.js';
import { faqEntriesTable, faqSeedStateTable } from '../../src/faq/faq.table.js';
import { startFaqSync } from '../../src/faq/faq.sync.js';
import type { FaqEntry } from '../../src/faq/faq.types.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { catalogue } from '../console/console.harness.js';

const logger = createLogger({ level: 'silent' });
const hours = () => structuredClone(catalogue.entries.find((e) => e.id === 'gio-lam-viec')!) as FaqEntry;
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
// One database per file (creating one costs seconds); each test starts from an empty catalogue.
beforeEach(async () => {
  await database.db.delete(faqEntriesTable);
});
afterAll(() => database.close());

describe('seeding from data/', () => {
  it('inserts new entries published, and a restart with the same files changes nothing', async () => {
    const faq = createFaqRepository({ db: database.db });
    const first = await faq.seed({ entries: catalogue.entries });
    expect(first.inserted).toHaveLength(catalogue.entries.length);
    expect((await faq.listPublished()).entries).toHaveLength(catalogue.entries.length);
    expect(await faq.seed({ entries: catalogue.entries })).toEqual({ inserted: [], offered: [], updated: [] });
    expect((await faq.listRevisions({ entryId: 'gio-lam-viec' })).revisions).toHaveLength(1);
  });

  it('a changed data file of an unedited entry is offered as a draft to review, not applied', async () => {
    const faq = createFaqRepository({ db: database.db });
    await faq.seed({ entries: [hours()] });
    const changed = { ...hours(), summary: 'Tóm tắt mới trong data/.' };
    expect(await faq.seed({ entries: [changed] })).toEqual({ inserted: [], offered: ['gio-lam-viec'], updated: [] });
    const { row, draft, published } = await faq.getEntry({ id: 'gio-lam-viec' });
    expect(published!.summary).toBe(hours().summary);
    expect(draft!.data.summary).toBe('Tóm tắt mới trong data/.');
    expect(row!.needsReview).toBe(true);
    // Offered once: the next restart with the same file adds nothing.
    expect(await faq.seed({ entries: [changed] })).toEqual({ inserted: [], offered: [], updated: [] });
    expect((await faq.listRevisions({ entryId: 'gio-lam-viec' })).revisions.map((r) => r.kind)).toEqual(['data', 'seed']);
  });

  it('a data/ edit while the database has a console edit is offered as a draft; the console edit stays published', async () => {
    const faq = createFaqRepository({ db: database.db });
    const editing = createFaqEditing({ db: database.db });
    await faq.seed({ entries: [hours()] });
    await editing.saveDraft({ entry: { ...hours(), summary: 'Sửa trong trang quản trị.' }, author: 'admin' });
    await editing.publish({ entryId: 'gio-lam-viec', author: 'admin' });
    expect(await faq.seed({ entries: [{ ...hours(), summary: 'Sửa trong data/.' }] })).toEqual({ inserted: [], offered: ['gio-lam-viec'], updated: [] });
    const { row, draft, published } = await faq.getEntry({ id: 'gio-lam-viec' });
    expect(published!.summary).toBe('Sửa trong trang quản trị.');
    expect(draft!.data.summary).toBe('Sửa trong data/.');
    expect(row).toMatchObject({ editedInConsole: true, needsReview: true });
    expect((await faq.listPublished()).entries[0]!.summary).toBe('Sửa trong trang quản trị.');
  });

  it('a published row the schema now refuses (written before a schema change) is replaced by its file when nobody edited it', async () => {
    const faq = createFaqRepository({ db: database.db });
    await faq.seed({ entries: [hours()] });
    await database.db.update(faqEntriesTable).set({ data: { ...hours(), sections: {} } as Record<string, unknown>, seedHash: 'old' });
    expect((await faq.listPublished()).invalid.map((i) => i.id)).toEqual(['gio-lam-viec']);
    expect(await faq.seed({ entries: [hours()] })).toEqual({ inserted: [], offered: [], updated: ['gio-lam-viec'] });
    expect((await faq.listPublished()).entries.map((e) => e.id)).toEqual(['gio-lam-viec']);
  });
});

describe('seeding only when data/faq changed (start-up)', () => {
  it('reads the files when their hash is new, skips them while it stays the same, and reads them again once it moves', async () => {
    await database.db.delete(faqSeedStateTable);
    const faq = createFaqRepository({ db: database.db });
    let reads = 0;
    const loadEntries = () => {
      reads += 1;
      return [hours()];
    };
    expect(await faq.seedIfChanged({ filesHash: 'a', loadEntries })).toMatchObject({ skipped: false, inserted: ['gio-lam-viec'] });
    expect(await faq.seedIfChanged({ filesHash: 'a', loadEntries })).toEqual({ skipped: true, inserted: [], offered: [], updated: [] });
    expect(reads).toBe(1);
    // A file changed: read, and the change offered as a draft as always.
    const changed = () => {
      reads += 1;
      return [{ ...hours(), summary: 'Tóm tắt mới trong data/.' }];
    };
    expect(await faq.seedIfChanged({ filesHash: 'b', loadEntries: changed })).toMatchObject({ skipped: false, offered: ['gio-lam-viec'] });
    expect(reads).toBe(2);
    // `force` (a row the schema now refuses) reads them even with the same hash.
    expect(await faq.seedIfChanged({ filesHash: 'b', loadEntries: changed, force: true })).toMatchObject({ skipped: false, offered: [] });
    expect(reads).toBe(3);
  });

  it('hashes file names and bytes: the same folder gives the same hash, an edited or added file another', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcb-faq-hash-'));
    mkdirSync(join(dir, 'faq'));
    writeFileSync(join(dir, 'faq', 'a.yaml'), 'id: a\n');
    const first = hashFaqFiles({ dataDir: dir });
    expect(hashFaqFiles({ dataDir: dir })).toBe(first);
    writeFileSync(join(dir, 'faq', 'a.yaml'), 'id: b\n');
    const edited = hashFaqFiles({ dataDir: dir });
    expect(edited).not.toBe(first);
    writeFileSync(join(dir, 'faq', 'b.yaml'), '');
    expect(hashFaqFiles({ dataDir: dir })).not.toBe(edited);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('editing', () => {
  it('draft → publish → rollback keeps every revision; a stale save is refused', async () => {
    const faq = createFaqRepository({ db: database.db });
    const editing = createFaqEditing({ db: database.db });
    await faq.seed({ entries: [hours()] });
    const saved = await editing.saveDraft({ entry: { ...hours(), summary: 'Bản 2.' }, author: 'lan', expectedRevision: 1 });
    expect(saved.revision).toBe(2);
    expect((await faq.listPublished()).entries[0]!.summary).toBe(hours().summary);
    await expect(editing.saveDraft({ entry: { ...hours(), summary: 'Bản cũ.' }, author: 'minh', expectedRevision: 1 })).rejects.toMatchObject({ code: 'faq.edit_conflict' });
    await editing.publish({ entryId: 'gio-lam-viec', author: 'lan' });
    expect((await faq.listPublished()).entries[0]!.summary).toBe('Bản 2.');
    const back = await editing.rollback({ entryId: 'gio-lam-viec', toRevision: 1, author: 'lan' });
    expect(back.revision).toBe(3);
    expect((await faq.listPublished()).entries[0]!.summary).toBe(hours().summary);
    const { revisions } = await faq.listRevisions({ entryId: 'gio-lam-viec' });
    expect(revisions.map((r) => [r.revision, r.kind, r.publishedAt !== null])).toEqual([
      [3, 'rollback', true],
      [2, 'edit', true],
      [1, 'seed', true],
    ]);
  });

  it('an invalid entry is refused with the problems and stores nothing', async () => {
    const faq = createFaqRepository({ db: database.db });
    const editing = createFaqEditing({ db: database.db });
    await faq.seed({ entries: [hours()] });
    await expect(editing.saveDraft({ entry: { ...hours(), questions: ['một'] }, author: 'lan' })).rejects.toMatchObject({ code: 'faq.entry_invalid' });
    expect((await faq.listRevisions({ entryId: 'gio-lam-viec' })).revisions).toHaveLength(1);
  });

  it('a new entry saved as a draft is not served until published', async () => {
    const faq = createFaqRepository({ db: database.db });
    const editing = createFaqEditing({ db: database.db });
    await editing.saveDraft({ entry: { ...hours(), id: 'muc-moi' }, author: 'lan' });
    expect((await faq.listPublished()).entries).toHaveLength(0);
    expect((await faq.listWorkingCopies()).entries.map((e) => e.id)).toEqual(['muc-moi']);
    await editing.publish({ entryId: 'muc-moi', author: 'lan' });
    expect((await faq.listPublished()).entries.map((e) => e.id)).toEqual(['muc-moi']);
  });
});

describe('engine sync', () => {
  it('publishing reloads a listening engine through NOTIFY', async () => {
    const faq = createFaqRepository({ db: database.db });
    const editing = createFaqEditing({ db: database.db });
    await faq.seed({ entries: catalogue.entries });
    const engine = createFaqEngine({ ...catalogue, entries: (await faq.listPublished()).entries });
    const sync = await startFaqSync({ database, repository: faq, engine, logger });
    try {
      const summary = 'Mở cửa cả thứ Bảy (đồng bộ thử).';
      await editing.saveDraft({ entry: { ...hours(), summary }, author: 'lan' });
      await editing.publish({ entryId: 'gio-lam-viec', author: 'lan' });
      const deadline = Date.now() + 2_000;
      const reply = () => engine.render({ decision: engine.decide({ text: 'trung tâm mở cửa mấy giờ' }), maxTextLength: 4096 }).parts.join('\n');
      while (!reply().includes(summary) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(reply()).toContain(summary);
    } finally {
      await sync.stop();
    }
  });
});
