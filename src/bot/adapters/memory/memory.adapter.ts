/**
 * An in-process channel: records every send and lets a test inject inbound
 * messages and send failures. Behaves like a real adapter towards the core, including errors.
 */
import type { ChannelAdapter, ChannelCapabilities, ChannelStatus, InboundHandler } from '../../core/channel.port.js';
import type { ChannelName, InboundMessage, OutboundButton, OutboundMessage } from '../../core/message.types.js';

export type SentRecord = OutboundMessage & { externalMessageId: string; sentAt: Date };

export type CopyRecord = Parameters<NonNullable<ChannelAdapter['copyMessage']>>[0] & { externalMessageId: string };

export type MemoryAdapter = ChannelAdapter & {
  readonly sent: SentRecord[];
  /** copyMessage calls that succeeded (only with `canCopy`). */
  readonly copies: CopyRecord[];
  /** editMessage calls (only with `canEdit`); the edited record in `sent` changes too. */
  readonly edits: Array<{ conversationRef: string; externalMessageId: string; text: string; buttons: OutboundButton[] }>;
  /** answerAction calls (only with `canEdit`): pop-ups shown to the person who tapped. */
  readonly popups: Array<{ externalMessageId: string; text: string }>;
  /** Feeds a message to the registered handler as the platform would. Throws when not started. */
  receive(message: InboundMessage): Promise<void>;
  /** The next `times` sends or copies (default 1) throw `error` instead of sending. */
  failNext(args: { error: Error; times?: number }): void;
  /** While set, every send waits for this promise first (to hold a send "in flight"). */
  holdSends(args: { until: Promise<void> } | null): void;
  /** Resolves once at least `count` messages were sent (or rejects after `timeoutMs`). */
  waitForSent(args: { count: number; timeoutMs?: number }): Promise<SentRecord[]>;
  sentTo(args: { conversationRef: string }): SentRecord[];
};

export const defaultMemoryCapabilities: ChannelCapabilities = {
  maxTextLength: 4096,
  buttons: true,
  quoting: true,
  mentions: false,
  typing: false,
  minSendIntervalMs: 0,
};

export function createMemoryAdapter({
  channel = 'memory',
  capabilities = {},
  canCopy = false,
  canEdit = false,
}: {
  channel?: ChannelName;
  capabilities?: Partial<ChannelCapabilities>;
  /** Offer copyMessage (records into `copies`), like Telegram and Zalo; off by default, like the web chat. */
  canCopy?: boolean;
  /** Offer editMessage and answerAction, like Telegram. */
  canEdit?: boolean;
} = {}): MemoryAdapter {
  const sent: SentRecord[] = [];
  const copies: CopyRecord[] = [];
  const edits: MemoryAdapter['edits'] = [];
  const popups: MemoryAdapter['popups'] = [];
  const failures: Error[] = [];
  let hold: Promise<void> | null = null;
  let handler: InboundHandler | undefined;
  let status: ChannelStatus = { state: 'stopped', since: new Date() };
  let counter = 0;
  const waiters = new Set<() => void>();

  const adapter: MemoryAdapter = {
    channel,
    capabilities: { ...defaultMemoryCapabilities, ...capabilities },
    sent,
    copies,
    edits,
    popups,
    async start({ onMessage }) {
      handler = onMessage;
      status = { state: 'running', since: new Date() };
    },
    async stop() {
      handler = undefined;
      status = { state: 'stopped', since: new Date() };
    },
    status: () => status,
    async send(message) {
      if (hold) await hold;
      const failure = failures.shift();
      if (failure) throw failure;
      counter += 1;
      const record: SentRecord = { ...structuredClone(message), externalMessageId: `${channel}-out-${counter}`, sentAt: new Date() };
      sent.push(record);
      for (const wake of waiters) wake();
      return { externalMessageId: record.externalMessageId };
    },
    async receive(message) {
      if (!handler) throw new Error(`memory adapter "${channel}" is not started: call start({ onMessage }) first`);
      await handler(message);
    },
    failNext({ error, times = 1 }) {
      for (let i = 0; i < times; i += 1) failures.push(error);
    },
    holdSends(args) {
      hold = args ? args.until : null;
    },
    waitForSent({ count, timeoutMs = 5_000 }) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (sent.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve([...sent]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`memory adapter: expected ${count} sent messages within ${timeoutMs} ms, got ${sent.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    sentTo: ({ conversationRef }) => sent.filter((m) => m.conversationRef === conversationRef),
  };
  if (canCopy) {
    adapter.copyMessage = async (args) => {
      if (hold) await hold;
      const failure = failures.shift();
      if (failure) throw failure;
      counter += 1;
      const record: CopyRecord = { ...structuredClone(args), externalMessageId: `${channel}-copy-${counter}` };
      copies.push(record);
      return { externalMessageId: record.externalMessageId };
    };
  }
  if (canEdit) {
    adapter.editMessage = async ({ conversationRef, externalMessageId, text, buttons }) => {
      const record = sent.find((m) => m.externalMessageId === externalMessageId && m.conversationRef === conversationRef);
      if (!record) throw new Error(`memory adapter: no sent message ${externalMessageId} in ${conversationRef} to edit`);
      edits.push({ conversationRef, externalMessageId, text, buttons });
      record.text = text;
      record.buttons = buttons;
    };
    adapter.answerAction = async ({ externalMessageId, text }) => void popups.push({ externalMessageId, text });
  }
  return adapter;
}
