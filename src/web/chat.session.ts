/**
 * Who is chatting on this device: a random token in an HttpOnly, SameSite=Strict cookie scoped to the
 * chat API (page scripts cannot read it, other sites cannot send it, it never appears in a URL).
 *
 * The session id the rest of the bot sees (conversation ref "web:<id>") is derived from the token
 * by a one-way hash, so the ids that reach the database, the staff cards and the logs cannot be
 * turned back into a cookie that opens the transcript.
 *
 * Before this cookie, the page kept a session id of its own in localStorage; `adopt` turns such an
 * id into a cookie once, so a resident's conversation survives the upgrade (those ids stay as
 * guessable as they were; "Cuộc trò chuyện mới" replaces them with a token).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

export const CHAT_COOKIE = 'motcua_chat';
/** A resident's own phone keeps the conversation for a month (a staff answer may take days). */
const MAX_AGE_S = 30 * 24 * 60 * 60;
const TOKEN = /^t\.([A-Za-z0-9_-]{43})$/;
const LEGACY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The session id of this request's cookie, or undefined when it has none (or a malformed one). */
export function sessionOf(req: Request): { sessionId: string } | undefined {
  const value = readCookie(req, CHAT_COOKIE);
  if (!value) return undefined;
  const token = TOKEN.exec(value)?.[1];
  if (token) return { sessionId: sessionIdOfToken(token) };
  return LEGACY_ID.test(value) ? { sessionId: value.toLowerCase() } : undefined;
}

/** A fresh session on this device (the previous one stays in the database, out of this device's reach). */
export function startSession(req: Request, res: Response): { sessionId: string } {
  const token = randomBytes(32).toString('base64url');
  setCookie(req, res, `t.${token}`);
  return { sessionId: sessionIdOfToken(token) };
}

/** A session id the page kept in localStorage before the cookie existed: adopted once, when the request has no session yet. */
export function adoptLegacySession(req: Request, res: Response, { legacySessionId }: { legacySessionId: string }): { sessionId: string } | undefined {
  if (!LEGACY_ID.test(legacySessionId)) return undefined;
  setCookie(req, res, legacySessionId.toLowerCase());
  return { sessionId: legacySessionId.toLowerCase() };
}

/** UUID-shaped (what conversation refs and the transcript expect), from the token's SHA-256. */
export function sessionIdOfToken(token: string): string {
  const h = createHash('sha256').update(`motcua-web-session:${token}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function setCookie(req: Request, res: Response, value: string) {
  // Secure when the page came over https (directly, or through a proxy TRUST_PROXY trusts).
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${CHAT_COOKIE}=${value}; Path=/api/chat; HttpOnly; SameSite=Strict; Max-Age=${MAX_AGE_S}${secure}`);
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
