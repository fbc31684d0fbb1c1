import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxTable } from '../../src/bot/outbox/outbox.table.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { conversationsTable } from '../../src/db/conversations.table.js';
import { messagesTable } from '../../src/db/messages.table.js';
import { PRIVACY_CONFIRM_ACTION, REDACTED_TEXT } from '../../src/privacy/privacy.models.js';
import { createPrivacyRepository } from '../../src/privacy/privacy.repository.js';
import { privacyNoticesTable, privacyRequestsTable } from '../../src/privacy/privacy.table.js';
import { webUploadsTable } from '../../src/web/uploads.table.js';
import { createPrivacyUsecases } from '../../src/privacy/privacy.usecases.js';
import { ticketEventsTable, ticketMessageLinksTable, ticketsTable } from '../../src/handoff/tickets/tickets.table.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { TWO_UNITS_YAML, writeDataDir } from '../units/units-fixtures.js';

const DAY = 86_400_000;

describe('privacy (real database)', () => {
  let handle: TestDatabase;
  let now = new Date('2026-06-01T03:00:00Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    handle = await createTestDatabase();
    await syncUnitsFromData({ db: handle.db, dataDir: writeDataDir({ 'units.yaml': TWO_UNITS_YAML }) });
  });
  afterAll(async () => handle?.close());

  const privacy = () => createPrivacyUsecases({ privacyRepository: createPrivacyRepository({ db: handle.db }), retentionDays: 365, clock });

  /** A resident with two messages in, one reply out, a closed rated ticket with events, a link and outbox rows. */
  async function seedResident(ref: string, at: Date) {
    const conversations = createConversationsRepository({ db: handle.db });
    const { conversation } = await conversations.upsertConversation({
      channel: 'telegram',
      conversationRef: ref,
      residentExternalId: ref.split(':')[1]!,
      residentName: 'Nguyễn Văn Dân',
      seenAt: at,
    });
    const id = conversation.id;
    await handle.db.insert(messagesTable).values([
      { conversationId: id, direction: 'in', channel: 'telegram', externalId: `${ref}-1`, senderExternalId: '42', senderName: 'Nguyễn Văn Dân', text: 'CCCD của tôi là 001234567890', createdAt: at },
      { conversationId: id, direction: 'in', channel: 'telegram', externalId: `${ref}-2`, senderExternalId: '42', senderName: 'Nguyễn Văn Dân', kind: 'photo', text: '', createdAt: at },
      { conversationId: id, direction: 'out', channel: 'telegram', text: 'Dạ, anh Dân cần mang CCCD.', createdAt: at },
    ]);
    const [ticket] = await handle.db
      .insert(ticketsTable)
      .values({
        code: `HS-${id}`,
        unitId: 'phuong-a',
        conversationId: id,
        residentChannel: 'telegram',
        residentRef: ref,
        residentName: 'Nguyễn Văn Dân',
        status: 'closed',
        reason: 'explicit_request',
        question: 'Tôi ở số 5 ngõ 7, cần làm sổ đỏ',
        openedAt: at,
        claimedAt: new Date(at.getTime() + 60_000),
        firstStaffReplyAt: new Date(at.getTime() + 120_000),
        closedAt: new Date(at.getTime() + 600_000),
        rating: 5,
        createdAt: at,
      })
      .returning();
    await handle.db.insert(ticketEventsTable).values([
      { ticketId: ticket!.id, type: 'resident_message', actorKind: 'resident', text: 'Số điện thoại 0912345678', createdAt: at },
      { ticketId: ticket!.id, type: 'claim', actorKind: 'staff', actorStaffId: 'a-minh', createdAt: at },
    ]);
    await handle.db.insert(ticketMessageLinksTable).values({ ticketId: ticket!.id, conversationRef: ref, externalMessageId: '77', role: 'relay', createdAt: at });
    await handle.db.insert(outboxTable).values([
      { conversationRef: ref, channel: 'telegram', payload: { conversationRef: ref, text: 'Chào anh Dân' }, status: 'sent', createdAt: at },
      { conversationRef: ref, channel: 'telegram', payload: { conversationRef: ref, text: 'Đang gửi' }, status: 'pending', createdAt: at },
      {
        conversationRef: 'telegram:-100999:topic:5',
        channel: 'telegram',
        kind: 'copy',
        payload: { conversationRef: 'telegram:-100999:topic:5', from: { conversationRef: ref, externalMessageId: `${ref}-2` }, kind: 'photo', attachment: { ref: 'https://cdn.example/anh-cccd.jpg' }, text: '(một ảnh)' },
        status: 'sent',
        createdAt: at,
      },
    ]);
    await handle.db.insert(webUploadsTable).values({ conversationRef: ref, fileName: 'cccd.jpg', mimeType: 'image/jpeg', size: 4, data: Buffer.from('jpeg'), createdAt: at });
    return { conversationId: id, ticketId: ticket!.id };
  }
  const uploadsOf = (ref: string) => handle.db.select().from(webUploadsTable).where(eq(webUploadsTable.conversationRef, ref));

  it('shows the notice once per conversation and records the version', async () => {
    const { conversationId } = await seedResident('telegram:1001', now);
    const first = await privacy().firstContactNotice({ conversationId, unitName: 'phường An Khánh' });
    expect(first.notice).toMatch(/tự động xóa sau 1 năm/);
    expect(first.notice).toMatch(/\/xoadulieu/);
    expect(first.notice).toMatch(/cán bộ phường An Khánh/);
    expect(await privacy().firstContactNotice({ conversationId })).toEqual({});
    const [record] = await handle.db.select().from(privacyNoticesTable).where(eq(privacyNoticesTable.conversationId, conversationId));
    expect(record?.version).toBe('2026-01');
  });

  it('delete my data: asks first, then anonymises messages and identity while statistics stay', async () => {
    const { conversationId, ticketId } = await seedResident('telegram:1002', now);
    const other = await seedResident('telegram:1003', now);

    const ask = await privacy().handleMessage({ conversationId, message: { text: 'Xóa dữ liệu của tôi' } });
    expect(ask).toMatchObject({ handled: true, reply: { text: expect.stringMatching(/XÁC NHẬN/), buttons: [{ data: PRIVACY_CONFIRM_ACTION }, expect.anything()] } });
    // Nothing is erased before the confirmation.
    expect((await messagesOf(conversationId)).map((m) => m.text)).toContain('CCCD của tôi là 001234567890');

    const done = await privacy().handleMessage({ conversationId, message: { text: 'xac nhan' } });
    expect(done).toMatchObject({ handled: true, erased: true, reply: { text: expect.stringMatching(/Đã xóa/) } });

    const messages = await messagesOf(conversationId);
    expect(messages).toHaveLength(3); // counts stay
    expect(messages.map((m) => m.text)).toEqual([REDACTED_TEXT, '', REDACTED_TEXT]);
    expect(messages.map((m) => m.kind)).toEqual(['text', 'photo', 'text']);
    expect(messages.every((m) => m.senderName === null && m.senderExternalId === null && m.externalId === null)).toBe(true);

    const [conversation] = await handle.db.select().from(conversationsTable).where(eq(conversationsTable.id, conversationId));
    expect(conversation).toMatchObject({ conversationRef: `deleted:${conversationId}`, residentName: null, residentExternalId: null, unitId: null });

    const [ticket] = await handle.db.select().from(ticketsTable).where(eq(ticketsTable.id, ticketId));
    expect(ticket).toMatchObject({ residentRef: `deleted:${conversationId}`, residentName: null, question: REDACTED_TEXT, status: 'closed', rating: 5 });
    expect(ticket?.firstStaffReplyAt?.getTime()).toBe(now.getTime() + 120_000); // timings stay
    const events = await handle.db.select().from(ticketEventsTable).where(eq(ticketEventsTable.ticketId, ticketId));
    expect(events.map((e) => [e.type, e.text])).toEqual([
      ['resident_message', REDACTED_TEXT],
      ['claim', null],
    ]);
    expect(await handle.db.select().from(ticketMessageLinksTable).where(eq(ticketMessageLinksTable.ticketId, ticketId))).toHaveLength(0);
    const outbox = await handle.db.select().from(outboxTable).where(eq(outboxTable.status, 'sent'));
    expect(outbox.find((o) => o.conversationRef === `deleted:${conversationId}`)?.payload.text).toBe(REDACTED_TEXT);
    expect(outbox.some((o) => o.conversationRef === 'telegram:1002')).toBe(false);
    // The copy of the resident's photo in the staff topic no longer names them or holds the link.
    const copies = outbox.filter((o) => o.kind === 'copy').map((o) => JSON.stringify(o.payload));
    const erasedCopies = copies.filter((p) => p.includes(`deleted:${conversationId}`));
    expect(erasedCopies).toHaveLength(1);
    expect(erasedCopies[0]).not.toContain('cdn.example');
    expect(copies.some((p) => p.includes('telegram:1002'))).toBe(false);
    expect(copies.some((p) => p.includes('telegram:1003'))).toBe(true); // the other resident's copy stays
    const [request] = await handle.db.select().from(privacyRequestsTable).where(eq(privacyRequestsTable.conversationId, conversationId));
    expect(request?.status).toBe('done');

    // Their web chat uploads are gone.
    expect(await uploadsOf('telegram:1002')).toHaveLength(0);

    // Another resident's data is untouched.
    expect((await messagesOf(other.conversationId))[0]?.text).toBe('CCCD của tôi là 001234567890');
    expect((await uploadsOf('telegram:1003'))[0]?.data).toEqual(Buffer.from('jpeg'));
  });

  it('accepts the slash command and the confirm button; "hủy" cancels; another message cancels quietly', async () => {
    const a = await seedResident('telegram:1004', now);
    expect((await privacy().handleMessage({ conversationId: a.conversationId, message: { text: '/xoadulieu' } })).handled).toBe(true);
    expect(await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'Hủy' } })).toMatchObject({ handled: true, reply: { text: expect.stringMatching(/Đã hủy/) } });
    expect((await messagesOf(a.conversationId))[0]?.text).not.toBe(REDACTED_TEXT);

    await privacy().handleMessage({ conversationId: a.conversationId, message: { text: '/xoadulieu@MotCuaBot' } });
    expect(await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'làm khai sinh cần gì' } })).toEqual({ handled: false });
    // The request was cancelled by the question: a late "xác nhận" is now just text for the FAQ.
    expect(await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'XÁC NHẬN' } })).toEqual({ handled: false });
    expect((await messagesOf(a.conversationId))[0]?.text).not.toBe(REDACTED_TEXT);

    await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'xoa du lieu' } });
    const done = await privacy().handleMessage({ conversationId: a.conversationId, message: { text: '', action: PRIVACY_CONFIRM_ACTION } });
    expect(done).toMatchObject({ handled: true, erased: true });
    expect((await messagesOf(a.conversationId))[0]?.text).toBe(REDACTED_TEXT);
  });

  it('a confirmation after 10 minutes deletes nothing and says the request expired', async () => {
    const a = await seedResident('telegram:1005', now);
    await privacy().handleMessage({ conversationId: a.conversationId, message: { text: '/xoadulieu' } });
    const saved = now;
    now = new Date(saved.getTime() + 11 * 60_000);
    try {
      expect(await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'xác nhận' } })).toMatchObject({
        handled: true,
        reply: { text: expect.stringMatching(/hết hạn/) },
      });
      expect((await messagesOf(a.conversationId))[0]?.text).not.toBe(REDACTED_TEXT);
    } finally {
      now = saved;
    }
  });

  it('ordinary messages with no request pending are not handled', async () => {
    const a = await seedResident('telegram:1006', now);
    expect(await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'xác nhận' } })).toEqual({ handled: false });
    expect(await privacy().handleMessage({ conversationId: a.conversationId, message: { text: 'xóa đăng ký thường trú' } })).toEqual({ handled: false });
  });

  it('retention erases transcripts older than RETENTION_DAYS only, and is idempotent', async () => {
    const old = await seedResident('telegram:2001', new Date(now.getTime() - 400 * DAY));
    const recent = await seedResident('telegram:2002', new Date(now.getTime() - 300 * DAY));
    await handle.db.insert(conversationsTable).values({ channel: 'telegram', conversationRef: 'telegram:-1000000000001', lastSeenAt: new Date(now.getTime() - 500 * DAY) });

    const result = await privacy().purgeExpired();
    expect(result.cutoff.toISOString()).toBe(new Date(now.getTime() - 365 * DAY).toISOString());
    expect(result.messages).toBe(3);
    expect(result.tickets).toBeGreaterThanOrEqual(1);
    expect(result.outboxRows).toBe(2); // the old sent reply and the old copy of the photo; the pending one stays
    expect(result.uploads).toBe(1);
    expect(await uploadsOf('telegram:2001')).toHaveLength(0);
    expect(await uploadsOf('telegram:2002')).toHaveLength(1);

    expect((await messagesOf(old.conversationId)).map((m) => m.text)).toEqual([REDACTED_TEXT, '', REDACTED_TEXT]);
    expect((await messagesOf(recent.conversationId)).map((m) => m.text)).toEqual(['CCCD của tôi là 001234567890', '', 'Dạ, anh Dân cần mang CCCD.']);
    const [oldConversation] = await handle.db.select().from(conversationsTable).where(eq(conversationsTable.id, old.conversationId));
    expect(oldConversation).toMatchObject({ conversationRef: `deleted:${old.conversationId}`, residentName: null });
    const [recentConversation] = await handle.db.select().from(conversationsTable).where(eq(conversationsTable.id, recent.conversationId));
    expect(recentConversation).toMatchObject({ conversationRef: 'telegram:2002', residentName: 'Nguyễn Văn Dân' });
    // A configured staff group keeps its ref even when idle for long.
    const groups = await handle.db.select().from(conversationsTable).where(eq(conversationsTable.conversationRef, 'telegram:-1000000000001'));
    expect(groups).toHaveLength(1);
    const [oldTicket] = await handle.db.select().from(ticketsTable).where(eq(ticketsTable.id, old.ticketId));
    expect(oldTicket).toMatchObject({ question: REDACTED_TEXT, rating: 5, status: 'closed' });
    const [recentTicket] = await handle.db.select().from(ticketsTable).where(eq(ticketsTable.id, recent.ticketId));
    expect(recentTicket?.question).toBe('Tôi ở số 5 ngõ 7, cần làm sổ đỏ');

    const again = await privacy().purgeExpired();
    expect(again).toMatchObject({ messages: 0, conversations: 0, tickets: 0, outboxRows: 0, uploads: 0 });
  });

  async function messagesOf(conversationId: number) {
    return handle.db.select().from(messagesTable).where(eq(messagesTable.conversationId, conversationId)).orderBy(messagesTable.id);
  }
});
