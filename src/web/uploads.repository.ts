/**
 * Web chat uploads: stored when the resident sends them, loaded by the staff-group adapters through
 * the core's MediaLoader (ref "web-upload:<id>"). Erasure and retention live in privacy.repository.ts.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { LoadedMedia, MediaLoader } from '../bot/core/media.port.js';
import { webUploadsTable } from './uploads.table.js';

const REF = /^web-upload:(\d{1,15})$/;

export function toUploadRef({ id }: { id: number }): string {
  return `web-upload:${id}`;
}

export type WebUploadsRepository = ReturnType<typeof createWebUploadsRepository>;

export function createWebUploadsRepository({ db }: { db: Database }) {
  async function saveUpload(args: { conversationRef: string; fileName: string; mimeType: string; data: Buffer; at: Date }): Promise<{ ref: string }> {
    const [row] = await db
      .insert(webUploadsTable)
      .values({ conversationRef: args.conversationRef, fileName: args.fileName, mimeType: args.mimeType, size: args.data.length, data: args.data, createdAt: args.at })
      .returning({ id: webUploadsTable.id });
    return { ref: toUploadRef({ id: row!.id }) };
  }

  const loadMedia: MediaLoader = async ({ ref }): Promise<LoadedMedia | undefined> => {
    const match = REF.exec(ref);
    if (!match) return undefined;
    const [row] = await db.select().from(webUploadsTable).where(eq(webUploadsTable.id, Number(match[1])));
    return row ? { data: row.data, fileName: row.fileName, mimeType: row.mimeType } : undefined;
  };

  return { saveUpload, loadMedia };
}
