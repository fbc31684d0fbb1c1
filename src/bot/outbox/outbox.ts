/**
 * The enqueue side of the outbox: turns OutboundMessages into durable rows, split to the
 * channel's maxTextLength (buttons on the last part, the quote on the first, each mention with the
 * part that names the person) and stamped with the channel's pacing; media copies become rows of
 * kind 'copy' in the same per-conversation order. Also the read side that handoff and /healthz use.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChannelAdapter, ChannelCapabilities } from '../core/channel.port.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { channelOf } from '../core/conversation-ref.js';
import type { ChannelName, OutboundCopy, OutboundMessage } from '../core/message.types.js';
import type { EnqueueOptions, InboundUnit, OutboxPort } from '../core/outbox.port.js';
import { splitText } from '../../shared/text-split.js';
import { OutboxError } from './outbox.errors.js';
import type { NewOutboxRow, OutboxRepository } from './outbox.repository.js';
import type { OutboxMeta, OutboxRow } from './outbox.table.js';


export type Outbox = OutboxPort & {
  /** The meta of the row that produced our message `externalMessageId` in that conversation, if any. */
  findSentByExternalId(args: { conversationRef: string; externalMessageId: string }): Promise<{ meta: OutboxMeta | null; row: OutboxRow } | undefined>;
  /** Rows not yet sent or failed (pending or in flight), for /healthz. */
  pendingCount(): Promise<{ count: number }>;
  /** Called after every enqueue; the assembly (pipeline.assembly.ts) wakes the worker with it so replies leave at once. */
  onEnqueued(listener: () => void): () => void;
};

export function createOutbox({
  repository,
  adapters,
  clock = systemClock,
}: {
  repository: OutboxRepository;
  adapters: ReadonlyMap<ChannelName, Pick<ChannelAdapter, 'capabilities' | 'copyMessage'>>;
  clock?: Clock;
}): Outbox {
  const listeners = new Set<() => void>();
  // The inbound unit the current async call chain belongs to (see openInboundUnit).
  const currentUnit = new AsyncLocalStorage<{ rows: NewOutboxRow[]; open: boolean }>();

  /** Rows go to the open unit of the message being handled, or straight to the database. */
  async function write(rows: NewOutboxRow[]): Promise<{ ids: number[] }> {
    const unit = currentUnit.getStore();
    if (unit?.open) {
      unit.rows.push(...rows);
      return { ids: [] };
    }
    const { ids } = await repository.insertRows({ rows });
    for (const listener of listeners) listener();
    return { ids };
  }

  function openInboundUnit({ messageId, alsoHandled = [] }: { messageId: number; alsoHandled?: number[] }): InboundUnit {
    const unit = { rows: [] as NewOutboxRow[], open: true };
    return {
      run: (work) => currentUnit.run(unit, work),
      async commit({ handled = true, writes = [] } = {}) {
        if (!unit.open) throw new OutboxError('outbox.unit_closed', `The unit of inbound message ${messageId} was already committed or abandoned.`);
        unit.open = false;
        const mark = handled ? { messageIds: [messageId, ...alsoHandled], at: clock.now() } : undefined;
        await repository.insertRows({ rows: unit.rows, writes, ...(mark ? { handled: mark } : {}) });
        if (unit.rows.length > 0) for (const listener of listeners) listener();
      },
      abandon() {
        unit.open = false;
      },
    };
  }

  function capabilitiesOf({ channel }: { channel: ChannelName }): ChannelCapabilities {
    const adapter = adapters.get(channel);
    if (!adapter) {
      throw new OutboxError(
        'outbox.unknown_channel',
        `No ${channel} adapter is configured, so a message for it can never be sent: enable the ${channel} channel or stop addressing it.`,
      );
    }
    return adapter.capabilities;
  }

  function toRows({ message, meta, chatType = 'private' }: { message: OutboundMessage } & EnqueueOptions): NewOutboxRow[] {
    const channel = channelOf(message.conversationRef);
    const capabilities = capabilitiesOf({ channel });
    const { parts } = splitText({ text: message.text, maxLength: capabilities.maxTextLength });
    if (parts.length === 0) {
      throw new OutboxError('outbox.empty_message', `Refusing to enqueue an empty message for ${message.conversationRef}: every channel rejects empty text.`);
    }
    const minIntervalMs =
      chatType === 'group' ? (capabilities.groupMinSendIntervalMs ?? capabilities.minSendIntervalMs) : capabilities.minSendIntervalMs;
    const now = clock.now();
    return parts.map((text, index) => {
      const payload: OutboundMessage = { conversationRef: message.conversationRef, text };
      if (index === 0 && message.replyToExternalId) payload.replyToExternalId = message.replyToExternalId;
      if (index === parts.length - 1 && message.buttons && message.buttons.length > 0) payload.buttons = message.buttons;
      // A mention goes with the part that names the person (a long card split in two keeps its tags).
      const mentions = message.mentions?.filter((m) => m.text !== '' && text.includes(m.text));
      if (mentions && mentions.length > 0) payload.mentions = mentions;
      return { conversationRef: message.conversationRef, channel, payload, meta: meta ?? null, minIntervalMs, nextAttemptAt: now };
    });
  }

  async function enqueueAll({ messages, ...options }: { messages: OutboundMessage[] } & EnqueueOptions) {
    return write(messages.flatMap((message) => toRows({ message, ...options })));
  }

  function canCopy({ channel }: { channel: ChannelName }): boolean {
    return typeof adapters.get(channel)?.copyMessage === 'function';
  }

  async function enqueueCopy({ copy, meta, chatType = 'private' }: { copy: OutboundCopy } & EnqueueOptions) {
    const channel = channelOf(copy.conversationRef);
    if (!canCopy({ channel })) {
      throw new OutboxError(
        'outbox.copy_unsupported',
        `The ${channel} adapter cannot copy messages, so a copy into ${copy.conversationRef} could never be sent: check outbox.canCopy first and send text instead.`,
      );
    }
    const capabilities = capabilitiesOf({ channel });
    const minIntervalMs =
      chatType === 'group' ? (capabilities.groupMinSendIntervalMs ?? capabilities.minSendIntervalMs) : capabilities.minSendIntervalMs;
    const payload: OutboundCopy = { ...copy, text: copy.text.trim() || `(${copy.kind})` };
    return write([{ conversationRef: copy.conversationRef, channel, kind: 'copy', payload, meta: meta ?? null, minIntervalMs, nextAttemptAt: clock.now() }]);
  }

  return {
    enqueue: ({ message, ...options }) => enqueueAll({ messages: [message], ...options }),
    enqueueCopy,
    canCopy,
    enqueueAll,
    openInboundUnit,
    capabilitiesOf,
    async findSentByExternalId(args) {
      const { row } = await repository.findSentByExternalId(args);
      return row ? { meta: row.meta ?? null, row } : undefined;
    },
    async findSentAnswer(args) {
      const { externalMessageId } = await repository.findSentAnswer(args);
      return externalMessageId ? { externalMessageId } : undefined;
    },
    pendingCount: () => repository.countUnfinished(),
    onEnqueued(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
