/** A HandoffPort that records what the pipeline asked of it; tests decide which chats are staff groups or have a ticket open. */
import type { HandoffPort } from '../../src/bot/core/handoff.port.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import type { TicketRequest } from '../../src/bot/core/resident-handoff.flow.js';

export type FakeHandoff = HandoffPort & {
  staffGroups: Set<string>;
  openTickets: Set<string>;
  staffMessages: InboundMessage[];
  intercepted: InboundMessage[];
  ticketsOpened: Array<{ message: InboundMessage; request: TicketRequest }>;
  /** Runs inside interceptResidentMessage (to slow it down or observe concurrency). */
  onIntercept?: (message: InboundMessage) => Promise<void>;
};

export function createFakeHandoff(): FakeHandoff {
  const fake: FakeHandoff = {
    staffGroups: new Set(),
    openTickets: new Set(),
    staffMessages: [],
    intercepted: [],
    ticketsOpened: [],
    async isStaffConversation({ conversationRef }) {
      return fake.staffGroups.has(conversationRef);
    },
    async handleStaffMessage({ message }) {
      fake.staffMessages.push(message);
    },
    async interceptResidentMessage({ message }) {
      await fake.onIntercept?.(message);
      if (!fake.openTickets.has(message.conversationRef)) return { handled: false };
      fake.intercepted.push(message);
      return { handled: true };
    },
    async openTicket({ message, request }) {
      fake.ticketsOpened.push({ message, request });
    },
  };
  return fake;
}
