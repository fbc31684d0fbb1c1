/**
 * Console accounts, their sessions, login throttling and the audit log. Owned by src/admin;
 * the console (src/console) reaches them through admin.repository.ts and admin.sessions.ts.
 */
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../db/columns.js';
import { unitsTable } from '../db/units.table.js';

export const ADMIN_ROLES = ['province', 'unit', 'staff'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const adminAccountsTable = pgTable('admin_accounts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Lowercase; what the person types at the login page. */
  username: text('username').notNull().unique(),
  /** argon2id PHC string ($argon2id$v=19$…): parameters and salt travel with the hash. */
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ADMIN_ROLES }).notNull(),
  /** Set for unit admins (and staff): the one unit they act for. */
  unitId: text('unit_id').references(() => unitsTable.id, { onDelete: 'cascade' }),
  /**
   * The registered staff member (units' staff id) this person is: they may answer their unit's
   * tickets from the console, as that staff member. Null: the tickets are read-only to them.
   */
  staffId: text('staff_id'),
  passwordChangedAt: timestamp('password_changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** One row per signed-in browser. `id` is the SHA-256 of the cookie value, so a database leak signs nobody in. */
export const adminSessionsTable = pgTable(
  'admin_sessions',
  {
    id: text('id').primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => adminAccountsTable.id, { onDelete: 'cascade' }),
    /** Synchroniser token every state-changing request must echo (form field or header). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('admin_sessions_account_idx').on(t.accountId)],
);

/** Failed sign-ins per key ("ip:…" or "user:…"), shared by every process on the database. */
export const adminLoginFailuresTable = pgTable('admin_login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  firstFailedAt: timestamp('first_failed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
});

/** Who changed what, when, before → after. Never updated or deleted by the console. */
export const adminAuditTable = pgTable(
  'admin_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Kept as text so the log still names a person whose account was removed. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target').notNull(),
    before: jsonb('before').$type<unknown>(),
    after: jsonb('after').$type<unknown>(),
  },
  (t) => [index('admin_audit_at_idx').on(t.at)],
);

export type AdminAccountRow = typeof adminAccountsTable.$inferSelect;
export type AdminAuditRow = typeof adminAuditTable.$inferSelect;
