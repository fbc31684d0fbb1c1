/** What a staff message resolves to before an action runs (shared by staff.usecases.ts and staff.actions.ts). */
import type { InboundMessage } from '../../bot/core/message.types.js';
import type { HandoffStaffGroup, HandoffStaffMember, HandoffUnit } from '../handoff.deps.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import type { StaffCommand } from './staff-commands.models.js';

/** The unit and group of a staff conversation; `threadTicketId` when it is a ticket's own topic. */
export type StaffScope = { unit: HandoffUnit; group: HandoffStaffGroup; groupRef: string; threadTicketId?: number };

export type StaffReply = (text: string, ticketId?: number) => Promise<void>;

export type StaffActionArgs = {
  message: InboundMessage;
  scope: StaffScope;
  staff: HandoffStaffMember;
  command: StaffCommand;
  ticket: Ticket | undefined;
  reply: StaffReply;
};
