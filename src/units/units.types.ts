/**
 * The handoff module's view of a unit (commune/ward service centre): who works there, where,
 * and when. Shared by the repository, the unit choice, tickets and SLA.
 */
import type { OfficeHours } from './calendar.models.js';

export type TicketPolicy = 'ask_first' | 'open_directly';
export type StaffRole = 'lead' | 'staff';

/** Channels on which staff have an identity the bot can recognise. */
export const STAFF_CHANNELS = ['telegram', 'zalo'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];

export type Unit = {
  id: string;
  name: string;
  /** Short label for choice menus ("Phường Mẫu"); falls back to `name`. */
  shortName: string;
  /** Templated facts for answers (address, phone, email, mapUrl, hours…), as in data/units.yaml. */
  info: Record<string, string>;
  timezone: string;
  officeHours: OfficeHours;
  /** First staff reply due within this many working minutes. */
  slaMinutes: number;
  ticketPolicy: TicketPolicy;
  /** Staff id of the unit lead (escalations, roster fallback); null when none is configured. */
  leadStaffId: string | null;
};

export type StaffMember = {
  /** Stable slug, unique across the deployment (e.g. "pm-lan"). */
  id: string;
  unitId: string;
  name: string;
  role: StaffRole;
  telegramUserId: string | null;
  /** The uid as the bot's Zalo account sees this person. */
  zaloUserId: string | null;
  active: boolean;
};

export type StaffGroup = {
  id: number;
  unitId: string;
  /** The group's conversation ref: "telegram:-100…" or "zalo:group:…". */
  conversationRef: string;
  /** Telegram supergroup with Topics: one topic per ticket. */
  forum: boolean;
};

export type RosterShift = {
  unitId: string;
  /** ISO weekday 1 = Monday … 7 = Sunday; null for a date entry. */
  weekday: number | null;
  /** Local date "YYYY-MM-DD"; a date entry replaces the weekday entries on that date. */
  date: string | null;
  /** Optional "HH:MM" window within the day; null = all day. */
  from: string | null;
  to: string | null;
  staffIds: string[];
};

export type DatedEntry = { date: string; name: string };
