/**
 * What every adapter's mapper applies to what a person sent, before the core sees it: characters a
 * Postgres text column cannot store (U+0000), other control characters (C0 but tab and line breaks,
 * DEL, C1), unpaired surrogates and the noncharacters U+FFFE/U+FFFF are removed. Everything else,
 * Vietnamese in any normal form included, is kept as typed: the text is still stored and answered.
 */
import type { InboundMessage } from './message.types.js';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeText(text: string): string {
  return text.replace(UNSTORABLE, '');
}

/** The message with its text, sender name, attachment name and button data sanitised. */
export function sanitizeInbound(message: InboundMessage): InboundMessage {
  const clean: InboundMessage = {
    ...message,
    text: sanitizeText(message.text),
    sender: { ...message.sender, displayName: sanitizeText(message.sender.displayName) },
  };
  if (message.action !== undefined) clean.action = sanitizeText(message.action);
  if (message.attachment?.fileName !== undefined) clean.attachment = { ...message.attachment, fileName: sanitizeText(message.attachment.fileName) };
  return clean;
}
