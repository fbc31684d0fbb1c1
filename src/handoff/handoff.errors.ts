/**
 * Handoff's own failures, named by who failed, with stable codes the use cases turn into staff-facing
 * Vietnamese replies. Infrastructure failures (database, channels) are not wrapped here.
 */

export type HandoffErrorCode =
  | 'handoff.invalid_transition'
  | 'handoff.ticket_not_found'
  | 'handoff.concurrent_update'
  | 'handoff.no_staff_group';

export class HandoffError extends Error {
  constructor(
    readonly code: HandoffErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HandoffError';
  }
}

export function isHandoffError(error: unknown, code?: HandoffErrorCode): error is HandoffError {
  return error instanceof HandoffError && (code === undefined || error.code === code);
}

/** The event is not allowed in the ticket's current state (e.g. replying to a closed ticket). */
export function createHandoffInvalidTransitionError({ from, event }: { from: string | null; event: string }) {
  return new HandoffError(
    'handoff.invalid_transition',
    `A ticket in state "${from ?? 'none'}" cannot take the event "${event}". ` +
      'Reopen the ticket first, or check its state with /ds.',
    { from, event },
  );
}

export function createHandoffTicketNotFoundError({ ticket }: { ticket: string | number }) {
  return new HandoffError('handoff.ticket_not_found', `Ticket ${ticket} does not exist.`, { ticket });
}

/** Someone else changed the ticket between our read and our write (optimistic concurrency). */
export function createHandoffConcurrentUpdateError({ ticketId }: { ticketId: number }) {
  return new HandoffError(
    'handoff.concurrent_update',
    `Ticket ${ticketId} was changed by someone else at the same moment; read it again and retry.`,
    { ticketId },
  );
}

export function createHandoffNoStaffGroupError({ unitId }: { unitId: string }) {
  return new HandoffError(
    'handoff.no_staff_group',
    `Unit "${unitId}" has no staff group: add one under staffGroups in data/units.yaml ` +
      '(send /id in the group to learn its id) and restart.',
    { unitId },
  );
}
