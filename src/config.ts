/**
 * The one configuration of the process, read from environment variables (and an optional `.env`).
 * Every variable is declared once here, with its default and a hint that says how to fix a bad value.
 * `.env.example` documents the same list; tests/config.test.ts checks the two stay in step.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The package's own data/ folder, found from this file (src/ under tsx, dist/ when built), whatever the working directory. */
const PACKAGE_DATA_DIR = fileURLToPath(new URL('../data', import.meta.url));

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional());

/** Each entry: the zod schema for the raw string, its default, and what to tell a person who got it wrong. */
const variables = {
  PORT: { schema: z.coerce.number().int().min(1).max(65535), default: '3000', hint: 'a TCP port such as 3000' },
  HOST: { schema: z.string().min(1), default: '127.0.0.1', hint: 'an address to listen on, e.g. 127.0.0.1 or 0.0.0.0' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    hint: 'one of fatal, error, warn, info, debug, trace, silent',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional()),
    default: '',
    hint: 'leave empty for embedded PGlite, or set postgres://user@host:5432/dbname',
  },
  PGLITE_DATA_DIR: { schema: z.string().min(1), default: '.data/pglite', hint: 'a writable directory for the embedded database' },
  UPLOADS_DIR: {
    schema: z.string().min(1),
    default: '.data/uploads',
    hint: 'a writable directory for the photos and PDFs residents send from the web chat (shared by every bot process on one database)',
  },
  HEALTH_PORT: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : Number(v)))
      .pipe(z.number().int().min(1).max(65535).optional()),
    default: '',
    hint: 'a TCP port for the detailed health report (channels, staff groups, last errors), or leave empty for none',
  },
  HEALTH_HOST: { schema: z.string().min(1), default: '127.0.0.1', hint: 'the address of the detailed health report; keep 127.0.0.1 (only this machine) unless a monitoring network needs it' },
  DATA_DIR: { schema: z.string().min(1), default: 'data', hint: 'the folder holding the catalogue, lexicon and unit files' },
  TELEGRAM_BOT_TOKEN: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.string().regex(/^\d+:[\w-]{20,}$/, 'does not look like a bot token').optional()),
    default: '',
    hint: 'the token @BotFather gave you (123456:ABC-…), or leave empty to keep Telegram off',
  },
  TELEGRAM_WEBHOOK_URL: {
    schema: optionalUrl,
    default: '',
    hint: 'the public https URL of this server (e.g. https://bot.example.vn); leave empty for long polling',
  },
  TELEGRAM_WEBHOOK_SECRET: {
    schema: z.string().regex(/^[A-Za-z0-9_-]{0,256}$/, 'may hold only A-Z a-z 0-9 _ - (Telegram rule)'),
    default: '',
    hint: 'a random string of letters, digits, _ or -; generated at start if empty',
  },
  TELEGRAM_API_ROOT: { schema: optionalUrl, default: '', hint: 'leave empty for https://api.telegram.org (tests point it at a fake)' },
  ZALO_ENABLED: { schema: boolFromEnv, default: 'false', hint: 'true to log in to Zalo with saved credentials, false to keep it off' },
  BOT_OPEN_GROUPS: {
    schema: z
      .string()
      .transform((v) => v.split(',').map((ref) => ref.trim()).filter((ref) => ref !== ''))
      .pipe(z.array(z.string().regex(/^(telegram|zalo):\S+$/, 'each entry must be a group conversation ref like telegram:-100123 or zalo:group:123'))),
    default: '',
    hint: 'a comma-separated list of group conversation refs where the bot answers every message, not only when mentioned (default: none)',
  },
  BOT_COMMUNITY_GROUPS: {
    schema: z.string().transform((v, ctx) => {
      const groups: CommunityGroup[] = [];
      for (const entry of v.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
        const parsed = parseCommunityGroup(entry);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: parsed });
          return z.NEVER;
        }
        groups.push(parsed);
      }
      return groups;
    }),
    default: '',
    hint: 'comma-separated residents\' groups, each a group ref with options after ";", e.g. telegram:-1001234;unit=phuong-mau;answer=sure;staff=in_group (answer: addressed|sure, staff: group|in_group; default: none)',
  },
  ZALO_CREDENTIALS_PATH: {
    schema: z.string().min(1),
    default: '.data/zalo-credentials.json',
    hint: 'where `npm run cli -- zalo login` saves the Zalo session (kept secret, mode 0600)',
  },
  TRUST_PROXY: {
    schema: z
      .string()
      .trim()
      .transform((v): boolean | number | string => (v === '' || v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v))
      .pipe(z.union([z.boolean(), z.number().int().min(0).max(10), z.string().regex(/^(loopback|linklocal|uniquelocal|[\d.:a-fA-F/]+)(\s*,\s*(loopback|linklocal|uniquelocal|[\d.:a-fA-F/]+))*$/, 'must be empty, a hop count, or addresses')])),
    default: '',
    hint: 'empty (trust no proxy: the default), the number of proxies in front (1), or their addresses (loopback, 10.0.0.1); it decides the client address and https for Secure cookies',
  },
  PUBLIC_URL: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v.replace(/\/+$/, '')))
      .pipe(
        z
          .url({ protocol: /^https?$/, error: 'is not an http(s) URL' })
          .refine((v) => !/[?#]/.test(v), 'must not carry a query or #fragment')
          .optional(),
      ),
    default: '',
    hint: 'the address people open the console at, without /admin (e.g. https://motcua.example.vn); staff-group cards then link to the ticket page. Leave empty for no link',
  },
  RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650),
    default: '365',
    hint: 'how many days chat transcripts are kept before they are erased, 1–3650 (personal-data law: keep no longer than needed)',
  },
  CLOCK_OFFSET: {
    schema: z
      .string()
      .trim()
      .transform((v, ctx) => {
        const ms = parseClockOffset(v);
        if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'is not a signed duration' });
        return ms ?? 0;
      }),
    default: '',
    hint: 'a signed duration such as +2d, -3h30m or +45m (the bot runs that far ahead of or behind real time), or leave empty',
  },
  CLOCK_OFFSET_IN_PRODUCTION: {
    schema: boolFromEnv,
    default: 'false',
    hint: 'true only if a production process must really run with CLOCK_OFFSET (e.g. a staging copy started with NODE_ENV=production)',
  },
} as const;

