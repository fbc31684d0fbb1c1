/**
 * What the pipeline asks of the handoff module (src/handoff implements it). Kept here so the
 * pipeline depends on a shape, not on the handoff implementation.
 */
import type { FaqDecision } from '../../faq/faq.types.js';
import type { InboundMessage } from './message.types.js';

export type HandoffPort = {
  /** True when the message comes from a configured staff group: the pipeline gives it to handleStaffMessage and stops. */
  isStaffConversation(args: { conversationRef: string }): Promise<boolean>;
  handleStaffMessage(args: { message: InboundMessage }): Promise<void>;
  /**
   * Offered every resident message first. Returns handled=true when the handoff module took it
   * (appended to an open ticket and forwarded to staff, a rating digit after close, a unit choice…).
   */
  interceptResidentMessage(args: { message: InboundMessage; conversationId: number }): Promise<{ handled: boolean }>;
  /** Opens (or reuses) the resident's ticket and sends the receipt. `decision` carries the bot's best guesses. */
  openTicket(args: { message: InboundMessage; conversationId: number; decision: FaqDecision | null }): Promise<void>;
};
