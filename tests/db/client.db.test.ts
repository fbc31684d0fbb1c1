import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { unitsTable } from '../../src/db/units.table.js';
import { faqEntriesTable, faqRevisionsTable } from '../../src/faq/faq.table.js';
import { backendName, createTestDatabase, testDatabaseUrl } from '../helpers/test-db.js';

describe(`database on ${backendName}`, () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it('applies every migration to an empty database', async () => {
    const rows = await handle.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = (Array.isArray(rows) ? rows : (rows as { rows: Array<{ table_name: string }> }).rows).map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['units', 'conversations', 'messages', 'faq_entries', 'faq_revisions']));
  });

  it('round-trips a unit with its info', async () => {
    await handle.db.insert(unitsTable).values({ id: 'phuong-a', name: 'Phường A', info: { phone: '0123' } });
    const [unit] = await handle.db.select().from(unitsTable).where(eq(unitsTable.id, 'phuong-a'));
    expect(unit).toMatchObject({ id: 'phuong-a', name: 'Phường A', info: { phone: '0123' } });
    expect(unit?.createdAt).toBeInstanceOf(Date);
  });

  it('creates a conversation once and refreshes it on later contact', async () => {
    const repo = createConversationsRepository({ db: handle.db });
    const first = await repo.upsertConversation({ channel: 'telegram', conversationRef: 'telegram:42', residentName: 'Bà Lan' });
    const second = await repo.upsertConversation({ channel: 'telegram', conversationRef: 'telegram:42', residentName: null });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.conversation.id).toBe(first.conversation.id);
    expect(second.conversation.residentName).toBe('Bà Lan');
  });

  it('stores messages in and out and rejects a redelivered inbound message', async () => {
    const repo = createConversationsRepository({ db: handle.db });
    const { conversation } = await repo.upsertConversation({ channel: 'zalo', conversationRef: 'zalo:user:7' });
    const inbound = { conversationId: conversation.id, channel: 'zalo', externalId: 'm-1', kind: 'text', text: 'xin chào', receivedAt: new Date('2026-03-02T01:00:00Z') };
    const stored = await repo.recordInbound(inbound);
    const again = await repo.recordInbound(inbound);
    await repo.recordOutbound({ conversationId: conversation.id, channel: 'zalo', text: 'Chào bạn' });
    expect(stored.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    const { messages } = await repo.listMessages({ conversationId: conversation.id });
    expect(messages.map((m) => [m.direction, m.text])).toEqual([['in', 'xin chào'], ['out', 'Chào bạn']]);
    expect(messages[0]?.receivedAt?.toISOString()).toBe('2026-03-02T01:00:00.000Z');
  });

  it('keeps FAQ revisions unique per entry and revision', async () => {
    await handle.db.insert(faqEntriesTable).values({ id: 'khai-sinh', data: { title: 'Đăng ký khai sinh' } });
    await handle.db.insert(faqRevisionsTable).values({ entryId: 'khai-sinh', revision: 1, data: { title: 'v1' } });
    await expect(handle.db.insert(faqRevisionsTable).values({ entryId: 'khai-sinh', revision: 1, data: {} })).rejects.toThrow();
    const [entry] = await handle.db.select().from(faqEntriesTable);
    expect(entry).toMatchObject({ id: 'khai-sinh', status: 'published', revision: 1, data: { title: 'Đăng ký khai sinh' } });
  });
});

describe.runIf(!testDatabaseUrl)('embedded PGlite on disk', () => {
  it('keeps data across a restart and re-applies migrations idempotently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcb-pglite-'));
    try {
      const first = await createDatabase({ pgliteDataDir: dir });
      await first.db.insert(unitsTable).values({ id: 'xa-b', name: 'Xã B' });
      await first.close();
      const second = await createDatabase({ pgliteDataDir: dir });
      const rows = await second.db.select().from(unitsTable);
      await second.close();
      expect(rows.map((r) => r.id)).toEqual(['xa-b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(testDatabaseUrl)('postgres restarts', () => {
  it('re-applies migrations idempotently, also from two processes starting at once', async () => {
    const handle = await createTestDatabase();
    try {
      await handle.db.insert(unitsTable).values({ id: 'xa-c', name: 'Xã C' });
      const [a, b] = await Promise.all([createDatabase({ url: handle.url }), createDatabase({ url: handle.url })]);
      const rows = await a.db.select().from(unitsTable);
      await Promise.all([a.close(), b.close()]);
      expect(rows.map((r) => r.id)).toEqual(['xa-c']);
    } finally {
      await handle.close();
    }
  });
});

describe('tryLock (one Zalo listener per account)', () => {
  it.runIf(testDatabaseUrl)('is held by one process at a time and passes on when released or when its holder dies', async () => {
    const handle = await createTestDatabase();
    const [a, b] = [await createDatabase({ url: handle.url }), await createDatabase({ url: handle.url })];
    try {
      const first = await a.tryLock({ name: 'test:zalo-listener' });
      expect(first.acquired).toBe(true);
      expect((await b.tryLock({ name: 'test:zalo-listener' })).acquired).toBe(false);
      // Another name is another lock.
      const other = await b.tryLock({ name: 'test:other' });
      expect(other.acquired).toBe(true);
      await other.release();
      await first.release();
      const second = await b.tryLock({ name: 'test:zalo-listener' });
      expect(second.acquired).toBe(true);
      // The holder's connection dies (a crashed process): Postgres frees the lock, the holder is told.
      let lost = false;
      await second.release();
      const third = await a.tryLock({ name: 'test:zalo-listener', onLost: () => (lost = true) });
      expect(third.acquired).toBe(true);
      // Only this test's own database: other suites' sessions are left alone.
      await handle.db.execute(
        sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database())`,
      );
      await vi.waitFor(() => expect(lost).toBe(true));
      const fourth = await vi.waitFor(async () => {
        const lock = await b.tryLock({ name: 'test:zalo-listener' });
        expect(lock.acquired).toBe(true);
        return lock;
      });
      await fourth.release();
      await third.release();
    } finally {
      await Promise.all([a.close(), b.close()]);
      await handle.close();
    }
  });

  it.runIf(!testDatabaseUrl)('is always granted on PGlite (one process owns its folder)', async () => {
    const handle = await createDatabase({ pgliteDataDir: 'memory://' });
    try {
      expect((await handle.tryLock({ name: 'test:zalo-listener' })).acquired).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
