/**
 * storeInbound: the pipeline's one round trip per message stores the message (deduplicated) and reads
 * what the rest of the hot path needs to know about the conversation, through the state probes the
 * assembly composes from the privacy, tickets and units modules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRepository } from '../../src/bot/outbox/outbox.repository.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { createPrivacyRepository } from '../../src/privacy/privacy.repository.js';
import { createTicketsRepository } from '../../src/handoff/tickets/tickets.repository.js';
import { createUnitsRepository } from '../../src/units/units.repository.js';
import { pipelineStateProbes } from '../../src/pipeline.assembly.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { TWO_UNITS_YAML, writeDataDir } from '../units/units-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('conversations repository: storeInbound (real database)', () => {
  let handle: TestDatabase;
  let n = 0;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await syncUnitsFromData({ db: handle.db, dataDir: writeDataDir({ 'units.yaml': TWO_UNITS_YAML }) });
  });
  afterAll(() => handle.close());

  const store = (conversationRef: string, externalId = `m-${++n}`) =>
    createConversationsRepository({ db: handle.db, probes: pipelineStateProbes }).storeInbound({
      channel: 'telegram',
      conversationRef,
      residentExternalId: '42',
      residentName: 'Bà Lan',
      externalId,
      kind: 'text',
      text: 'hỏi',
      receivedAt: new Date('2026-03-02T02:00:00Z'),
      replay: { text: 'hỏi' },
    });

  it('creates the conversation once and ignores a redelivery', async () => {
    const first = await store('telegram:1', 'same');
    expect(first).toMatchObject({ created: true, duplicate: false });
    const again = await store('telegram:1', 'same');
    expect(again).toMatchObject({ conversationId: first.conversationId, created: false, duplicate: true, messageId: null });
  });

  it('reports the chosen unit, an open "which unit?" question, a pending delete request and an active ticket', async () => {
    const ref = 'telegram:2';
    const { conversationId, state } = await store(ref);
    expect(state).toEqual({ unitId: null, deleteRequestPending: false, activeTicket: false, unitChoicePending: false });

    const units = createUnitsRepository({ db: handle.db });
    await units.saveUnitChoicePrompt({ conversationId, pendingText: 'hỏi', attempts: 0 });
    expect((await store(ref)).state).toMatchObject({ unitId: null, unitChoicePending: true });
    await units.setResidentUnit({ conversationId, unitId: 'xa-b' });
    await units.deleteUnitChoicePrompt({ conversationId });
    expect((await store(ref)).state).toMatchObject({ unitId: 'xa-b', unitChoicePending: false });

    const privacy = createPrivacyRepository({ db: handle.db });
    await privacy.createDeleteRequest({ conversationId, at: new Date() });
    expect((await store(ref)).state.deleteRequestPending).toBe(true);
    const pending = await privacy.findPendingDeleteRequest({ conversationId });
    await privacy.closeDeleteRequest({ id: pending!.id, status: 'cancelled', at: new Date() });
    expect((await store(ref)).state.deleteRequestPending).toBe(false);

    const tickets = createTicketsRepository({ db: handle.db });
    const { ticket } = await tickets.createTicket({
      unitId: 'xa-b',
      conversationId,
      residentChannel: 'telegram',
      residentRef: ref,
      residentName: 'Bà Lan',
      reason: 'explicit_request',
      question: 'hỏi',
      botGuesses: [],
      openedAt: new Date(),
      slaDueAt: null,
    });
    expect((await store(ref)).state.activeTicket).toBe(true);
    await tickets.transitionTicket({ ticketId: ticket.id, event: { type: 'close', staffId: null }, at: new Date() });
    expect((await store(ref)).state.activeTicket).toBe(false);
  });

  it('lists the messages stored but never handled, with what is needed to handle them again, until an outbox insert marks them', async () => {
    const repository = createConversationsRepository({ db: handle.db });
    const first = await store('telegram:3', 'u-1');
    const second = await store('telegram:3', 'u-2');
    const since = new Date('2026-03-02T01:00:00Z');
    const { messages } = await repository.listUnhandled({ since });
    const mine = messages.filter((m) => m.messageId === first.messageId || m.messageId === second.messageId);
    expect(mine).toEqual([
      { messageId: first.messageId, replay: { text: 'hỏi' } },
      { messageId: second.messageId, replay: { text: 'hỏi' } },
    ]);
    expect(await repository.readStoredState({ messageId: first.messageId! })).toMatchObject({ created: true, handled: false });
    expect(await repository.readStoredState({ messageId: second.messageId! })).toMatchObject({ created: false, handled: false });
    // Too old to answer late: not listed.
    expect((await repository.listUnhandled({ since: new Date('2026-03-02T03:00:00Z') })).messages.map((m) => m.messageId)).not.toContain(first.messageId);

    const outbox = createOutboxRepository({ db: handle.db });
    const row = { conversationRef: 'telegram:3', channel: 'telegram', payload: { conversationRef: 'telegram:3', text: 'trả lời' }, minIntervalMs: 0, nextAttemptAt: new Date() };
    await outbox.insertRows({ rows: [row], handled: { messageIds: [first.messageId!, second.messageId!], at: new Date() } });
    expect(await repository.readStoredState({ messageId: first.messageId! })).toMatchObject({ handled: true });
    const after = (await repository.listUnhandled({ since })).messages.map((m) => m.messageId);
    expect(after).not.toContain(first.messageId);
    expect(after).not.toContain(second.messageId);
  });
});