/** "+2d", "-3h30m", "45m", "90s" → milliseconds; '' → 0; anything else → undefined. */
export function parseClockOffset(text: string): number | undefined {
  if (text === '') return 0;
  const match = /^([+-]?)((?:\d+[dhms])+)$/.exec(text.replace(/\s+/g, ''));
  if (!match) return undefined;
  const unit: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
  let ms = 0;
  for (const [, n, u] of match[2]!.matchAll(/(\d+)([dhms])/g)) ms += Number(n) * unit[u!]!;
  return match[1] === '-' ? -ms : ms;
}

type Variables = typeof variables;
export type ConfigVariableName = keyof Variables;

export type Config = {
  port: number;
  host: string;
  logLevel: z.output<Variables['LOG_LEVEL']['schema']>;
  database: { url: string | undefined; pgliteDataDir: string };
  /** Web chat uploads' bytes (src/web/uploads.files.ts). */
  uploadsDir: string;
  /** The detailed /healthz on its own listener (admin-only: loopback by default); port undefined = none. */
  health: { port: number | undefined; host: string };
  dataDir: string;
  telegram: { botToken: string | undefined; webhookUrl: string | undefined; webhookSecret: string; apiRoot: string | undefined };
  zalo: { enabled: boolean; credentialsPath: string };
  /** Groups where the bot answers unaddressed messages too (refs as logged). */
  bot: { openGroups: string[]; communityGroups: CommunityGroup[] };
  /** express "trust proxy": which X-Forwarded-* headers to believe (client address, https). */
  trustProxy: boolean | number | string;
  /** Where the console is reached from outside (no trailing slash); cards link to `${publicUrl}/admin/tickets/HS-…`. */
  publicUrl: string | undefined;
  /** Transcripts older than this are erased daily (src/privacy/privacy.job.ts). */
  privacy: { retentionDays: number };
  /** How far the bot's clock runs from real time (CLOCK_OFFSET), for trying out-of-hours flows; 0 normally. */
  clockOffsetMs: number;
};

