import { describe, expect, it } from 'vitest';
import { isHandoffError } from '../../../src/handoff/handoff.errors.js';
import {
  applyTicketEvent,
  formatTicketCode,
  isActiveStatus,
  parseTicketCode,
  TICKET_EVENT_TYPES,
  TICKET_STATUSES,
  type TicketEvent,
  type TicketState,
  type TicketStatus,
} from '../../../src/handoff/tickets/tickets.models.js';

const A = 'staff-a';
const B = 'staff-b';

function eventOf(type: (typeof TICKET_EVENT_TYPES)[number], actor = A): TicketEvent {
  switch (type) {
    case 'open':
      return { type };
    case 'mark_undeliverable':
      return { type };
    case 'transfer':
      return { type, staffId: actor, toStaffId: B };
    default:
      return { type, staffId: actor };
  }
}

/** The whole table: from-state (with assignee A where claimed) × event → next state, or 'throws'. */
const expected: Record<string, Record<string, TicketState | 'throws'>> = {
  none: {
    open: { status: 'open', assigneeId: null },
    claim: 'throws',
    reply: 'throws',
    note: 'throws',
    transfer: 'throws',
    close: 'throws',
    mark_undeliverable: 'throws',
    reopen: 'throws',
  },
  open: {
    open: 'throws',
    claim: { status: 'claimed', assigneeId: A },
    reply: { status: 'claimed', assigneeId: A },
    note: { status: 'open', assigneeId: null },
    transfer: { status: 'claimed', assigneeId: B },
    close: { status: 'closed', assigneeId: null },
    mark_undeliverable: { status: 'undeliverable', assigneeId: null },
    reopen: 'throws',
  },
  claimed: {
    open: 'throws',
    claim: { status: 'claimed', assigneeId: A },
    reply: { status: 'claimed', assigneeId: A },
    note: { status: 'claimed', assigneeId: A },
    transfer: { status: 'claimed', assigneeId: B },
    close: { status: 'closed', assigneeId: A },
    mark_undeliverable: { status: 'undeliverable', assigneeId: A },
    reopen: 'throws',
  },
  closed: {
    open: 'throws',
    claim: 'throws',
    reply: 'throws',
    note: { status: 'closed', assigneeId: A },
    transfer: 'throws',
    close: 'throws',
    mark_undeliverable: 'throws',
    reopen: { status: 'claimed', assigneeId: A },
  },
  undeliverable: {
    open: 'throws',
    claim: 'throws',
    reply: 'throws',
    note: { status: 'undeliverable', assigneeId: A },
    transfer: 'throws',
    close: { status: 'closed', assigneeId: A },
    mark_undeliverable: { status: 'undeliverable', assigneeId: A },
    reopen: { status: 'claimed', assigneeId: A },
  },
};

function fromState(name: string): TicketState | null {
  if (name === 'none') return null;
  const status = name as TicketStatus;
  return { status, assigneeId: status === 'open' ? null : A };
}

describe('ticket state machine', () => {
  it('the table covers every state and every event', () => {
    expect(Object.keys(expected).sort()).toEqual(['none', ...TICKET_STATUSES].sort());
    for (const row of Object.values(expected)) expect(Object.keys(row).sort()).toEqual([...TICKET_EVENT_TYPES].sort());
  });

  for (const [from, row] of Object.entries(expected)) {
    for (const [type, outcome] of Object.entries(row)) {
      const event = eventOf(type as TicketEvent['type']);
      if (outcome === 'throws') {
        it(`${from} + ${type} is refused with handoff.invalid_transition`, () => {
          let caught: unknown;
          try {
            applyTicketEvent({ state: fromState(from), event });
          } catch (error) {
            caught = error;
          }
          expect(isHandoffError(caught, 'handoff.invalid_transition')).toBe(true);
          expect((caught as Error).message).toContain(type);
        });
      } else {
        it(`${from} + ${type} → ${outcome.status}${outcome.assigneeId ? ` (${outcome.assigneeId})` : ''}`, () => {
          const before = fromState(from);
          const { state, changed } = applyTicketEvent({ state: before, event });
          expect(state).toEqual(outcome);
          expect(changed).toBe(before === null || before.status !== state.status || before.assigneeId !== state.assigneeId);
        });
      }
    }
  }

  it('claiming a ticket somebody else holds is refused', () => {
    expect(() => applyTicketEvent({ state: { status: 'claimed', assigneeId: B }, event: { type: 'claim', staffId: A } })).toThrow(/claim/);
  });

  it('a reply by another staff member keeps the assignee', () => {
    const { state, changed } = applyTicketEvent({ state: { status: 'claimed', assigneeId: B }, event: { type: 'reply', staffId: A } });
    expect(state).toEqual({ status: 'claimed', assigneeId: B });
    expect(changed).toBe(false);
  });

  it('reopening a ticket nobody claimed goes back to open', () => {
    expect(applyTicketEvent({ state: { status: 'undeliverable', assigneeId: null }, event: { type: 'reopen', staffId: null } }).state).toEqual({
      status: 'open',
      assigneeId: null,
    });
  });

  it('transfer to the current assignee changes nothing', () => {
    expect(applyTicketEvent({ state: { status: 'claimed', assigneeId: B }, event: { type: 'transfer', staffId: A, toStaffId: B } }).changed).toBe(false);
  });

  it('active statuses are the ones that block a second ticket', () => {
    expect(TICKET_STATUSES.filter(isActiveStatus)).toEqual(['open', 'claimed', 'undeliverable']);
  });
});

describe('ticket codes', () => {
  it('pads to four digits and grows beyond', () => {
    expect(formatTicketCode({ seq: 42 }).code).toBe('HS-0042');
    expect(formatTicketCode({ seq: 12345 }).code).toBe('HS-12345');
  });

  it.each([
    ['HS-0042', 'HS-0042'],
    ['hs-42', 'HS-0042'],
    ['hs42', 'HS-0042'],
    ['#HS-0042', 'HS-0042'],
    [' HS-12345 ', 'HS-12345'],
    ['HS-', undefined],
    ['XS-0042', undefined],
    ['HS-00a2', undefined],
  ])('parses %j as %j', (text, code) => {
    expect(parseTicketCode({ text }).code).toBe(code);
  });
});
