/**
 * Copies a resident's message into another Zalo conversation (a staff group) for copyMessage.
 * zca-js's forwardMessage only forwards text (it posts msgType "1"), so media is re-uploaded
 * from its Zalo CDN link; when the download fails, staff still get the link as text, because a
 * photo or file must never be dropped silently.
 */
import type { MessageContent, SendMessageQuote } from 'zca-js';
import type { LoadedMedia } from '../../core/media.port.js';
import type { InboundMessage, MessageKind } from '../../core/message.types.js';
import { downloadMedia, type MediaFetcher } from '../../../shared/download.js';

export type { MediaFetcher };

const MAX_MEDIA_BYTES = 25 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

const LABELS: Record<string, { label: string; ext: string }> = {
  'chat.photo': { label: 'Ảnh', ext: 'jpg' },
  'chat.gif': { label: 'Ảnh động', ext: 'gif' },
  'chat.doodle': { label: 'Hình vẽ', ext: 'png' },
  'chat.voice': { label: 'Tin nhắn thoại', ext: 'aac' },
  'chat.video.msg': { label: 'Video', ext: 'mp4' },
  'share.file': { label: 'Tệp', ext: 'bin' },
  'chat.sticker': { label: 'Nhãn dán', ext: '' },
  'chat.location.new': { label: 'Vị trí', ext: '' },
  'chat.recommended': { label: 'Danh thiếp / liên kết', ext: '' },
};

const MSG_TYPE_BY_KIND: Partial<Record<MessageKind, string>> = {
  photo: 'chat.photo',
  voice: 'chat.voice',
  video: 'chat.video.msg',
  file: 'share.file',
  sticker: 'chat.sticker',
  location: 'chat.location.new',
  contact: 'chat.recommended',
};

/**
 * Rebuilds the copy's source from what the mapper kept (kind + attachment.ref, the CDN link) when the
 * original message is no longer in memory (after a restart). Pure.
 */
export function toCopySource({ kind, attachment }: { kind: MessageKind; attachment: NonNullable<InboundMessage['attachment']> }): {
  original: SendMessageQuote;
} {
  const href = /^https?:\/\//i.test(attachment.ref) ? attachment.ref : '';
  return {
    original: {
      content: { href, title: attachment.fileName ?? '', description: '' },
      msgType: MSG_TYPE_BY_KIND[kind] ?? 'other',
      propertyExt: undefined,
      uidFrom: '',
      msgId: '',
      cliMsgId: '',
      ts: '',
      ttl: 0,
    } as SendMessageQuote,
  };
}

/**
 * Builds what to send for a copy. Text → the text. Media with a link → an attachment when the
 * download works, else "[Ảnh] <link>". Anything else → a labelled description.
 */
export async function buildCopyContent({
  original,
  fetchMedia,
}: {
  original: SendMessageQuote;
  fetchMedia: MediaFetcher;
}): Promise<{ content: MessageContent }> {
  if (typeof original.content === 'string') return { content: { msg: original.content } };
  const object = (original.content ?? {}) as Record<string, unknown>;
  const { label, ext } = LABELS[original.msgType] ?? { label: 'Nội dung', ext: '' };
  const href = typeof object.href === 'string' && object.href !== '' ? object.href : undefined;
  const title = typeof object.title === 'string' ? object.title : '';
  const description = typeof object.description === 'string' ? object.description : '';

  if (href && ext) {
    try {
      const { data } = await fetchMedia({ url: href });
      const filename = fileNameFor({ msgType: original.msgType, title, href, ext });
      const size = readImageSize(object.params);
      const caption = original.msgType === 'share.file' ? '' : title;
      return {
        content: {
          msg: caption,
          attachments: [{ data, filename, metadata: { totalSize: data.length, ...size } }],
        },
      };
    } catch {
      // fall through to the link
    }
  }
  const detail = [title, description.startsWith('{') ? '' : description, href].filter(Boolean).join('\n');
  return { content: { msg: `[${label}]${detail ? `\n${detail}` : ''}` } };
}

function fileNameFor({ msgType, title, href, ext }: { msgType: string; title: string; href: string; ext: string }): `${string}.${string}` {
  if (msgType === 'share.file' && /\.[A-Za-z0-9]{1,8}$/.test(title)) return title as `${string}.${string}`;
  const fromUrl = /\.([A-Za-z0-9]{2,5})$/.exec(new URL(href).pathname)?.[1];
  return `zalo-${Date.now()}.${(fromUrl ?? ext).toLowerCase()}`;
}

/** Photos carry their size in content.params (a JSON string); zca-js wants it for image uploads. */
function readImageSize(params: unknown): { width?: number; height?: number } {
  if (typeof params !== 'string') return {};
  try {
    const parsed = JSON.parse(params) as { width?: unknown; height?: unknown };
    const width = Number(parsed.width);
    const height = Number(parsed.height);
    return width > 0 && height > 0 ? { width, height } : {};
  } catch {
    return {};
  }
}

/** Default downloader: HTTP with a timeout and a size cap enforced while reading (shared/download.ts). */
export const fetchMediaOverHttp: MediaFetcher = ({ url }) => downloadMedia({ url, maxBytes: MAX_MEDIA_BYTES, timeoutMs: FETCH_TIMEOUT_MS });

const EXT_BY_MIME: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf' };

/** Bytes we hold (a web chat upload) as a zca-js attachment; the file name gets an extension zca-js accepts. Pure. */
export function toUploadContent({ media }: { media: LoadedMedia }): MessageContent {
  const ext = EXT_BY_MIME[media.mimeType] ?? 'bin';
  const filename = (/\.[A-Za-z0-9]{1,8}$/.test(media.fileName) ? media.fileName : `${media.fileName || 'tep'}.${ext}`) as `${string}.${string}`;
  return { msg: '', attachments: [{ data: media.data, filename, metadata: { totalSize: media.data.length } }] };
}
