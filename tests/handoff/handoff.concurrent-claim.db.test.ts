/**
 * Two staff members tap "Nhận" on the same ticket at the same moment, each handled by a different bot
 * process (its own database connection, pipeline and handoff). The database decides: exactly one
 * wins, the other is told who has it. On PGlite both "processes" share the one connection; with
 * TEST_DATABASE_URL (CI) they are two real Postgres connections racing.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/bot/core/channel.port.js';
import type { ChannelName } from '../../src/bot/core/message.types.js';
import { createDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { assemblePipeline, type PipelineAssembly } from '../../src/pipeline.assembly.js';
import { createFakeFaqEngine } from '../helpers/fake-faq-engine.js';
import { createHandoffHarness, STAFF, TG_PLAIN_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';
import { backendName } from '../helpers/test-db.js';

let h: HandoffHarness | undefined;
let second: DatabaseHandle | undefined;
let assembly2: PipelineAssembly | undefined;
afterEach(async () => {
  await assembly2?.unitsListener.stop();
  assembly2 = undefined;
  await second?.close();
  await h?.close();
  h = second = undefined;
});

describe(`concurrent claims across two bot processes (${backendName})`, { timeout: 120_000 }, () => {
  it('exactly one of two simultaneous "Nhận" taps wins; the other is told privately who has the ticket', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: TG_PLAIN_STAFF, forum: false }] });
    const harness = h;
    // The second process: its own connection (on Postgres) and its own production wiring.
    second = h.database.url ? await createDatabase({ url: h.database.url }) : undefined;
    const adapters = new Map<ChannelName, ChannelAdapter>([
      ['telegram', h.telegram],
      ['zalo', h.zalo],
      ['web', h.web],
    ]);
    const logger = pino({ level: 'silent' });
    assembly2 = await assemblePipeline({ database: second ?? h.database, adapters, faq: createFakeFaqEngine(), logger, clock: h.clock, retentionDays: 365 });
    const pipeline2 = assembly2.pipeline;

    const minh = { id: STAFF.minh.telegram, name: STAFF.minh.name };
    const hoa = { id: STAFF.hoa.telegram, name: STAFF.hoa.name };
    const wins: Record<string, number> = { [STAFF.minh.name]: 0, [STAFF.hoa.name]: 0 };
    const ROUNDS = 6;
    for (let i = 1; i <= ROUNDS; i++) {
      const resident = { id: `${7000 + i}`, name: `Cư dân ${i}` };
      await harness.say(harness.inbound({ conversationRef: `telegram:${7000 + i}`, from: resident, text: 'Cho tôi gặp cán bộ' }));
      const { ticket } = await harness.handoff.tickets.findTicketByCode({ code: `HS-${String(i).padStart(4, '0')}` });
      const before = harness.sentIn(TG_PLAIN_STAFF).length;
      const popupsBefore = harness.telegram.popups.length;
      // Alternate who is first in line, so neither process always starts ahead.
      const taps = [
        () => harness.pipeline.handle(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: i % 2 ? minh : hoa, action: `t:claim:${ticket!.id}` })),
        () => pipeline2.handle(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: i % 2 ? hoa : minh, action: `t:claim:${ticket!.id}` })),
      ];
      await Promise.all(taps.map((tap) => tap()));
      await harness.flush();

      const { ticket: after } = await harness.handoff.tickets.getTicketById({ ticketId: ticket!.id });
      expect(after.status).toBe('claimed');
      const winner = after.assigneeStaffId === STAFF.minh.id ? STAFF.minh.name : STAFF.hoa.name;
      wins[winner] = (wins[winner] ?? 0) + 1;
      // Both taps get a private pop-up (the winner's confirms, the other names the winner); the group
      // sees nothing new, only the card edited to say who has it.
      const code = ticket!.code;
      expect(harness.sentIn(TG_PLAIN_STAFF).slice(before)).toHaveLength(0);
      const popups = harness.telegram.popups.slice(popupsBefore).map((p) => p.text);
      expect(popups.filter((t) => t === `✋ ${winner} đã nhận phiếu ${code}.`)).toHaveLength(1);
      expect(popups.filter((t) => t.startsWith(`Phiếu ${code} đã có ${winner} nhận.`))).toHaveLength(1);
      expect(popups).toHaveLength(2);
      const card = harness.sentIn(TG_PLAIN_STAFF).find((m) => m.text.includes(`Phiếu ${code} ·`))!;
      expect(card.text).toContain(`Trạng thái: ${winner} đang xử lý`);
      const { events } = await harness.handoff.tickets.listEvents({ ticketId: ticket!.id });
      expect(events.filter((e) => e.type === 'claim')).toHaveLength(1);
    }
    expect(Object.values(wins).reduce((a, b) => a + b, 0)).toBe(ROUNDS);
    console.info(`claims won: ${JSON.stringify(wins)} (${backendName})`);
  });
});
