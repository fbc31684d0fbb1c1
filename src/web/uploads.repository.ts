/**
 * Web chat uploads: the row is committed once the file holding the bytes is on disk
 * (uploads.files.ts); the staff-group adapters load them through the core's MediaLoader (ref
 * "web-upload:<id>"), which reads the file. Erasure and retention live in privacy.repository.ts
 * (rows) and remove the files after their transaction commits.
 */
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { LoadedMedia, MediaLoader } from '../bot/core/media.port.js';
import type { UploadFiles } from './uploads.files.js';
import { webUploadsTable } from './uploads.table.js';

const REF = /^web-upload:(\d{1,15})$/;

export function toUploadRef({ id }: { id: number }): string {
  return `web-upload:${id}`;
}

export type WebUploadsRepository = ReturnType<typeof createWebUploadsRepository>;

export function createWebUploadsRepository({ db, files }: { db: Database; files: UploadFiles }) {
  /** The row of a file already written and flushed (`storageKey` from UploadFileWriter.finish). */
  async function saveUpload(args: { conversationRef: string; fileName: string; mimeType: string; size: number; storageKey: string; at: Date }): Promise<{ ref: string }> {
    const [row] = await db
      .insert(webUploadsTable)
      .values({ conversationRef: args.conversationRef, fileName: args.fileName, mimeType: args.mimeType, size: args.size, storageKey: args.storageKey, createdAt: args.at })
      .returning({ id: webUploadsTable.id });
    return { ref: toUploadRef({ id: row!.id }) };
  }

  const loadMedia: MediaLoader = async ({ ref }): Promise<LoadedMedia | undefined> => {
    const match = REF.exec(ref);
    if (!match) return undefined;
    const [row] = await db.select().from(webUploadsTable).where(eq(webUploadsTable.id, Number(match[1])));
    if (!row) return undefined;
    const data = row.storageKey ? await files.read({ key: row.storageKey }) : (row.data ?? undefined);
    return data ? { data, fileName: row.fileName, mimeType: row.mimeType } : undefined;
  };

  /**
   * Moves the bytes of uploads stored in the database (before migration 0010) into files, one row
   * at a time so memory holds one file at most. Safe with several processes at once: a row is
   * switched only if nobody switched it meanwhile, and a file whose row was switched or erased
   * in between is removed again.
   */
  async function moveBytesToFiles(): Promise<{ moved: number }> {
    let moved = 0;
    for (;;) {
      const [row] = await db
        .select({ id: webUploadsTable.id, data: webUploadsTable.data })
        .from(webUploadsTable)
        .where(and(isNull(webUploadsTable.storageKey), isNotNull(webUploadsTable.data)))
        .limit(1);
      if (!row?.data) return { moved };
      const { key } = await files.writeAll(row.data);
      const switched = await db
        .update(webUploadsTable)
        .set({ storageKey: key, data: null })
        .where(and(eq(webUploadsTable.id, row.id), isNull(webUploadsTable.storageKey)))
        .returning({ id: webUploadsTable.id });
      if (switched.length === 0) await files.remove({ keys: [key] });
      else moved += 1;
    }
  }

  /** Which of these file keys a row still names (the files sweep removes the others). */
  async function keysInUse(keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let at = 0; at < keys.length; at += 1_000) {
      const rows = await db.select({ key: webUploadsTable.storageKey }).from(webUploadsTable).where(inArray(webUploadsTable.storageKey, keys.slice(at, at + 1_000)));
      for (const { key } of rows) found.add(key!);
    }
    return found;
  }

  /** Files without a row (a crash between the file and its row, or between an erasure and its unlink). */
  const sweepFiles = () => files.sweep({ inUse: keysInUse });

  return { files, saveUpload, loadMedia, moveBytesToFiles, sweepFiles };
}
