/**
 * The HandoffPort used while no handoff module is wired (no staff groups): nothing is a staff
 * conversation, nothing is intercepted, and a request for a person gets an honest answer
 * instead of a promise nobody will keep.
 */
import type { BotTexts } from './bot.texts.js';
import type { HandoffPort } from './handoff.port.js';
import type { OutboxPort } from './outbox.port.js';

export function createNoHandoff({ outbox, texts }: { outbox: Pick<OutboxPort, 'enqueue'>; texts: BotTexts }): HandoffPort {
  return {
    isStaffConversation: async () => false,
    handleStaffMessage: async () => {},
    interceptResidentMessage: async () => ({ handled: false }),
    async openTicket({ message }) {
      await outbox.enqueue({ message: { conversationRef: message.conversationRef, text: texts.noStaff }, chatType: message.chatType });
    },
  };
}
