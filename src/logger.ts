/**
 * pino logger whose every line passes through `maskPersonalNumbers` before it is written,
 * so phone and ID numbers never reach a log file, whatever field or message they hide in.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

// Vietnamese mobile/landline numbers: 0 or +84/84 then 9 digits, optionally split by spaces, dots or dashes.
const PHONE = /(?<![\d:])(?:\+?84|0)(?:[ .-]?\d){9}(?!\d)/g;
// CCCD (12 digits) and old CMND (9 digits). Preceded-by-colon is excluded so conversation refs
// such as telegram:123456789 stay readable.
const ID_NUMBER = /(?<![\d:])(?:\d{12}|\d{9})(?!\d)/g;

/** Keeps the last three digits so staff can still tell two numbers apart. */
export function maskPersonalNumbers(text: string): string {
  const mask = (match: string) => {
    const digits = match.replace(/\D/g, '');
    return `***${digits.slice(-3)}`;
  };
  return text.replace(PHONE, mask).replace(ID_NUMBER, mask);
}

type LineSink = { write(line: string): unknown };

function maskingStream(next: LineSink): LineSink {
  return { write: (line: string) => next.write(maskPersonalNumbers(line)) };
}

const MAX_LOGGED_STRING = 1_000;
const MAX_LOGGED_ITEMS = 20;

/**
 * A copy of a log field with no bytes and no bodies in it: binary data (an upload's Buffer, in a
 * failed query's params too) becomes "[binary, N bytes]", long strings are cut, long arrays and deep
 * objects shortened. So a failing insert of a resident's ID photo cannot put the photo in a log.
 */
export function scrubLogValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > MAX_LOGGED_STRING ? `${value.slice(0, MAX_LOGGED_STRING)}… [${value.length} characters]` : value;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary, ${value.byteLength} bytes]`;
  if (depth >= 6) return '[…]';
  if (value instanceof Date) return value;
  // An error keeps its type, message, code and stack; its other fields (a query's params) are scrubbed.
  if (value instanceof Error) {
    const serialized = pino.stdSerializers.err(value) as unknown as Record<string, unknown>;
    // drizzle writes the query's parameters into the message (and so the stack): never logged.
    for (const key of ['message', 'stack']) {
      if (typeof serialized[key] === 'string') serialized[key] = (serialized[key] as string).replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '\nparams: [not logged]');
    }
    return scrubLogValue(serialized, depth);
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOGGED_ITEMS).map((v) => scrubLogValue(v, depth + 1));
    return value.length > MAX_LOGGED_ITEMS ? [...items, `… ${value.length - MAX_LOGGED_ITEMS} more`] : items;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) copy[key] = scrubLogValue(v, depth + 1);
  return copy;
}

type PrettyFactory = (options: { colorize: boolean; translateTime: string; ignore: string }) => LineSink;

/** pino-pretty is a development dependency: absent in a production install, and then logs stay JSON. */
function loadPretty(): PrettyFactory | undefined {
  try {
    const mod = createRequire(import.meta.url)('pino-pretty') as PrettyFactory & { default?: PrettyFactory };
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
}

/** Pretty output in a terminal when pino-pretty is installed, JSON otherwise (or when LOG_FORMAT=json). `sink` is for tests. */
export function createLogger({ level, sink }: { level: string; sink?: LineSink }): Logger {
  const prettify = !sink && process.stdout.isTTY && process.env.LOG_FORMAT !== 'json' ? loadPretty() : undefined;
  const destination: LineSink = sink ?? (prettify ? prettify({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }) : process.stdout);
  return pino(
    {
      level,
      base: undefined,
      // Every field, errors included, is scrubbed first (errors serialised there): the err serializer has nothing left to do.
      formatters: { log: (object) => scrubLogValue(object) as Record<string, unknown> },
      serializers: { err: (error: unknown) => error },
    },
    maskingStream(destination),
  );
}
