/**
 * `staff add|list|remove`: register the people who may claim and answer tickets.
 * With the embedded database (PGlite) stop the bot first: only one process can open it.
 */
import { parseArgs } from 'node:util';
import { foldForMatching } from '../shared/fold.js';
import { createUnitsRepository } from '../units/index.js';
import { withDatabase } from './units.command.js';

const USAGE = `Usage:
  npm run cli -- staff add --unit <unit id> --name "<full name>" [--telegram <user id>] [--zalo <uid>] [--role lead|staff] [--id <staff id>]
  npm run cli -- staff list [--unit <unit id>]
  npm run cli -- staff remove <staff id>     (deactivates: history stays, they can no longer act)`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(rest);
  if (sub === 'list') return list(rest);
  if (sub === 'remove' && rest[0]) return remove(rest[0]);
  console.error(USAGE);
  return sub ? 2 : 0;
}

async function add(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      unit: { type: 'string' },
      name: { type: 'string' },
      telegram: { type: 'string' },
      zalo: { type: 'string' },
      role: { type: 'string', default: 'staff' },
      id: { type: 'string' },
    },
  });
  if (!values.unit || !values.name || (values.role !== 'lead' && values.role !== 'staff')) {
    console.error(USAGE);
    return 2;
  }
  for (const [flag, value] of [['--telegram', values.telegram], ['--zalo', values.zalo]] as const) {
    if (value !== undefined && !/^-?\d+$/.test(value)) {
      console.error(`${flag} must be the numeric account id (got "${value}"): see "Finding chat and user ids" in the README.`);
      return 2;
    }
  }
  const id = values.id ?? foldForMatching(values.name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const { staff } = await withDatabase(({ db }) =>
    createUnitsRepository({ db }).upsertStaffMember({
      id,
      unitId: values.unit!,
      name: values.name!,
      role: values.role as 'lead' | 'staff',
      telegramUserId: values.telegram ?? null,
      zaloUserId: values.zalo ?? null,
    }),
  );
  console.log(`Saved ${staff.id}: ${staff.name} (${staff.role}) in ${staff.unitId}, telegram ${staff.telegramUserId ?? '-'}, zalo ${staff.zaloUserId ?? '-'}.`);
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { unit: { type: 'string' } } });
  await withDatabase(async ({ db }) => {
    const repo = createUnitsRepository({ db });
    const unitIds = values.unit ? [values.unit] : (await repo.listUnits()).units.map((u) => u.id);
    for (const unitId of unitIds) {
      const { staff } = await repo.listStaff({ unitId, includeInactive: true });
      console.log(`${unitId}:`);
      for (const s of staff) {
        console.log(`  ${s.id.padEnd(16)} ${s.name.padEnd(24)} ${s.role.padEnd(5)} telegram ${s.telegramUserId ?? '-'}  zalo ${s.zaloUserId ?? '-'}${s.active ? '' : '  [inactive]'}`);
      }
      if (staff.length === 0) console.log('  (nobody yet)');
    }
  });
  return 0;
}

async function remove(staffId: string): Promise<number> {
  const { staff } = await withDatabase(({ db }) => createUnitsRepository({ db }).setStaffActive({ staffId, active: false }));
  console.log(`Deactivated ${staff.id} (${staff.name}).`);
  return 0;
}
