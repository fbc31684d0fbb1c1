/**
 * What data/units.yaml and data/holidays/<year>.yaml may contain, checked with zod at load.
 * Pure: text in, validated data (or one readable error naming the file and the field) out.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { channelOf } from '../bot/core/conversation-ref.js';
import {
  assertLocalDate,
  assertTimezone,
  createWorkingCalendar,
  DEFAULT_OFFICE_HOURS,
  DEFAULT_TIMEZONE,
  parseTimeRange,
  WEEKDAY_KEYS,
  type OfficeHours,
} from './calendar.models.js';
import type { DatedEntry, RosterShift, StaffMember, TicketPolicy } from './units.types.js';

export class UnitsDataError extends Error {
  readonly code = 'handoff.invalid_units_data';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the file and run \`npm run cli -- units import\` again.`);
    this.name = 'UnitsDataError';
  }
}

/** Ids are slugs so they read well in commands (`/chuyen pm-lan`) and never need quoting. */
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and "-" only (e.g. "phuong-mau")');

const digitsId = (what: string) =>
  z
    .union([z.string().trim(), z.number()])
    .refine((v) => (typeof v === 'number' ? Number.isSafeInteger(v) : /^-?\d{1,30}$/.test(v)), {
      message: `${what} must be digits; write it in quotes, e.g. "100000001" (long numbers lose digits without quotes)`,
    })
    .transform((v) => String(v));

const localDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .refine((v) => {
    try {
      assertLocalDate(v);
      return true;
    } catch {
      return false;
    }
  }, 'must be a date like 2026-02-17');

const timeRange = z.string().refine((v) => {
  try {
    parseTimeRange(v);
    return true;
  } catch {
    return false;
  }
}, 'must be a time range like "07:30-11:30"');

const clockTime = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like "07:30"');

const datedEntry = z.strictObject({ date: localDate, name: z.string().default('') });

const officeHours = z.strictObject(Object.fromEntries(WEEKDAY_KEYS.map((k) => [k, z.array(timeRange).optional()])) as Record<
  (typeof WEEKDAY_KEYS)[number],
  z.ZodOptional<z.ZodArray<typeof timeRange>>
>);

const weekday = z
  .union([z.enum(WEEKDAY_KEYS), z.number().int().min(1).max(7)])
  .transform((v) => (typeof v === 'number' ? v : WEEKDAY_KEYS.indexOf(v) + 1));

const rosterEntry = z
  .strictObject({
    weekday: weekday.optional(),
    date: localDate.optional(),
    from: clockTime.optional(),
    to: clockTime.optional(),
    staff: z.array(slug).min(1, 'list at least one staff id'),
  })
  .refine((r) => (r.weekday === undefined) !== (r.date === undefined), 'give either `weekday` (mon … sun) or `date`, not both')
  .refine((r) => (r.from === undefined) === (r.to === undefined), 'give both `from` and `to`, or neither');

const staffMember = z.strictObject({
  id: slug,
  name: z.string().trim().min(1),
  role: z.enum(['lead', 'staff']).default('staff'),
  telegramUserId: digitsId('telegramUserId').optional(),
  zaloUserId: digitsId('zaloUserId').optional(),
  active: z.boolean().default(true),
});

const staffGroup = z.strictObject({
  conversationRef: z.string().refine((ref) => {
    try {
      channelOf(ref);
      return true;
    } catch {
      return false;
    }
  }, 'must look like "telegram:-1001234567890" or "zalo:group:123456789"'),
  forum: z.boolean().default(false),
});

/** Fields the handoff module reads; any other string field of a unit is a templated fact (info). */
const HANDOFF_FIELDS = {
  id: slug,
  name: z.string().trim().min(1),
  shortName: z.string().trim().min(1).optional(),
  timezone: z
    .string()
    .default(DEFAULT_TIMEZONE)
    .refine((tz) => {
      try {
        assertTimezone(tz);
        return true;
      } catch {
        return false;
      }
    }, 'is not a known timezone (use e.g. "Asia/Ho_Chi_Minh")'),
  officeHours: officeHours.optional(),
  holidays: z.array(datedEntry).default([]),
  makeUpDays: z.array(datedEntry).default([]),
  slaMinutes: z.number().int().min(1).max(30 * 450).default(120),
  ticketPolicy: z.enum(['ask_first', 'open_directly']).default('ask_first'),
  lead: slug.optional(),
  staffGroups: z.array(staffGroup).default([]),
  staff: z.array(staffMember).default([]),
  roster: z.array(rosterEntry).default([]),
};

const unitSchema = z.looseObject(HANDOFF_FIELDS);
const unitsFileSchema = z.strictObject({ units: z.array(unitSchema).min(1, 'list at least one unit') });

const holidaysFileSchema = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  holidays: z.array(datedEntry).default([]),
  makeUpDays: z.array(datedEntry).default([]),
});

export type UnitData = {
  id: string;
  name: string;
  shortName: string | null;
  info: Record<string, string>;
  timezone: string;
  officeHours: OfficeHours;
  holidays: DatedEntry[];
  makeUpDays: DatedEntry[];
  slaMinutes: number;
  ticketPolicy: TicketPolicy;
  leadStaffId: string | null;
  staffGroups: Array<{ conversationRef: string; forum: boolean }>;
  staff: Array<Omit<StaffMember, 'unitId'>>;
  roster: Array<Omit<RosterShift, 'unitId'>>;
};