/**
 * A residents' group the bot is a member of, and its manners (src/bot/core/pipeline.ts GroupPolicy):
 * `answer` 'addressed' (default) or 'sure'; `unitId` the centre it belongs to; `staffInGroup` the
 * centre's officers answer in the group itself.
 */
export type CommunityGroup = { conversationRef: string; answer: 'addressed' | 'sure'; unitId?: string; staffInGroup: boolean };

/** "telegram:-100123;unit=phuong-mau;answer=sure;staff=in_group" → a CommunityGroup, or why not. */
export function parseCommunityGroup(entry: string): CommunityGroup | string {
  const [ref = '', ...options] = entry.split(';').map((part) => part.trim());
  if (!/^(telegram:-?\d+(:topic:\d+)?|zalo:group:\d+)$/.test(ref)) return `"${ref}" is not a group ref like telegram:-1001234 or zalo:group:123`;
  const group: CommunityGroup = { conversationRef: ref, answer: 'addressed', staffInGroup: false };
  for (const option of options) {
    const [key, value = ''] = option.split('=').map((part) => part.trim());
    if (key === 'answer' && (value === 'addressed' || value === 'sure')) group.answer = value;
    else if (key === 'unit' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) group.unitId = value;
    else if (key === 'staff' && (value === 'group' || value === 'in_group')) group.staffInGroup = value === 'in_group';
    else return `"${option}" (in ${ref}) is not an option: use answer=addressed|sure, unit=<unit id>, staff=group|in_group`;
  }
  return group;
}

/** Thrown when the environment cannot be turned into a Config; `problems` holds one readable line each. */
export class ConfigError extends Error {
  readonly code = 'config.invalid';
  constructor(readonly problems: string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function listConfigVariables(): Array<{ name: ConfigVariableName; default: string; hint: string }> {
  return (Object.keys(variables) as ConfigVariableName[]).map((name) => ({
    name,
    default: variables[name].default,
    hint: variables[name].hint,
  }));
}

/** Pure: reads the given environment (default process.env) and returns a Config or throws ConfigError. */
export function loadConfig({ env = process.env }: { env?: Record<string, string | undefined> } = {}): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(variables) as ConfigVariableName[]) {
    const spec = variables[name];
    const raw = env[name] ?? spec.default;
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      const reason = parsed.error.issues[0]?.message ?? 'is invalid';
      problems.push(`${name}=${JSON.stringify(raw)} ${reason}: set ${name} to ${spec.hint}.`);
    }
  }
  if (values.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is empty: set the token or clear the webhook URL.');
  }
  if (values.CLOCK_OFFSET && env.NODE_ENV === 'production' && !values.CLOCK_OFFSET_IN_PRODUCTION) {
    problems.push(
      'CLOCK_OFFSET is set while NODE_ENV=production: tickets, SLA deadlines and retention would use a false time. Clear CLOCK_OFFSET, or set CLOCK_OFFSET_IN_PRODUCTION=true if this really is a trial copy.',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const v = values as { [K in ConfigVariableName]: z.output<Variables[K]['schema']> };
  return {
    port: v.PORT,
    host: v.HOST,
    logLevel: v.LOG_LEVEL,
    database: { url: v.DATABASE_URL, pgliteDataDir: v.PGLITE_DATA_DIR },
    uploadsDir: v.UPLOADS_DIR,
    health: { port: v.HEALTH_PORT, host: v.HEALTH_HOST },
    dataDir: env.DATA_DIR ? v.DATA_DIR : PACKAGE_DATA_DIR,
    telegram: {
      botToken: v.TELEGRAM_BOT_TOKEN,
      webhookUrl: v.TELEGRAM_WEBHOOK_URL,
      webhookSecret: v.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: v.TELEGRAM_API_ROOT,
    },
    zalo: { enabled: v.ZALO_ENABLED, credentialsPath: v.ZALO_CREDENTIALS_PATH },
    bot: { openGroups: v.BOT_OPEN_GROUPS, communityGroups: v.BOT_COMMUNITY_GROUPS },
    trustProxy: v.TRUST_PROXY,
    publicUrl: v.PUBLIC_URL,
    privacy: { retentionDays: v.RETENTION_DAYS },
    clockOffsetMs: v.CLOCK_OFFSET,
  };
}
