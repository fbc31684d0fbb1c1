import { bigserial, customType, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns.js';

/** bytea as a Buffer on both drivers (postgres.js gives a Buffer, PGlite a Uint8Array). */
const bytes = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/**
 * Photos and files residents send from the web chat: the metadata, and the key of the file that holds
 * the bytes under UPLOADS_DIR (uploads.files.ts). Erased with the resident's other data.
 *
 * `data`: the bytes of uploads stored before the files folder existed (migration 0010); each start
 * moves them to files and clears the column, and reads fall back to it meanwhile.
 */
export const webUploadsTable = pgTable(
  'web_uploads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationRef: text('conversation_ref').notNull(),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    storageKey: text('storage_key'),
    data: bytes('data'),
    createdAt: createdAt(),
  },
  (t) => [index('web_uploads_conversation_idx').on(t.conversationRef), index('web_uploads_created_idx').on(t.createdAt), index('web_uploads_storage_key_idx').on(t.storageKey)],
);

export type WebUpload = typeof webUploadsTable.$inferSelect;
