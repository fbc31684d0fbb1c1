import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';

/** A commune/ward service centre. `info` holds the templated facts (address, hours, phone…) from data/. */
export const unitsTable = pgTable('units', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  info: jsonb('info').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
