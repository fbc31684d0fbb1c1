/**
 * SLA over real calendars: Asia/Ho_Chi_Minh office hours (7:30–11:30, 13:30–17:00, Mon–Fri) and the
 * 2026 holidays from data/holidays/2026.yaml, loaded through the real units repository.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHandoffHarness, STAFF, TG_PLAIN_STAFF, ZALO_STAFF, type HandoffHarness } from '../../helpers/handoff-harness.js';

const resident = { id: '5001', name: 'Phạm Văn Dân' };
const RESIDENT = 'telegram:5001';
/** A Vietnam local time as a Date. */
const vn = (local: string) => new Date(`${local}+07:00`);

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

async function openAt(local: string) {
  h = await createHandoffHarness({ groups: [{ conversationRef: TG_PLAIN_STAFF, forum: false }], start: vn(local) });
  await h.say(h.inbound({ conversationRef: RESIDENT, from: resident, text: 'gặp cán bộ giúp tôi' }));
}

async function checkAt(local: string) {
  h.clock.set(vn(local));
  const result = await h.sla.runOnce();
  await h.flush();
  return result;
}

describe('SLA worker (first staff reply within 120 working minutes)', { timeout: 90_000 }, () => {
  it('does not count the lunch break: reminder at half time, lead mentioned at breach', async () => {
    await openAt('2026-03-02T10:30:00'); // Monday
    expect(await checkAt('2026-03-02T11:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await checkAt('2026-03-02T11:30:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    const reminder = h.lastIn(TG_PLAIN_STAFF)!;
    expect(reminder.text).toBe('⏰ @Trần Văn Minh: phiếu HS-0001 chưa có trả lời; còn khoảng 60 phút làm việc trước hạn.');
    expect(reminder.mentions).toEqual([{ text: '@Trần Văn Minh', userIds: { telegram: STAFF.minh.telegram, zalo: STAFF.minh.zalo } }]);
    // Reminded once only.
    expect(await checkAt('2026-03-02T11:45:00')).toEqual({ reminded: [], escalated: [] });
    // 13:00 is lunch; wall-clock 150 minutes have passed but only 60 working minutes.
    expect(await checkAt('2026-03-02T13:00:00')).toEqual({ reminded: [], escalated: [] });
    expect(await checkAt('2026-03-02T14:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await checkAt('2026-03-02T14:30:00')).toEqual({ reminded: [], escalated: ['HS-0001'] });
    const breach = h.lastIn(TG_PLAIN_STAFF)!;
    expect(breach.text).toBe('🚨 @Nguyễn Thị Lan (trưởng bộ phận): phiếu HS-0001 đã quá hạn trả lời. Xin phân công cán bộ xử lý ngay.');
    expect(breach.mentions).toEqual([{ text: '@Nguyễn Thị Lan', userIds: { telegram: STAFF.lan.telegram, zalo: STAFF.lan.zalo } }]);
    expect(await checkAt('2026-03-02T16:00:00')).toEqual({ reminded: [], escalated: [] });
  });

  it('does not count the weekend', async () => {
    await openAt('2026-03-06T16:30:00'); // Friday
    expect(await checkAt('2026-03-07T10:00:00')).toEqual({ reminded: [], escalated: [] }); // Saturday
    expect(await checkAt('2026-03-09T07:59:00')).toEqual({ reminded: [], escalated: [] }); // Monday
    expect(await checkAt('2026-03-09T08:00:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    expect(await checkAt('2026-03-09T08:59:00')).toEqual({ reminded: [], escalated: [] });
    expect(await checkAt('2026-03-09T09:00:00')).toEqual({ reminded: [], escalated: ['HS-0001'] });
  });

  it('does not count Tết, and the resident is told honestly when staff are back', async () => {
    await openAt('2026-02-13T16:00:00'); // Friday before the Tết break (Sat 14/2 – Sun 22/2)
    expect(await checkAt('2026-02-13T17:00:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    expect(await checkAt('2026-02-18T10:00:00')).toEqual({ reminded: [], escalated: [] }); // mùng 2 Tết
    expect(await checkAt('2026-02-20T15:00:00')).toEqual({ reminded: [], escalated: [] });
    expect(await checkAt('2026-02-23T08:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await checkAt('2026-02-23T08:30:00')).toEqual({ reminded: [], escalated: ['HS-0001'] });
  });

  it('a ticket opened during Tết gets an honest receipt', async () => {
    await openAt('2026-02-17T10:00:00'); // mùng 1 Tết
    const receipt = h.sentIn(RESIDENT).find((m) => m.text.includes('HS-0001'))!.text;
    expect(receipt).toContain('Bây giờ là ngoài giờ làm việc. Cán bộ sẽ trả lời anh/chị từ 7:30 sáng thứ Hai, 23/2.');
    const { tickets } = await h.handoff.tickets.listTickets({ statuses: ['open'] });
    expect(tickets[0]!.slaDueAt).toEqual(vn('2026-02-23T09:30:00'));
  });

  it('a staff reply stops the clock; a claim alone does not', async () => {
    await openAt('2026-03-02T08:00:00');
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: { id: STAFF.minh.telegram, name: STAFF.minh.name }, text: '/nhan HS-0001' }));
    expect(await checkAt('2026-03-02T09:00:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: { id: STAFF.minh.telegram, name: STAFF.minh.name }, text: '#HS-0001 Chị chờ chút nhé' }));
    expect(await checkAt('2026-03-02T11:00:00')).toEqual({ reminded: [], escalated: [] });
  });

  it('reminds only the staff groups on configured channels, like the card (a Zalo group without Zalo running)', async () => {
    h = await createHandoffHarness({
      groups: [
        { conversationRef: TG_PLAIN_STAFF, forum: false },
        { conversationRef: ZALO_STAFF, forum: false },
      ],
      start: vn('2026-03-02T10:30:00'),
      unconfigured: ['zalo'],
    });
    await h.say(h.inbound({ conversationRef: RESIDENT, from: resident, text: 'gặp cán bộ giúp tôi' }));
    expect(h.sentIn(TG_PLAIN_STAFF).some((m) => m.text.includes('HS-0001'))).toBe(true);
    expect(await checkAt('2026-03-02T11:30:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toMatch(/^⏰ .*phiếu HS-0001 chưa có trả lời/);
    expect(await checkAt('2026-03-02T14:30:00')).toEqual({ reminded: [], escalated: ['HS-0001'] });
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toMatch(/^🚨 .*phiếu HS-0001 đã quá hạn/);
    expect(h.zalo.sent).toEqual([]);
    const { events } = await h.handoff.tickets.listEvents({ ticketId: 1 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['sla_reminder', 'sla_escalation']));
    expect((await h.outbox.pendingCount()).count).toBe(0);
  });
});
