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
  return pino({ level, base: undefined }, maskingStream(destination));
}
