/**
 * Reads what a staff member asked for, from a button tap or typed text. Pure.
 * Commands have Vietnamese and ASCII aliases and tolerate diacritics (/nhận = /nhan) because Zalo
 * users type them by hand. `#HS-0042 nội dung` is the explicit reply form (a command the staff
 * member typed, not a code read back out of one of our messages).
 */
import { parseTicketCode } from '../tickets/tickets.models.js';
import { BUTTON_ACTIONS } from '../../shared/actions.js';
import { foldDiacritics } from '../../shared/fold.js';

export type StaffVerb = 'claim' | 'reply' | 'note' | 'transfer' | 'close' | 'reopen' | 'resend' | 'list' | 'faq' | 'id' | 'help';

export type StaffCommand =
  | { verb: StaffVerb; code?: string; ticketId?: number; text: string; fromButton: boolean }
  /** Not a command: plain text (a reply when it is in a ticket's topic or quotes a ticket message). */
  | { verb: 'text'; text: string; fromButton: false }
  /** Looked like a command but is none of ours: ignored (other bots share groups). */
  | { verb: 'unknown'; text: string; fromButton: boolean };

const ALIASES: Record<string, StaffVerb> = {
  nhan: 'claim',
  claim: 'claim',
  traloi: 'reply',
  tl: 'reply',
  reply: 'reply',
  ghichu: 'note',
  note: 'note',
  chuyen: 'transfer',
  transfer: 'transfer',
  dong: 'close',
  close: 'close',
  xong: 'close',
  mo: 'reopen',
  molai: 'reopen',
  reopen: 'reopen',
  guilai: 'resend',
  resend: 'resend',
  ds: 'list',
  danhsach: 'list',
  list: 'list',
  faq: 'faq',
  id: 'id',
  help: 'help',
  huongdan: 'help',
  hd: 'help',
};

/** Button data: t:<verb>:<ticketId>, kept short for Telegram's 64-byte callback_data limit. */
const BUTTON = /^t:(claim|close|reopen|resend):(\d{1,15})$/;

export function toButtonData({ verb, ticketId }: { verb: 'claim' | 'close' | 'reopen' | 'resend'; ticketId: number }): string {
  return `${BUTTON_ACTIONS.ticket}${verb}:${ticketId}`;
}

export function foldCommandWord(word: string): string {
  return foldDiacritics(word).toLowerCase();
}

function readCode(token: string | undefined): string | undefined {
  if (!token) return undefined;
  if (/^\d{1,9}$/.test(token)) return parseTicketCode({ text: `HS-${token}` }).code;
  return parseTicketCode({ text: token }).code;
}

export function parseStaffCommand({ text, action }: { text: string; action?: string }): { command: StaffCommand } {
  if (action !== undefined) {
    const match = BUTTON.exec(action);
    if (!match) return { command: { verb: 'unknown', text: action, fromButton: true } };
    return { command: { verb: match[1] as StaffVerb, ticketId: Number(match[2]), text: '', fromButton: true } };
  }
  const trimmed = text.trim();

  const hash = /^#(hs-?\d{1,9})\b[\s:,-]*([\s\S]*)$/i.exec(trimmed);
  if (hash) {
    const code = readCode(hash[1]);
    if (code) return { command: { verb: 'reply', code, text: hash[2]?.trim() ?? '', fromButton: false } };
  }

  const slash = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!slash) return { command: { verb: 'text', text: trimmed, fromButton: false } };
  const verb = ALIASES[foldCommandWord(slash[1] ?? '').replace(/@.*$/, '')];
  if (!verb) return { command: { verb: 'unknown', text: trimmed, fromButton: false } };

  const rest = slash[2] ?? '';
  const [first] = rest.split(/\s+/);
  const code = readCode(first);
  const body = code ? rest.slice(rest.indexOf(first!) + first!.length).trim() : rest.trim();
  return { command: { verb, ...(code ? { code } : {}), text: body, fromButton: false } };
}
