/**
 * `units import [--force]`, `units list`, `units holidays [--unit <id>]`.
 * With the embedded database (PGlite) stop the bot first: only one process can open it.
 */
import { parseArgs } from 'node:util';
import { desc, eq } from 'drizzle-orm';
import { loadConfig } from '../config.js';
import { createDatabase, type DatabaseHandle } from '../db/client.js';
import { conversationsTable } from '../db/conversations.table.js';
import { messagesTable } from '../db/messages.table.js';
import { staffGroupsTable } from '../units/index.js';
import { createUnitsRepository } from '../units/index.js';
import { syncUnitsFromData } from '../units/index.js';
import { WEEKDAY_KEYS } from '../units/index.js';

const USAGE = `Usage:
  npm run cli -- units import [--force]      copy data/units.yaml and data/holidays/ into the database
                                             (--force overwrites units already imported, database edits included)
  npm run cli -- units list                  units, staff groups, staff and who is on duty now
  npm run cli -- units holidays [--unit id]  holidays and make-up days the calendar uses
  npm run cli -- units recent [--limit 20]   latest messages received: chat refs and sender ids to register`;

/** Opens the configured database for one command and closes it after. */
export async function withDatabase<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await createDatabase({ url: config.database.url, pgliteDataDir: config.database.pgliteDataDir });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'import') return importUnits(rest);
  if (sub === 'list') return listUnits();
  if (sub === 'holidays') return listHolidays(rest);
  if (sub === 'recent') return listRecent(rest);
  console.error(USAGE);
  return sub ? 2 : 0;
}

async function importUnits(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { force: { type: 'boolean', default: false } } });
  const { dataDir } = loadConfig();
  const result = await withDatabase(({ db }) => syncUnitsFromData({ db, dataDir, force: values.force }));
  console.log(`Imported from ${dataDir}:`);
  if (result.created.length) console.log(`  new units:        ${result.created.join(', ')}`);
  if (result.replaced.length) console.log(`  overwritten:      ${result.replaced.join(', ')}`);
  if (result.skipped.length) console.log(`  already imported: ${result.skipped.join(', ')} (kept as in the database; use --force to overwrite)`);
  console.log(`  holiday years:    ${result.holidayYears.length ? result.holidayYears.join(', ') : 'none new'}`);
  return 0;
}

async function listUnits(): Promise<number> {
  await withDatabase(async ({ db }) => {
    const repo = createUnitsRepository({ db });
    const { units } = await repo.listUnits();
    if (units.length === 0) console.log('No units yet: run `npm run cli -- units import`.');
    const now = new Date();
    for (const [i, unit] of units.entries()) {
      const calendar = await repo.getCalendar({ unitId: unit.id });
      const { staff } = await repo.listStaff({ unitId: unit.id, includeInactive: true });
      const onDuty = await repo.listOnDuty({ unitId: unit.id, at: now });
      console.log(`${i === 0 ? '* ' : '  '}${unit.id} — ${unit.name}${i === 0 ? '  (default)' : ''}`);
      console.log(`    policy ${unit.ticketPolicy}, SLA ${unit.slaMinutes} working min, timezone ${unit.timezone}, lead ${unit.leadStaffId ?? '(none)'}`);
      const days = WEEKDAY_KEYS.filter((d) => unit.officeHours[d]?.length).map((d) => `${d} ${unit.officeHours[d]!.join(' ')}`);
      console.log(`    hours ${days.join('; ')}`);
      console.log(`    now: ${calendar.isWorkingTime({ at: now }) ? 'working time' : 'outside working time'}; on duty: ${onDuty.staff.map((s) => s.id).join(', ') || '(nobody)'} [${onDuty.source}]`);
      console.log(`    staff groups: ${unit.staffGroups.map((g) => `${g.conversationRef}${g.forum ? ' (forum)' : ''}`).join(', ') || '(none: tickets cannot reach staff!)'}`);
      for (const s of staff) {
        const ids = [s.telegramUserId && `telegram ${s.telegramUserId}`, s.zaloUserId && `zalo ${s.zaloUserId}`].filter(Boolean).join(', ');
        console.log(`    - ${s.id.padEnd(16)} ${s.name} (${s.role})${s.active ? '' : ' [inactive]'} ${ids}`);
      }
    }
  });
  return 0;
}

async function listHolidays(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { unit: { type: 'string' } } });
  await withDatabase(async ({ db }) => {
    const { holidays } = await createUnitsRepository({ db }).listHolidays(values.unit ? { unitId: values.unit } : {});
    for (const h of holidays) console.log(`${h.date}  ${h.kind === 'holiday' ? 'nghỉ  ' : 'làm bù'}  ${h.unitId ?? 'toàn quốc'}  ${h.name}`);
    if (holidays.length === 0) console.log('No holidays: add data/holidays/<year>.yaml and run `npm run cli -- units import`.');
  });
  return 0;
}

/**
 * How a commune finds ids: add the bot to the new group, have each staff member write a line there,
 * then read the group's ref and everyone's user id here (copy them into data/units.yaml or `staff add`).
 */
async function listRecent(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { limit: { type: 'string', default: '20' } } });
  const limit = Math.min(Math.max(Number(values.limit) || 20, 1), 200);
  await withDatabase(async ({ db }) => {
    const rows = await db
      .select({
        ref: conversationsTable.conversationRef,
        senderId: messagesTable.senderExternalId,
        senderName: messagesTable.senderName,
        text: messagesTable.text,
        at: messagesTable.createdAt,
        staffUnit: staffGroupsTable.unitId,
      })
      .from(messagesTable)
      .innerJoin(conversationsTable, eq(conversationsTable.id, messagesTable.conversationId))
      .leftJoin(staffGroupsTable, eq(staffGroupsTable.conversationRef, conversationsTable.conversationRef))
      .where(eq(messagesTable.direction, 'in'))
      .orderBy(desc(messagesTable.id))
      .limit(limit);
    if (rows.length === 0) console.log('No messages yet: add the bot to the group, send a message there, and run this again.');
    for (const r of rows) {
      const where = r.staffUnit ? `staff group of ${r.staffUnit}` : 'not a staff group';
      console.log(`${r.at.toISOString().slice(0, 16).replace('T', ' ')}  ${r.ref}  (${where})`);
      console.log(`    from ${r.senderName ?? '?'}  user id ${r.senderId ?? '?'}: ${r.text.slice(0, 60).replace(/\s+/g, ' ')}`);
    }
  });
  return 0;
}
