/**
 * Who is asking: the session cookie is resumed from the database on every console request;
 * state-changing requests must carry the session's CSRF token (form field `_csrf` or header
 * `x-csrf-token`), else 403. Roles are checked per route with `requireRole`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AdminRole } from '../admin/admin.table.js';
import type { AdminSession, AdminSessions } from '../admin/admin.sessions.js';

export const SESSION_COOKIE = 'mc_admin';
export const LOGIN_COOKIE = 'mc_login';

export type ConsoleRequest = Request & { session?: AdminSession };

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function setCookie(res: Response, req: Request, { name, value, maxAgeSeconds }: { name: string; value: string; maxAgeSeconds: number }) {
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${name}=${encodeURIComponent(value)}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`);
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Loads the session (if any) onto the request; an expired one is cleared and remembered for the login page. */
export function loadSession({ sessions, now }: { sessions: AdminSessions; now: () => Date }) {
  return async (req: ConsoleRequest, res: Response, next: NextFunction) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) return next();
    try {
      const { session, expired } = await sessions.resume({ token, now: now() });
      if (session) req.session = session;
      else {
        setCookie(res, req, { name: SESSION_COOKIE, value: '', maxAgeSeconds: 0 });
        if (expired) res.locals.sessionExpired = true;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Signed in, with one of `roles`; otherwise the login page (pages) or 401/403. */
export function requireRole(...roles: AdminRole[]) {
  return (req: ConsoleRequest, res: Response, next: NextFunction) => {
    const session = req.session;
    if (!session) {
      if (req.method === 'GET' && req.accepts('html')) {
        const reason = res.locals.sessionExpired ? '&expired=1' : '';
        return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}${reason}`);
      }
      return res.status(401).type('text/plain').send('Phiên đăng nhập đã hết hạn: hãy đăng nhập lại.');
    }
    if (!roles.includes(session.account.role)) return forbidden(res);
    next();
  };
}

/**
 * Routes that take a multipart form (a file upload without JavaScript): the token is a field of the
 * form, which only the route reads, so the route itself checks it (and refuses with 403) before acting.
 */
const CSRF_CHECKED_BY_ROUTE = new Set(['/admin/import/preview']);

/** Every POST/PUT/PATCH/DELETE under /admin (except the sign-in form, which has its own token) needs the session's token. */
export function requireCsrf(req: ConsoleRequest, res: Response, next: NextFunction) {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  if (req.method === 'POST' && CSRF_CHECKED_BY_ROUTE.has(req.originalUrl.split('?')[0]!) && req.is('multipart/form-data')) return next();
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  if (req.session && sameToken(typeof sent === 'string' ? sent : undefined, req.session.csrfToken)) return next();
  res.status(403).type('text/plain').send('Yêu cầu không hợp lệ (thiếu mã bảo vệ CSRF): hãy tải lại trang rồi thử lại.');
}

export function forbidden(res: Response) {
  res.status(403).type('text/plain').send('Anh/chị không có quyền xem hoặc sửa mục này.');
}
