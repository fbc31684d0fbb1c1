/**
 * Pure: what the web chat page posted → InboundMessage. The page generates its own session id
 * (kept in localStorage) and a fresh id per message, so a retried POST is deduplicated like a
 * redelivered Telegram update.
 */
import type { InboundMessage } from '../../core/message.types.js';
import { sanitizeInbound } from '../../core/text-sanitize.js';

export type WebChatPost = {
  sessionId: string;
  clientMessageId: string;
  text: string;
  /** A tapped button's data; `text` then holds its label (shown in the transcript). */
  action?: string;
};

export function toConversationRef({ sessionId }: { sessionId: string }): string {
  return `web:${sessionId}`;
}

export function toInboundMessage({ post, receivedAt }: { post: WebChatPost; receivedAt: Date }): InboundMessage {
  const message: InboundMessage = {
    channel: 'web',
    conversationRef: toConversationRef({ sessionId: post.sessionId }),
    chatType: 'private',
    externalMessageId: `${post.sessionId}:${post.clientMessageId}`,
    sender: { externalUserId: post.sessionId, displayName: '' },
    text: post.text,
    kind: 'text',
    addressedToBot: true,
    receivedAt,
  };
  if (post.action) message.action = post.action;
  return sanitizeInbound(message);
}

/** The page's own id for an inbound message (so it can replace its optimistic bubble). */
export function clientMessageIdOf({ externalId }: { externalId: string }): string {
  return externalId.slice(externalId.indexOf(':') + 1);
}

/** A photo or file the resident uploaded (stored first; `ref` is the store's "web-upload:<id>"). */
export type WebChatUpload = { sessionId: string; clientMessageId: string; ref: string; fileName: string; mimeType: string };

export function toInboundUpload({ upload, receivedAt }: { upload: WebChatUpload; receivedAt: Date }): InboundMessage {
  return sanitizeInbound({
    channel: 'web',
    conversationRef: toConversationRef({ sessionId: upload.sessionId }),
    chatType: 'private',
    externalMessageId: `${upload.sessionId}:${upload.clientMessageId}`,
    sender: { externalUserId: upload.sessionId, displayName: '' },
    text: '',
    kind: upload.mimeType.startsWith('image/') ? 'photo' : 'file',
    attachment: { ref: upload.ref, mimeType: upload.mimeType, fileName: upload.fileName },
    addressedToBot: true,
    receivedAt,
  });
}