export type HolidaysData = { year: number; holidays: DatedEntry[]; makeUpDays: DatedEntry[] };

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UnitsDataError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
}

/** Parses and checks data/units.yaml, including cross-references (lead, roster ids, unique ids and groups). */
export function parseUnitsFile({ text, file }: { text: string; file: string }): { units: UnitData[] } {
  return parseUnits({ raw: parseYamlText(text, file), file });
}

/**
 * The same checks on an already-read value (`{ units: [...] }`): the console's settings page builds
 * one unit from its form and judges it here, so the page and data/units.yaml cannot disagree.
 * `file` names the source in the error.
 */
export function parseUnits({ raw: input, file }: { raw: unknown; file: string }): { units: UnitData[] } {
  const parsed = unitsFileSchema.safeParse(input);
  if (!parsed.success) throw new UnitsDataError(file, zodProblems(parsed.error));

  const problems: string[] = [];
  const unitIds = new Set<string>();
  const staffIds = new Set<string>();
  const groupRefs = new Set<string>();
  const units = parsed.data.units.map((raw, u): UnitData => {
    const at = `units[${u}]`;
    const info: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key in HANDOFF_FIELDS) continue;
      if (typeof value === 'string' || typeof value === 'number') info[key] = String(value);
      else problems.push(`${at}.${key}: unknown field; unit facts (address, phone…) must be plain text, handoff fields are ${Object.keys(HANDOFF_FIELDS).join(', ')}`);
    }
    if (unitIds.has(raw.id)) problems.push(`${at}.id: "${raw.id}" is used by another unit`);
    unitIds.add(raw.id);

    const ownStaff = new Set<string>();
    raw.staff.forEach((s, i) => {
      if (staffIds.has(s.id)) problems.push(`${at}.staff[${i}].id: "${s.id}" is used twice (staff ids are unique across units)`);
      staffIds.add(s.id);
      ownStaff.add(s.id);
    });
    if (raw.lead && !ownStaff.has(raw.lead)) problems.push(`${at}.lead: "${raw.lead}" is not in this unit's staff list`);
    raw.roster.forEach((r, i) =>
      r.staff.forEach((id, j) => {
        if (!ownStaff.has(id)) problems.push(`${at}.roster[${i}].staff[${j}]: "${id}" is not in this unit's staff list`);
      }),
    );
    raw.staffGroups.forEach((g, i) => {
      if (groupRefs.has(g.conversationRef)) problems.push(`${at}.staffGroups[${i}].conversationRef: "${g.conversationRef}" is listed twice`);
      groupRefs.add(g.conversationRef);
    });
    for (const field of ['telegramUserId', 'zaloUserId'] as const) {
      const seen = new Set<string>();
      raw.staff.forEach((s, i) => {
        const value = s[field];
        if (value && seen.has(value)) problems.push(`${at}.staff[${i}].${field}: "${value}" belongs to another staff member of this unit`);
        if (value) seen.add(value);
      });
    }
    const hours = raw.officeHours ?? DEFAULT_OFFICE_HOURS;
    try {
      createWorkingCalendar({ officeHours: hours, holidays: [], makeUpDays: [], timezone: raw.timezone });
    } catch (error) {
      problems.push(`${at}.officeHours: ${(error as Error).message}`);
    }

    return {
      id: raw.id,
      name: raw.name,
      shortName: raw.shortName ?? null,
      info,
      timezone: raw.timezone,
      officeHours: hours,
      holidays: raw.holidays,
      makeUpDays: raw.makeUpDays,
      slaMinutes: raw.slaMinutes,
      ticketPolicy: raw.ticketPolicy,
      leadStaffId: raw.lead ?? raw.staff.find((s) => s.role === 'lead')?.id ?? null,
      staffGroups: raw.staffGroups,
      staff: raw.staff.map((s) => ({
        id: s.id,
        name: s.name,
        role: s.role,
        telegramUserId: s.telegramUserId ?? null,
        zaloUserId: s.zaloUserId ?? null,
        active: s.active,
      })),
      roster: raw.roster.map((r) => ({
        weekday: r.weekday ?? null,
        date: r.date ?? null,
        from: r.from ?? null,
        to: r.to ?? null,
        staffIds: r.staff,
      })),
    };
  });
  if (problems.length > 0) throw new UnitsDataError(file, problems);
  return { units };
}

export function parseHolidaysFile({ text, file }: { text: string; file: string }): HolidaysData {
  const parsed = holidaysFileSchema.safeParse(parseYamlText(text, file));
  if (!parsed.success) throw new UnitsDataError(file, zodProblems(parsed.error));
  const { year, holidays, makeUpDays } = parsed.data;
  const problems: string[] = [];
  const check = (list: DatedEntry[], field: string) =>
    list.forEach((h, i) => {
      if (!h.date.startsWith(`${year}-`)) problems.push(`${field}[${i}].date: ${h.date} is not in ${year}`);
    });
  check(holidays, 'holidays');
  check(makeUpDays, 'makeUpDays');
  const both = holidays.filter((h) => makeUpDays.some((m) => m.date === h.date));
  for (const h of both) problems.push(`${h.date} is listed both as a holiday and as a make-up day`);
  if (problems.length > 0) throw new UnitsDataError(file, problems);
  return { year, holidays, makeUpDays };
}
