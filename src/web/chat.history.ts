/**
 * The web chat transcript as the page shows it, read from the database so it survives a page
 * reload and a server restart. Buttons are read back from the outbox rows that carried them.
 */
import type { OutboundButton } from '../bot/core/message.types.js';
import { clientMessageIdOf } from '../bot/adapters/web/web.mapper.js';
import type { OutboxRepository } from '../bot/outbox/outbox.repository.js';
import type { ConversationsRepository } from '../db/conversations.repository.js';

export type ChatItem = {
  id: number;
  from: 'resident' | 'bot';
  text: string;
  buttons?: OutboundButton[];
  /** Resident messages: the id the page gave it, so the page can replace its optimistic copy. */
  clientMessageId?: string;
  at: string;
};

export type WebChatHistory = {
  list(args: { conversationRef: string; limit?: number }): Promise<{ items: ChatItem[] }>;
};

export function createWebChatHistory({
  conversations,
  outbox,
}: {
  conversations: Pick<ConversationsRepository, 'findConversationByRef' | 'listMessages'>;
  outbox: Pick<OutboxRepository, 'findSentByExternalIds'>;
}): WebChatHistory {
  return {
    async list({ conversationRef, limit = 100 }) {
      const { conversation } = await conversations.findConversationByRef({ conversationRef });
      if (!conversation) return { items: [] };
      const { messages } = await conversations.listMessages({ conversationId: conversation.id, limit });
      const outIds = messages.filter((m) => m.direction === 'out' && m.externalId).map((m) => m.externalId as string);
      const { rows } = await outbox.findSentByExternalIds({ conversationRef, externalMessageIds: outIds });
      const buttonsById = new Map(rows.map((r) => [r.externalMessageId, 'buttons' in r.payload ? r.payload.buttons : undefined]));
      return {
        items: messages.map((m) => {
          const item: ChatItem = { id: m.id, from: m.direction === 'in' ? 'resident' : 'bot', text: m.text || mediaLabel(m.kind), at: m.createdAt.toISOString() };
          if (m.direction === 'in' && m.externalId) item.clientMessageId = clientMessageIdOf({ externalId: m.externalId });
          const buttons = m.externalId ? buttonsById.get(m.externalId) : undefined;
          if (m.direction === 'out' && buttons && buttons.length > 0) item.buttons = buttons;
          return item;
        }),
      };
    },
  };
}

/** An upload has no text of its own: the transcript says what was sent. */
function mediaLabel(kind: string): string {
  if (kind === 'photo') return '📷 Đã gửi một ảnh';
  return kind === 'text' ? '' : '📎 Đã gửi một tệp';
}
