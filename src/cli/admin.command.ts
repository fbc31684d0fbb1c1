/**
 * `admin add|passwd|list|remove`: console accounts. The password is read from standard input when
 * it is not a terminal (`printf 'secret\n' | …`), otherwise asked twice without echo.
 * With the embedded database (PGlite) stop the bot first: only one process can open it.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createAuditLog } from '../admin/admin.audit.js';
import { passwordProblem } from '../admin/admin.passwords.js';
import { createAdminRepository } from '../admin/admin.repository.js';
import { ADMIN_ROLES, type AdminRole } from '../admin/admin.table.js';
import { createUnitsRepository } from '../units/index.js';
import { withDatabase } from './units.command.js';

const USAGE = `Usage:
  npm run cli -- admin add <username> --role province|unit|staff [--unit <unit id>] [--staff <staff id>]
  npm run cli -- admin passwd <username>
  npm run cli -- admin list
  npm run cli -- admin remove <username>
The password comes from standard input when piped (printf 'mat-khau\\n' | npm run cli -- admin add …),
otherwise it is asked twice. --staff links the account to a registered staff member of the unit
(see \`npm run cli -- staff list\`): they may then answer the unit's tickets from the console.
A staff account sees its unit's tickets; without --staff it only reads them.`;

const ACTOR = 'cli';

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(rest);
  if (sub === 'passwd' && rest[0]) return passwd(rest[0]);
  if (sub === 'list') return list();
  if (sub === 'remove' && rest[0]) return remove(rest[0]);
  console.error(USAGE);
  return sub ? 2 : 0;
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { role: { type: 'string' }, unit: { type: 'string' }, staff: { type: 'string' } } });
  const [username] = positionals;
  if (!username || !ADMIN_ROLES.includes(values.role as AdminRole)) {
    console.error(USAGE);
    return 2;
  }
  if (values.staff) {
    const staffId = values.staff;
    const known = await withDatabase(async ({ db }) => (await createUnitsRepository({ db }).listStaff({ unitId: values.unit ?? '' })).staff.some((s) => s.id === staffId));
    if (!known) {
      console.error(`Không có cán bộ "${staffId}" trong đơn vị ${values.unit ?? '(chưa có --unit)'}. No active staff member "${staffId}" in that unit: see \`npm run cli -- staff list\`.`);
      return 2;
    }
  }
  const password = await readNewPassword({ username });
  if (password === null) return 2;
  const { account } = await withDatabase(async ({ db }) => {
    const result = await createAdminRepository({ db }).addAccount({ username, password, role: values.role as AdminRole, unitId: values.unit ?? null, staffId: values.staff ?? null });
    await createAuditLog({ db }).record({ actor: ACTOR, action: 'admin.add', target: result.account.username, after: { role: result.account.role, unitId: result.account.unitId, staffId: result.account.staffId } });
    return result;
  });
  console.log(`Đã tạo tài khoản ${account.username} (${account.role}${account.unitId ? `, ${account.unitId}` : ''}). Added: sign in at /admin.`);
  return 0;
}

async function passwd(username: string): Promise<number> {
  const password = await readNewPassword({ username });
  if (password === null) return 2;
  const { account } = await withDatabase(async ({ db }) => {
    const result = await createAdminRepository({ db }).setPassword({ username, password });
    await createAuditLog({ db }).record({ actor: ACTOR, action: 'admin.passwd', target: result.account.username });
    return result;
  });
  console.log(`Đã đổi mật khẩu của ${account.username}; mọi phiên đăng nhập cũ đã kết thúc. Password changed, sessions ended.`);
  return 0;
}

async function list(): Promise<number> {
  const { accounts } = await withDatabase(({ db }) => createAdminRepository({ db }).listAccounts());
  if (accounts.length === 0) console.log('Chưa có tài khoản nào. No accounts yet: npm run cli -- admin add <username> --role province');
  for (const a of accounts) {
    console.log(`${a.username.padEnd(20)} ${a.role.padEnd(9)} ${(a.unitId ?? '-').padEnd(16)} ${(a.staffId ?? '-').padEnd(14)} created ${a.createdAt.toISOString().slice(0, 10)}`);
  }
  return 0;
}

async function remove(username: string): Promise<number> {
  const { account } = await withDatabase(async ({ db }) => {
    const result = await createAdminRepository({ db }).removeAccount({ username });
    await createAuditLog({ db }).record({ actor: ACTOR, action: 'admin.remove', target: result.account.username, before: { role: result.account.role, unitId: result.account.unitId } });
    return result;
  });
  console.log(`Đã xóa tài khoản ${account.username}. Removed.`);
  return 0;
}

/** The new password, checked; null (with the reason printed) when it cannot be used. */
async function readNewPassword({ username }: { username: string }): Promise<string | null> {
  let password: string;
  if (!process.stdin.isTTY) {
    password = (await readAll(process.stdin)).split(/\r?\n/)[0] ?? '';
  } else {
    password = await askHidden('Mật khẩu mới (new password): ');
    const again = await askHidden('Nhập lại (again): ');
    if (password !== again) {
      console.error('Hai lần nhập không khớp. The two passwords differ; nothing was changed.');
      return null;
    }
  }
  const problem = passwordProblem({ password, username });
  if (problem) {
    console.error(`${problem} Nothing was changed.`);
    return null;
  }
  return password;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    // Echo nothing of what is typed after the prompt.
    output._writeToOutput = (s: string) => {
      if (s.startsWith(prompt)) process.stdout.write(prompt);
    };
  });
}
