/** The collaborators every handoff use case receives, built once in createHandoff. */
import type { ConversationsRepository } from '../db/conversations.repository.js';
import type { OutboundMessage } from '../bot/core/message.types.js';
import type { HandoffDeps, HandoffOutboxMeta, HandoffUnit } from './handoff.deps.js';
import type { StaffThreads } from './staff/staff.threads.js';
import type { TicketLinksRepository } from './tickets/ticket-links.repository.js';
import type { TicketsRepository } from './tickets/tickets.repository.js';

export type HandoffContext = {
  deps: HandoffDeps;
  tickets: TicketsRepository;
  links: TicketLinksRepository;
  threads: StaffThreads;
  /** For the card's context lines (the resident's previous messages); optional. */
  conversations?: Pick<ConversationsRepository, 'listMessages'> & Partial<Pick<ConversationsRepository, 'findConversationByRef' | 'findInboundByExternalId'>>;
  log: HandoffDeps['logger'];
};

export async function getUnit(ctx: HandoffContext, unitId: string): Promise<HandoffUnit> {
  return (await ctx.deps.units.getUnit({ unitId })).unit;
}

/** Sends to a resident (or any single conversation) through the outbox with handoff meta. */
export async function sendTo(
  ctx: HandoffContext,
  args: { message: OutboundMessage; meta: Omit<HandoffOutboxMeta, 'handoff'>; chatType?: 'private' | 'group' },
) {
  await ctx.deps.outbox.enqueue({ message: args.message, meta: { handoff: true, ...args.meta }, chatType: args.chatType });
}
