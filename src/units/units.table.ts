/**
 * Handoff settings of each unit, its staff, staff groups, duty roster, and holidays.
 * The `units` row itself (id, name, templated info) lives in src/db/units.table.ts; the settings
 * are a 1:1 side table so the FAQ side and the handoff side each own their columns.
 * Seeded from data/ (see units.sync.ts); edited in the database afterwards (CLI `staff add`/`staff remove`).
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../db/columns.js';
import { conversationsTable } from '../db/conversations.table.js';
import { unitsTable } from '../db/units.table.js';
import type { OfficeHours } from './calendar.models.js';

export const unitSettingsTable = pgTable('unit_settings', {
  unitId: text('unit_id')
    .primaryKey()
    .references(() => unitsTable.id, { onDelete: 'cascade' }),
  shortName: text('short_name'),
  /** Order in menus; the first unit (lowest) is the default for residents who have not chosen. */
  position: integer('position').notNull().default(0),
  timezone: text('timezone').notNull().default('Asia/Ho_Chi_Minh'),
  officeHours: jsonb('office_hours').$type<OfficeHours>().notNull(),
  slaMinutes: integer('sla_minutes').notNull().default(120),
  ticketPolicy: text('ticket_policy', { enum: ['ask_first', 'open_directly'] }).notNull().default('ask_first'),
  leadStaffId: text('lead_staff_id'),
  /** Set when data/units.yaml was imported for this unit; a later start leaves the unit alone unless forced. */
  seededAt: timestamp('seeded_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const staffMembersTable = pgTable(
  'staff_members',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => unitsTable.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role', { enum: ['lead', 'staff'] }).notNull().default('staff'),
    telegramUserId: text('telegram_user_id'),
    zaloUserId: text('zalo_user_id'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One person per platform account within a unit (NULLs do not collide).
    uniqueIndex('staff_members_unit_telegram_key').on(t.unitId, t.telegramUserId),
    uniqueIndex('staff_members_unit_zalo_key').on(t.unitId, t.zaloUserId),
    index('staff_members_telegram_idx').on(t.telegramUserId),
    index('staff_members_zalo_idx').on(t.zaloUserId),
  ],
);

export const staffGroupsTable = pgTable('staff_groups', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  unitId: text('unit_id')
    .notNull()
    .references(() => unitsTable.id, { onDelete: 'cascade' }),
  /** A group belongs to exactly one unit: staff messages there are routed by this ref. */
  conversationRef: text('conversation_ref').notNull().unique(),
  forum: boolean('forum').notNull().default(false),
  createdAt: createdAt(),
});

export const rosterShiftsTable = pgTable(
  'roster_shifts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    unitId: text('unit_id')
      .notNull()
      .references(() => unitsTable.id, { onDelete: 'cascade' }),
    /** ISO weekday 1 = Monday … 7 = Sunday; exactly one of weekday and date is set. */
    weekday: smallint('weekday'),
    date: date('date', { mode: 'string' }),
    /** "HH:MM" local window; both null = the whole day. */
    startTime: text('start_time'),
    endTime: text('end_time'),
    staffIds: text('staff_ids').array().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('roster_shifts_unit_idx').on(t.unitId),
    check('roster_shifts_weekday_or_date', sql`(${t.weekday} is null) <> (${t.date} is null)`),
  ],
);

export const holidaysTable = pgTable(
  'holidays',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** null = a national day for every unit; otherwise a local day of one unit. */
    unitId: text('unit_id').references(() => unitsTable.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    /** holiday = no work; make_up = a weekend day worked. */
    kind: text('kind', { enum: ['holiday', 'make_up'] }).notNull(),
    name: text('name').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('holidays_scope_date_key').on(sql`coalesce(${t.unitId}, '')`, t.date)],
);

/**
 * A resident asked to pick their unit. Holds the question they asked first so the pipeline can
 * answer it once the unit is known. Deleted when the choice is made (or by delete-my-data).
 */
export const unitChoicePromptsTable = pgTable('unit_choice_prompts', {
  conversationId: bigint('conversation_id', { mode: 'number' })
    .primaryKey()
    .references(() => conversationsTable.id, { onDelete: 'cascade' }),
  pendingText: text('pending_text'),
  attempts: integer('attempts').notNull().default(0),
  askedAt: timestamp('asked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
