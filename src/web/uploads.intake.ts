/**
 * How a web chat upload is taken in: the body is read as a stream straight into a file (uploads.files.ts)
 * with the size limit enforced while reading (a too-big file is refused at the header or at the first
 * byte over, never buffered whole), its type decided from its own first bytes (file-type) before
 * anything is written, only JPG, PNG and PDF kept, and its name cleaned. A gate bounds the uploads read at once, per resident and in total, so the chat and
 * /healthz stay responsive under a burst; uploads over the total wait their turn (their bytes stay
 * in the socket meanwhile), up to a bounded queue.
 */
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { sanitizeText } from '../bot/core/text-sanitize.js';
import type { UploadFileWriter, UploadFiles } from './uploads.files.js';

/** What a resident may send of their papers, by the type the bytes show. */
export const UPLOAD_KINDS = [
  { mimeType: 'image/jpeg', ext: 'jpg' },
  { mimeType: 'image/png', ext: 'png' },
  { mimeType: 'application/pdf', ext: 'pdf' },
] as const;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** file-type decides JPG/PNG/PDF from far fewer bytes; this is what it reads at most. */
const SNIFF_BYTES = 4_100;

export type UploadRefusal = 'file_empty' | 'file_too_large' | 'bad_file';
export type ReceivedUpload = { ok: true; key: string; size: number; mimeType: string; ext: string } | { ok: false; refusal: UploadRefusal };

/**
 * Reads the body into a new upload file: the first bytes are held until the type is known (a wrong
 * type is refused before anything is written), the rest goes to disk chunk by chunk, and the limit
 * is checked at every chunk. On a refusal or an error the partial file is removed.
 */
export async function receiveUpload({
  body,
  files,
  declaredLength,
  maxBytes = MAX_UPLOAD_BYTES,
}: {
  body: Readable;
  files: Pick<UploadFiles, 'begin'>;
  declaredLength?: number;
  maxBytes?: number;
}): Promise<ReceivedUpload> {
  if (declaredLength !== undefined && declaredLength > maxBytes) return { ok: false, refusal: 'file_too_large' };
  let head: Buffer[] = [];
  let size = 0;
  let kind: (typeof UPLOAD_KINDS)[number] | undefined;
  let writer: UploadFileWriter | undefined;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) return await refused('file_too_large');
      if (writer) {
        await writer.write(chunk);
        continue;
      }
      head.push(chunk);
      if (size >= SNIFF_BYTES) {
        kind = await sniff(Buffer.concat(head));
        if (!kind) return await refused('bad_file');
        writer = await files.begin();
        for (const part of head) await writer.write(part);
        head = [];
      }
    }
    if (size === 0) return { ok: false, refusal: 'file_empty' };
    if (!writer) {
      // Smaller than the sniffing window: the whole file is the head.
      kind = await sniff(Buffer.concat(head));
      if (!kind) return { ok: false, refusal: 'bad_file' };
      writer = await files.begin();
      await writer.write(Buffer.concat(head));
    }
    const { key } = await writer.finish();
    return { ok: true, key, size, mimeType: kind!.mimeType, ext: kind!.ext };
  } catch (error) {
    await writer?.abort();
    throw error;
  }

  async function refused(refusal: UploadRefusal): Promise<ReceivedUpload> {
    await writer?.abort();
    return { ok: false, refusal };
  }
}

async function sniff(head: Buffer) {
  const found = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  return UPLOAD_KINDS.find((k) => k.mimeType === found?.mime);
}

// Direction overrides and marks (an RTL override turns "gpj.exe" into what looks like "exe.jpg").
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A file name safe to store and show: no control or direction characters, no path (only the last
 * segment of "../../x"), no leading dots, at most 100 characters, and the extension of the type the
 * bytes showed (a PDF named "anh.png" becomes "anh.pdf").
 */
export function cleanFileName({ name, ext }: { name: string; ext: string }): string {
  const base = sanitizeText(name).normalize('NFC').replace(BIDI, '').split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 100);
  return `${stem || 'tep-dinh-kem'}.${ext}`;
}

export type UploadGate = {
  /** A slot to read one upload; undefined when refused (`busy_resident`: this resident is already sending one; `busy`: the queue is full). */
  enter(args: { key: string }): Promise<{ leave: () => void } | { refused: 'busy_resident' | 'busy' }>;
};

export function createUploadGate({ perKey = 1, total = 2, maxWaiting = 20 }: { perKey?: number; total?: number; maxWaiting?: number } = {}): UploadGate {
  const byKey = new Map<string, number>();
  let running = 0;
  const waiting: Array<() => void> = [];

  return {
    async enter({ key }) {
      if ((byKey.get(key) ?? 0) >= perKey) return { refused: 'busy_resident' };
      if (running >= total && waiting.length >= maxWaiting) return { refused: 'busy' };
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
      if (running >= total) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      let left = false;
      return {
        leave() {
          if (left) return;
          left = true;
          running -= 1;
          const count = (byKey.get(key) ?? 1) - 1;
          if (count > 0) byKey.set(key, count);
          else byKey.delete(key);
          waiting.shift()?.();
        },
      };
    },
  };
}
