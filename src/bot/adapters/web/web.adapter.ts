/**
 * The web chat as a channel. Inbound arrives through src/web/chat.routes.ts (POST), which calls
 * `receive`; outbound "sending" only has to make the reply visible: the transcript in the
 * database is the delivery, and the page long-polls it. `notify` (wired to the outbox's onSent,
 * after the reply is recorded) wakes the page's pending poll.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, ChannelCapabilities, ChannelStatus, InboundHandler } from '../../core/channel.port.js';
import type { InboundMessage } from '../../core/message.types.js';

export const webCapabilities: ChannelCapabilities = {
  maxTextLength: 4_000,
  buttons: true,
  quoting: false,
  mentions: false,
  typing: false,
  minSendIntervalMs: 0,
};

export class WebChannelStoppedError extends Error {
  readonly code = 'web.channel_stopped';
  constructor() {
    super('The web chat channel is not running (start() was not called or stop() was): messages cannot be received.');
    this.name = 'WebChannelStoppedError';
  }
}

export type WebAdapter = ChannelAdapter & {
  receive(message: InboundMessage): Promise<void>;
  /** Something new is in this conversation's transcript. */
  notify(args: { conversationRef: string }): void;
  /** Resolves on the next notify for the conversation, or after `timeoutMs`, or when `signal` aborts. */
  waitForActivity(args: { conversationRef: string; timeoutMs: number; signal?: AbortSignal }): Promise<void>;
};

export function createWebAdapter(): WebAdapter {
  let handler: InboundHandler | undefined;
  let status: ChannelStatus = { state: 'stopped', since: new Date() };
  const waiters = new Map<string, Set<() => void>>();

  function notify({ conversationRef }: { conversationRef: string }) {
    const set = waiters.get(conversationRef);
    if (!set) return;
    waiters.delete(conversationRef);
    for (const wake of set) wake();
  }

  return {
    channel: 'web',
    capabilities: webCapabilities,
    async start({ onMessage }) {
      handler = onMessage;
      status = { state: 'running', since: new Date() };
    },
    async stop() {
      handler = undefined;
      status = { state: 'stopped', since: new Date() };
      for (const conversationRef of [...waiters.keys()]) notify({ conversationRef });
    },
    status: () => status,
    async send() {
      return { externalMessageId: `web-${randomUUID()}` };
    },
    async receive(message) {
      if (!handler) throw new WebChannelStoppedError();
      await handler(message);
    },
    notify,
    waitForActivity({ conversationRef, timeoutMs, signal }) {
      return new Promise<void>((resolve) => {
        const set = waiters.get(conversationRef) ?? new Set<() => void>();
        waiters.set(conversationRef, set);
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          set.delete(done);
          if (set.size === 0 && waiters.get(conversationRef) === set) waiters.delete(conversationRef);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal?.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
  };
}
