import { bigserial, customType, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns.js';

/** bytea as a Buffer on both drivers (postgres.js gives a Buffer, PGlite a Uint8Array). */
const bytes = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/**
 * Photos and files residents send from the web chat. Kept in the database (not on disk) so every
 * process can hand them to the staff-group adapters, and erased with the resident's other data.
 */
export const webUploadsTable = pgTable(
  'web_uploads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationRef: text('conversation_ref').notNull(),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    data: bytes('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('web_uploads_conversation_idx').on(t.conversationRef), index('web_uploads_created_idx').on(t.createdAt)],
);

export type WebUpload = typeof webUploadsTable.$inferSelect;
