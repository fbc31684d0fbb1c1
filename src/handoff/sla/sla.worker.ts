/**
 * The first-reply SLA: a ticket's first staff reply is due `slaMinutes` WORKING minutes after it
 * opened (stored as sla_due_at when the ticket opens). At half of that working time the group is
 * reminded (mentioning who is on duty); at the due time the unit lead is mentioned. Lunch breaks,
 * nights, weekends and holidays do not count, because the unit's working calendar measures them.
 *
 * Each step happens once even with several workers: markSlaStep is a conditional update, and the
 * worker that wins it is the one that posts. A claim does not stop the clock; a reply does.
 */
import type { HandoffContext } from '../handoff.context.js';
import { mentionsOf, slaBreachText, slaReminderText } from '../handoff.texts.js';
import type { Ticket } from '../tickets/tickets.repository.js';

export type SlaWorker = {
  runOnce(): Promise<{ reminded: string[]; escalated: string[] }>;
  start(): void;
  stop(): Promise<void>;
};

/**
 * `handoff.staffSide`: the handoff's own collaborators (createHandoff), so reminders go where the
 * ticket's card went: to the staff groups on configured channels only, through the same staff threads
 * and their per-ticket lock.
 */
export function createSlaWorker({
  handoff,
  intervalMs = 60_000,
}: {
  handoff: { readonly staffSide: Pick<HandoffContext, 'deps' | 'tickets' | 'threads'> };
  intervalMs?: number;
}): SlaWorker {
  const ctx = handoff.staffSide;
  const { deps, tickets, threads } = ctx;
  const log = deps.logger.child({ module: 'handoff.sla' });
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | undefined;

  async function check(ticket: Ticket, now: Date, result: { reminded: string[]; escalated: string[] }) {
    if (!ticket.slaDueAt) return;
    const { unit } = await ctx.deps.units.getUnit({ unitId: ticket.unitId });
    const { calendar } = await ctx.deps.units.getCalendar({ unitId: ticket.unitId });
    if (now >= ticket.slaDueAt) {
      const { marked } = await tickets.markSlaStep({ ticketId: ticket.id, step: 'escalated', at: now });
      if (!marked) return;
      await tickets.markSlaStep({ ticketId: ticket.id, step: 'reminded', at: now });
      const { staff } = await ctx.deps.units.listStaff({ unitId: unit.id });
      const lead = staff.find((s) => s.id === unit.lead);
      await threads.sendToStaff({ ticket, unit, text: slaBreachText({ code: ticket.code, lead }), role: 'notice', mentions: mentionsOf([lead]) });
      await tickets.recordEvent({ ticketId: ticket.id, type: 'sla_escalation', actor: { kind: 'system' }, at: now, isInternal: true });
      result.escalated.push(ticket.code);
      return;
    }
    if (ticket.slaRemindedAt) return;
    const total = calendar.workingMinutesBetween({ from: ticket.openedAt, to: ticket.slaDueAt });
    const elapsed = calendar.workingMinutesBetween({ from: ticket.openedAt, to: now });
    if (elapsed < total / 2) return;
    const { marked } = await tickets.markSlaStep({ ticketId: ticket.id, step: 'reminded', at: now });
    if (!marked) return;
    const { staff: onDuty } = await ctx.deps.units.listOnDuty({ unitId: unit.id, at: now });
    await threads.sendToStaff({
      ticket,
      unit,
      text: slaReminderText({ code: ticket.code, minutesLeft: total - elapsed, onDuty }),
      role: 'notice',
      mentions: mentionsOf(onDuty),
    });
    await tickets.recordEvent({ ticketId: ticket.id, type: 'sla_reminder', actor: { kind: 'system' }, at: now, isInternal: true });
    result.reminded.push(ticket.code);
  }

  async function runOnce() {
    const now = deps.clock.now();
    const result = { reminded: [] as string[], escalated: [] as string[] };
    const { tickets: candidates } = await tickets.listSlaCandidates();
    for (const ticket of candidates) {
      try {
        await check(ticket, now, result);
      } catch (error) {
        log.error({ err: error, ticket: ticket.code }, 'SLA check failed for one ticket; continuing with the others');
      }
    }
    return result;
  }

  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (round) return; // the previous round is still running
        round = runOnce()
          .catch((error: unknown) => log.error({ err: error }, 'SLA round failed'))
          .finally(() => (round = undefined));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await round;
    },
  };
}
