/**
 * What the pipeline asks of the handoff module (src/handoff implements it). Kept here so the
 * pipeline depends on a shape, not on the handoff implementation.
 */
import type { InboundMessage, OutboundButton } from './message.types.js';
import type { TicketRequest } from './resident-handoff.flow.js';

export type HandoffPort = {
  /** True when the message comes from a configured staff group: the pipeline gives it to handleStaffMessage and stops. */
  isStaffConversation(args: { conversationRef: string }): Promise<boolean>;
  handleStaffMessage(args: { message: InboundMessage }): Promise<void>;
  /**
   * Offered every message of a group that is not a staff group: `/id` (typed, or after mentioning the
   * bot) is answered with the group's ref and the sender's id in ANY group, so a centre can register
   * a new staff group while the bot runs. handled=true means the pipeline stops there.
   */
  answerIdRequest?(args: { message: InboundMessage }): Promise<{ handled: boolean }>;
  /**
   * Offered every resident message first. Returns handled=true when the handoff module took it
   * (appended to an open ticket and forwarded to staff, a rating digit after close, a unit choice…).
   */
  interceptResidentMessage(args: {
    message: InboundMessage;
    conversationId: number;
    /** False when the caller knows the conversation has no active ticket (saves a lookup); undefined: look it up. */
    activeTicket?: boolean;
    /** The stored inbound message: the ticket it opened itself (before a crash) does not take it. */
    messageId?: number;
  }): Promise<{ handled: boolean }>;
  /**
   * The resident's centre opens a ticket as soon as the bot cannot answer (instead of offering "Gặp cán bộ").
   * `unitId`: the resident's centre when the caller already knows it (saves a lookup).
   */
  opensTicketDirectly?(args: { conversationId: number; unitId?: string }): Promise<boolean>;
  /**
   * Opens (or reuses) the resident's ticket and sends the receipt. `request` is the question and the
   * engine's findings of the message that caused it (resident-handoff.flow.ts); `message` is the one
   * that opened it (the button tap, "vâng", or the question itself). `messageId`: the stored inbound
   * message (messages.id); handled again after a crash, it resumes the ticket it opened.
   */
  openTicket(args: {
    message: InboundMessage;
    conversationId: number;
    request: TicketRequest;
    messageId?: number;
    /** Asked in a residents' group (message.conversationRef is the requester's ref, requester.ts). */
    group?: { personal: boolean; staffInGroup: boolean };
  }): Promise<void>;
  /**
   * A message in a residents' group: from a registered officer of the group's unit (`unitId`; absent:
   * the default unit)? A reply of theirs to a resident's message answers that resident's ticket.
   */
  handleOfficerInGroup?(args: { message: InboundMessage; unitId?: string }): Promise<{ officer: false } | { officer: true; answered?: { externalMessageId: string; ticketCode?: string } }>;
  /** `/rieng` in a group (message.conversationRef is the requester's ref): answers go to the member's private chat. */
  choosePrivateAnswers?(args: { message: InboundMessage; conversationId: number }): Promise<void>;
  /** A private chat's first message: staff answers of that person's personal cases asked in groups, held until now. */
  deliverHeldReplies?(args: { message: InboundMessage }): Promise<{ delivered: number }>;
};

/** The resident's privacy (src/privacy/privacy.usecases.ts implements it). */
export type PrivacyPort = {
  /** The notice the first time a conversation is seen (and records that it was shown); `{}` after. */
  /** `channel`: the notice names only what that channel gives the bot (the web chat: no name, no account). */
  firstContactNotice(args: { conversationId: number; channel?: string }): Promise<{ notice?: string }>;
  noticeText(args?: { channel?: string }): string;
  /** A residents' group's one notice (`howTo` plus the data line), the first time the group is seen; `{}` after. */
  groupNotice?(args: { conversationId: number; howTo: string }): Promise<{ notice?: string }>;
  /** "Delete my data" and its confirmation; handled=true means reply with `reply` and stop. */
  handleMessage(args: {
    conversationId: number;
    message: Pick<InboundMessage, 'text' | 'action'>;
    /** False when the caller knows no request awaits confirmation (saves a lookup); undefined: look it up. */
    deleteRequestPending?: boolean;
    /** The channel shows buttons (capabilities.buttons); default true. */
    buttons?: boolean;
  }): Promise<{ handled: false } | { handled: true; reply: { text: string; buttons?: OutboundButton[] } }>;
};

/** Which centre a resident belongs to (src/units/unit-choice.usecases.ts implements it). */
export type UnitChoicePort = {
  ensureUnit(args: {
    conversationId: number;
    message: Pick<InboundMessage, 'text' | 'action'>;
    /** What the caller already read about the conversation (saves lookups); undefined: look it up. */
    known?: { unitId: string | null; unitChoicePending: boolean };
    /** The unit a residents' group belongs to (its policy): the member is that unit's, never asked. */
    groupUnitId?: string;
  }): Promise<{ unitId: string; notice?: string; resumeText?: string } | { prompt: { text: string; buttons: OutboundButton[] } }>;
};
