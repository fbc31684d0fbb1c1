/**
 * What the pipeline (and handoff) need from the outbox: durable enqueueing and the channel's
 * capabilities. Replies never go straight to an SDK; src/bot/outbox implements this.
 */
import type { ChannelCapabilities } from './channel.port.js';
import type { ChannelName, OutboundCopy, OutboundMessage } from './message.types.js';
import type { UnitWrite } from '../../db/unit-write.js';

export type EnqueueOptions = {
  /** Handed back unchanged with the row in onSent/onFailed and findSentByExternalId (e.g. { ticketId, role }). */
  meta?: Record<string, unknown>;
  /** Group chats are paced by `groupMinSendIntervalMs`; default 'private'. */
  chatType?: 'private' | 'group';
};

/**
 * One stored inbound message handled as a unit: every enqueue made inside `run` (by the pipeline, the
 * handoff module, anything they call) is held and written by `commit`, with the message's handled
 * mark, in one statement. So a crash leaves the message either handled with all its replies queued,
 * or unhandled with none of them (and it is handled again at the next start). Enqueues are held
 * until `commit` and return no ids then. After `abandon` (the handler timed out) the held rows are
 * dropped and later enqueues of that call chain are written at once, as outside a unit.
 */
export type InboundUnit = {
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * `handled: false`: the rows are written but the message stays unhandled (held by the throttle).
   * `writes`: other state the handling changed (the resident flow, the flood throttle's arrivals, the
   * throttle's hold on the message), committed in the same statement, so it changes only together
   * with the replies it led to.
   */
  commit(args?: { handled?: boolean; writes?: readonly UnitWrite[] }): Promise<void>;
  abandon(): void;
};

export type OutboxPort = {
  /** Stores the message (split to the channel's maxTextLength) for sending; returns the row ids in send order. */
  enqueue(args: { message: OutboundMessage } & EnqueueOptions): Promise<{ ids: number[] }>;
  /** Several messages to one or more conversations in one insert; each conversation's keep their order. */
  enqueueAll(args: { messages: OutboundMessage[] } & EnqueueOptions): Promise<{ ids: number[] }>;
  /**
   * Stores a media copy (a row of kind 'copy') in the conversation's queue: it leaves after the rows
   * enqueued before it, is retried like text, and a permanent failure reaches onFailed like text.
   * Throws outbox.copy_unsupported when the target channel's adapter cannot copy (send text instead).
   */
  enqueueCopy(args: { copy: OutboundCopy } & EnqueueOptions): Promise<{ ids: number[] }>;
  /** True when the channel's adapter can copy messages (enqueueCopy accepts it). */
  canCopy(args: { channel: ChannelName }): boolean;
  /** See InboundUnit. `messageId` is the stored inbound message (messages.id); `alsoHandled`: others it answers too. */
  openInboundUnit(args: { messageId: number; alsoHandled?: number[] }): InboundUnit;
  /** The bot's sent reply to a message of a group (rows carry `meta.answerTo`): a repeated question quotes it. */
  findSentAnswer?(args: { conversationRef: string; answerTo: string }): Promise<{ externalMessageId: string } | undefined>;
  /** Throws outbox.unknown_channel when no adapter for the channel is configured. */
  capabilitiesOf(args: { channel: ChannelName }): ChannelCapabilities;
};
