/**
 * What every channel adapter offers the core. Platform differences are data in `capabilities`,
 * never `if (channel === …)` in the core.
 */
import type { ChannelName, InboundMessage, OutboundMessage } from './message.types.js';

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
};
