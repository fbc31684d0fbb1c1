/**
 * Upload files on disk: erased with the resident's data and by retention (rows and files), the bytes
 * stored in the database before migration 0009 moved out to files (readable before, during and
 * after), and the sweep that removes files no row names (a crash between a file and its row).
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { createPrivacyRepository } from '../../src/privacy/index.js';
import { createUploadFiles, UploadFileKeyError } from '../../src/web/uploads.files.js';
import { createWebUploadsRepository } from '../../src/web/uploads.repository.js';
import { webUploadsTable } from '../../src/web/uploads.table.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const DAY = 86_400_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('web chat upload files', () => {
  let database: TestDatabase;
  let dir: string;
  let files: ReturnType<typeof createUploadFiles>;
  let uploads: ReturnType<typeof createWebUploadsRepository>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'mcb-uploads-'));
    files = createUploadFiles({ dir });
    uploads = createWebUploadsRepository({ db: database.db, files });
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function uploadAs(conversationRef: string, data: Buffer, at: Date) {
    const { key } = await files.writeAll(data);
    const { ref } = await uploads.saveUpload({ conversationRef, fileName: 'cccd.jpg', mimeType: 'image/jpeg', size: data.length, storageKey: key, at });
    return { key, ref };
  }

  it('"delete my data" removes the resident\'s upload rows and their files, and nobody else\'s', async () => {
    const now = new Date();
    const { conversation } = await createConversationsRepository({ db: database.db }).upsertConversation({ channel: 'web', conversationRef: 'web:erase-me', seenAt: now });
    const mine = await uploadAs('web:erase-me', Buffer.from('mine'), now);
    const theirs = await uploadAs('web:someone-else', Buffer.from('theirs'), now);
    const privacy = createPrivacyRepository({ db: database.db, uploadFiles: files });
    expect(await privacy.eraseConversation({ conversationId: conversation.id, at: now })).toEqual({ erased: true });
    expect(await uploads.loadMedia({ ref: mine.ref })).toBeUndefined();
    expect(filesUnder(dir)).not.toContain(mine.key);
    expect(filesUnder(dir)).toContain(theirs.key);
    expect((await uploads.loadMedia({ ref: theirs.ref }))?.data).toEqual(Buffer.from('theirs'));
  });

  it('retention removes uploads older than the cutoff, rows and files', async () => {
    const now = new Date();
    const old = await uploadAs('web:old-resident', Buffer.from('old'), new Date(now.getTime() - 400 * DAY));
    const recent = await uploadAs('web:old-resident', Buffer.from('recent'), now);
    const privacy = createPrivacyRepository({ db: database.db, uploadFiles: files });
    const result = await privacy.eraseOlderThan({ cutoff: new Date(now.getTime() - 365 * DAY), at: now });
    expect(result.uploads).toBeGreaterThanOrEqual(1);
    expect(filesUnder(dir)).not.toContain(old.key);
    expect(filesUnder(dir)).toContain(recent.key);
  });

  it('moves the bytes of uploads kept in the database (before 0010) out to files; they read the same before and after', async () => {
    const legacy = [Buffer.alloc(300_000, 1), Buffer.from('%PDF-1.4 legacy')];
    const rows = await database.db
      .insert(webUploadsTable)
      .values(legacy.map((data, i) => ({ conversationRef: 'web:legacy', fileName: `old-${i}.jpg`, mimeType: 'image/jpeg', size: data.length, data })))
      .returning({ id: webUploadsTable.id });
    const refs = rows.map((r) => `web-upload:${r.id}`);
    for (const [i, ref] of refs.entries()) expect((await uploads.loadMedia({ ref }))?.data).toEqual(legacy[i]);

    expect(await uploads.moveBytesToFiles()).toEqual({ moved: 2 });
    const after = await database.db.select().from(webUploadsTable).where(eq(webUploadsTable.conversationRef, 'web:legacy'));
    for (const row of after) {
      expect(row.data).toBeNull();
      expect(filesUnder(dir)).toContain(row.storageKey);
    }
    for (const [i, ref] of refs.entries()) expect((await uploads.loadMedia({ ref }))?.data).toEqual(legacy[i]);
    expect(await uploads.moveBytesToFiles()).toEqual({ moved: 0 });
  });

  it('sweeps files no row names and stale temp files, once they are older than the grace period', async () => {
    const kept = await uploadAs('web:sweep', Buffer.from('kept'), new Date());
    // A crash after the file was written, before its row: an orphan (old) and one just written (recent).
    const orphan = await files.writeAll(Buffer.from('orphan'));
    const fresh = await files.writeAll(Buffer.from('fresh orphan'));
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    writeFileSync(join(dir, 'tmp', 'dead.part'), 'partial');
    const hourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    for (const path of [orphan.key, kept.key, 'tmp/dead.part']) utimesSync(join(dir, path), hourAgo, hourAgo);

    const { removed } = await uploads.sweepFiles();
    expect(removed).toBe(2);
    const left = filesUnder(dir);
    expect(left).toContain(kept.key);
    expect(left).toContain(fresh.key);
    expect(left).not.toContain(orphan.key);
    expect(left).not.toContain('tmp/dead.part');
  });

  it('reads only its own keys: no path outside the folder', async () => {
    await expect(files.read({ key: '../../etc/passwd' })).rejects.toBeInstanceOf(UploadFileKeyError);
    await expect(files.remove({ keys: ['ab/../../x'] })).rejects.toBeInstanceOf(UploadFileKeyError);
    expect(await files.read({ key: `ab/${'0'.repeat(30)}` })).toBeUndefined();
  });
});
