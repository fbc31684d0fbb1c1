/**
 * A photo sent before the ticket opens ("here is my paper", then "Gặp cán bộ") reaches staff with the
 * card, like the earlier texts: copied through the outbox (a 'copy' row per staff thread), bounded to
 * the last few minutes and the last few items, never twice.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_REQUEST_ACTION } from '../../src/bot/core/bot.texts.js';
import { outboxTable } from '../../src/bot/outbox/outbox.table.js';
import { EARLIER_MEDIA_MAX, EARLIER_MEDIA_WINDOW_MS } from '../../src/handoff/resident/resident.usecases.js';
import { createHandoffHarness, STAFF, TG_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const RESIDENT_TG = 'telegram:5001';
const resident = { id: '5001', name: 'Phạm Văn Dân' };

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

const photo = (harness: HandoffHarness, ref = RESIDENT_TG, caption = '') =>
  harness.say(harness.inbound({ conversationRef: ref, from: resident, kind: 'photo', text: caption, attachment: { ref: `AgAC-${Math.random()}` } }));

describe('photos sent before the ticket opens', { timeout: 90_000 }, () => {
  it('follow the card into the staff topic as copies, after their header, when the resident taps "Gặp cán bộ"', async () => {
    h = await createHandoffHarness();
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'sổ đỏ bị rách thì làm sao' }));
    const first = await photo(h, RESIDENT_TG, 'trang 1');
    const second = await photo(h);
    // Before a ticket, a photo only gets the bot's "cannot read photos" reply: nothing reaches staff.
    expect(h.telegram.copies).toHaveLength(0);

    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, action: HANDOFF_REQUEST_ACTION }));
    const [topicRef] = [...h.telegram.topics.keys()];
    const inTopic = h.sentIn(topicRef!).map((m) => m.text);
    expect(inTopic[0]).toContain('Phiếu HS-0001');
    expect(inTopic[0]).toContain('sổ đỏ bị rách thì làm sao');
    expect(inTopic.slice(1)).toEqual(['📎 HS-0001 · Phạm Văn Dân gửi một ảnh: trang 1', '📎 HS-0001 · Phạm Văn Dân gửi một ảnh']);
    expect(h.telegram.copies).toEqual([
      { from: { conversationRef: RESIDENT_TG, externalMessageId: first.externalMessageId }, to: topicRef, externalMessageId: 'copy-1' },
      { from: { conversationRef: RESIDENT_TG, externalMessageId: second.externalMessageId }, to: topicRef, externalMessageId: 'copy-2' },
    ]);
    // They went as outbox rows of kind 'copy', linked to the ticket (so erasure and routing find them).
    const copies = await h.db.select().from(outboxTable).where(and(eq(outboxTable.kind, 'copy'), eq(outboxTable.status, 'sent')));
    expect(copies.map((c) => c.meta)).toEqual([
      expect.objectContaining({ ticketId: 1, role: 'resident_message', groupRef: TG_STAFF }),
      expect.objectContaining({ ticketId: 1, role: 'resident_message', groupRef: TG_STAFF }),
    ]);
  });

  it(`only the last ${EARLIER_MEDIA_MAX} of the last ${EARLIER_MEDIA_WINDOW_MS / 60_000} minutes, and none already passed on with a previous ticket`, async () => {
    h = await createHandoffHarness();
    await photo(h); // too old by the time the ticket opens
    h.clock.advance(EARLIER_MEDIA_WINDOW_MS + 60_000);
    const recent = [];
    for (let i = 0; i < EARLIER_MEDIA_MAX + 1; i++) recent.push(await photo(h));
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'cho tôi gặp cán bộ' }));
    expect(h.telegram.copies.map((c) => c.from.externalMessageId)).toEqual(recent.slice(1).map((m) => m.externalMessageId));

    // Closed, then a new ticket at once: the photos went with the first one and are not sent again.
    const [topicRef] = [...h.telegram.topics.keys()];
    await h.say(h.inbound({ conversationRef: topicRef!, from: { id: STAFF.minh.telegram, name: STAFF.minh.name }, text: '/dong' }));
    const extra = await photo(h);
    const copiesBefore = h.telegram.copies.length;
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'gặp cán bộ lần nữa' }));
    expect(h.telegram.copies.slice(copiesBefore).map((c) => c.from.externalMessageId)).toEqual([extra.externalMessageId]);
  });

  it('across channels (web chat → Telegram) staff get the header saying what was sent, never silence', async () => {
    h = await createHandoffHarness();
    const residentRef = 'web:session-abc';
    await photo(h, residentRef);
    await h.say(h.inbound({ conversationRef: residentRef, from: resident, text: 'gặp cán bộ giúp tôi' }));
    const [topicRef] = [...h.telegram.topics.keys()];
    const texts = h.sentIn(topicRef!).map((m) => m.text);
    expect(texts[0]).toContain('(Web)');
    expect(texts[1]).toContain('📎 HS-0001 · Phạm Văn Dân gửi một ảnh\nBot không chuyển được tệp này');
    expect(h.telegram.copies).toHaveLength(0);
  });
});
