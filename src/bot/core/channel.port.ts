/**
 * What every channel adapter offers the core. Platform differences are data in `capabilities`,
 * never `if (channel === …)` in the core.
 */
import type { ChannelName, InboundMessage, MessageKind, OutboundButton, OutboundMention, OutboundMessage } from './message.types.js';

export type ChannelCapabilities = {
  /** Longest text one send may carry (Telegram 4096, Zalo 2000). Longer replies are split by the core. */
  maxTextLength: number;
  /** Inline buttons under a message. */
  buttons: boolean;
  /** Replying to / quoting a specific message. */
  quoting: boolean;
  /** @mentioning a user by id in a group. */
  mentions: boolean;
  /** A "typing…" indicator. */
  typing: boolean;
  /** Minimum gap between two sends to the same chat, in ms (platform pacing). */
  minSendIntervalMs: number;
  /** Minimum gap between two sends to the same *group* chat (Telegram ≈20/min → 3000); defaults to minSendIntervalMs. */
  groupMinSendIntervalMs?: number;
  /**
   * Per-conversation threads in a group (Telegram forum topics): createThread/reopenThread/closeThread
   * are implemented. Absent means false.
   */
  threads?: boolean;
  /**
   * copyMessage also takes another channel's media and uploads it again: from its attachment.ref when
   * that is an http(s) link (a Zalo photo's CDN link), or from the media store (web chat uploads, see
   * media.port.ts). Media it cannot reach is refused as bad_request. Absent means false.
   */
  copiesAcrossChannels?: boolean;
  /**
   * The bot may write first to a group member's private chat (without the member having written to
   * it). Absent means false: the member is asked to open a private chat with the bot themselves.
   */
  writesFirst?: boolean;
};

/** disabled: not configured; needs_qr: Zalo credentials missing/expired; kicked: another session took over. */
export type ChannelState = 'disabled' | 'starting' | 'running' | 'reconnecting' | 'needs_qr' | 'kicked' | 'error' | 'stopped';

export type ChannelStatus = { state: ChannelState; detail?: string; since: Date };

export type InboundHandler = (message: InboundMessage) => Promise<void>;

export type ChannelAdapter = {
  readonly channel: ChannelName;
  readonly capabilities: ChannelCapabilities;
  /** Begins receiving; every mapped message is passed to `onMessage` (which never throws). */
  start(args: { onMessage: InboundHandler }): Promise<void>;
  /** Stops receiving; in-flight sends may finish. */
  stop(): Promise<void>;
  /**
   * Sends one message that already fits `maxTextLength`.
   * Throws ChannelApiError (platform refused) or ChannelNetworkError (could not reach it).
   */
  send(message: OutboundMessage): Promise<{ externalMessageId: string }>;
  status(): ChannelStatus;

  // Optional: only some channels have these. Callers check for the method (or `capabilities.threads`).
  // They throw the same ChannelApiError/ChannelNetworkError as send; see isThreadGoneError in channel.errors.ts.

  /** Shows "typing…" for a few seconds. Best effort: callers may ignore failures. */
  sendTyping?(args: { conversationRef: string }): Promise<void>;
  /**
   * Opens a new thread (forum topic) in a group; returns the thread's own conversation ref, which
   * must extend the group's ref after a ':' ("telegram:-100…:topic:7"): the handoff tells staff
   * threads from resident chats by that prefix, without a database lookup.
   */
  createThread?(args: { conversationRef: string; title: string }): Promise<{ conversationRef: string }>;
  /** Reopens a closed thread. Reopening an open thread succeeds. */
  reopenThread?(args: { conversationRef: string }): Promise<void>;
  /** Closes a thread (staff can still read it). Closing a closed thread succeeds. */
  closeThread?(args: { conversationRef: string }): Promise<void>;
  /**
   * Replaces the text and buttons of a message the bot sent (a ticket card once it is claimed or
   * closed): `buttons: []` removes them. Editing to the same content succeeds.
   */
  editMessage?(args: { conversationRef: string; externalMessageId: string; text: string; buttons: OutboundButton[]; mentions?: OutboundMention[] }): Promise<void>;
  /** The private chat ref of a user seen in a group (Telegram: their user id is the chat id). */
  privateRefOf?(args: { userId: string }): string;
  /** Pins a message the bot sent in a group (quietly). Throws like send; callers log a refusal (no admin right). */
  pinMessage?(args: { conversationRef: string; externalMessageId: string }): Promise<void>;
  /**
   * Answers a button tap privately (a pop-up only the person who tapped sees). `externalMessageId` is
   * the tap's id as the mapper gave it; a tap not answered this way is answered silently by the adapter.
   */
  answerAction?(args: { externalMessageId: string; text: string }): Promise<void>;
  /**
   * Copies a message (photo, voice, file, location…) received in one conversation into another of the
   * same channel, without a "forwarded from" header (e.g. a resident's photo into the staff topic);
   * with `capabilities.copiesAcrossChannels`, also another channel's media (by link or from the media store).
   * `kind` and `attachment` (as the mapper gave them) let an adapter re-upload when it cannot reach
   * the original any more (Zalo keeps originals in memory only). Called by the outbox worker for rows
   * of kind 'copy'; throws like send.
   */
  copyMessage?(args: {
    from: { conversationRef: string; externalMessageId: string };
    to: string;
    kind?: MessageKind;
    attachment?: InboundMessage['attachment'];
  }): Promise<{ externalMessageId: string }>;
};
