/**
 * The ticket state machine. Pure: no clock, no database. The repository applies the result with an
 * optimistic-concurrency write, so two staff acting at once cannot both succeed.
 *
 *   (none) ──open──> open ──claim/reply/transfer──> claimed ──close──> closed
 *                     │                               │                   │
 *                     └──────mark_undeliverable───────┴─> undeliverable   │
 *   closed | undeliverable ──reopen──> claimed (if it had an assignee) or open
 *
 * Decisions (documented because they are choices, not facts):
 * - A staff reply before anyone claimed auto-claims the ticket for the replier: answering is the
 *   strongest form of "I've got this", and it stops the SLA clock from blaming nobody.
 * - Any registered staff member may reply to or note a claimed ticket; the assignee does not change.
 * - Claiming a ticket you already hold is a no-op; claiming one somebody else holds is refused
 *   (the caller tells the staff member who has it; use transfer to move it).
 * - Notes are allowed in every state, even after close (they are internal and harmless).
 * - `undeliverable` (the resident blocked the bot) still counts as active: it keeps the ticket
 *   the resident's one active ticket, so when they write again it is reopened, not duplicated.
 * - mark_undeliverable on an undeliverable ticket is a no-op (several relays can fail).
 */
import { createHandoffInvalidTransitionError } from '../handoff.errors.js';

export const TICKET_STATUSES = ['open', 'claimed', 'closed', 'undeliverable'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses in which a ticket is the resident's one active ticket (see the partial unique index). */
export const ACTIVE_TICKET_STATUSES = ['open', 'claimed', 'undeliverable'] as const satisfies readonly TicketStatus[];

export const TICKET_EVENT_TYPES = ['open', 'claim', 'reply', 'note', 'transfer', 'close', 'mark_undeliverable', 'reopen'] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

export type TicketEvent =
  | { type: 'open' }
  | { type: 'claim'; staffId: string }
  | { type: 'reply'; staffId: string }
  | { type: 'note'; staffId: string }
  | { type: 'transfer'; staffId: string; toStaffId: string }
  /** staffId null: closed by the system (e.g. an admin tool). */
  | { type: 'close'; staffId: string | null }
  | { type: 'mark_undeliverable' }
  /** staffId null: reopened because the resident wrote again. */
  | { type: 'reopen'; staffId: string | null };

export type TicketState = { status: TicketStatus; assigneeId: string | null };

/**
 * Returns the state after `event`, and whether anything changed.
 * Throws createHandoffInvalidTransitionError when the event is not allowed.
 */
export function applyTicketEvent({ state, event }: { state: TicketState | null; event: TicketEvent }): {
  state: TicketState;
  changed: boolean;
} {
  const invalid = () => createHandoffInvalidTransitionError({ from: state?.status ?? null, event: event.type });
  if (event.type === 'open') {
    if (state !== null) throw invalid();
    return { state: { status: 'open', assigneeId: null }, changed: true };
  }
  if (state === null) throw invalid();
  const same = { state, changed: false };
  const to = (next: TicketState) => ({
    state: next,
    changed: next.status !== state.status || next.assigneeId !== state.assigneeId,
  });

  switch (event.type) {
    case 'claim':
      if (state.status === 'open') return to({ status: 'claimed', assigneeId: event.staffId });
      if (state.status === 'claimed' && state.assigneeId === event.staffId) return same;
      throw invalid();
    case 'reply':
      if (state.status === 'open') return to({ status: 'claimed', assigneeId: event.staffId });
      if (state.status === 'claimed') return same;
      throw invalid();
    case 'note':
      return same;
    case 'transfer':
      if (state.status === 'open' || state.status === 'claimed') return to({ status: 'claimed', assigneeId: event.toStaffId });
      throw invalid();
    case 'close':
      if (state.status === 'closed') throw invalid();
      return to({ status: 'closed', assigneeId: state.assigneeId });
    case 'mark_undeliverable':
      if (state.status === 'open' || state.status === 'claimed') return to({ status: 'undeliverable', assigneeId: state.assigneeId });
      if (state.status === 'undeliverable') return same;
      throw invalid();
    case 'reopen':
      if (state.status === 'closed' || state.status === 'undeliverable') {
        return to({ status: state.assigneeId ? 'claimed' : 'open', assigneeId: state.assigneeId });
      }
      throw invalid();
  }
}

export function isActiveStatus(status: TicketStatus): boolean {
  return (ACTIVE_TICKET_STATUSES as readonly TicketStatus[]).includes(status);
}

/** HS-0042 from sequence number 42; codes grow past four digits (HS-12345) rather than wrap. */
export function formatTicketCode({ seq }: { seq: number }): { code: string } {
  return { code: `HS-${String(seq).padStart(4, '0')}` };
}

/** Accepts "HS-0042", "hs-42", "hs42", "#HS-0042" and returns the canonical code, or undefined. */
export function parseTicketCode({ text }: { text: string }): { code: string | undefined } {
  const match = /^#?hs-?(\d{1,9})$/i.exec(text.trim());
  if (!match?.[1]) return { code: undefined };
  return formatTicketCode({ seq: Number(match[1]) });
}
