/**
 * The admin console at /admin: sign-in with throttling, sessions, CSRF on every state change, then
 * each area's routes. Mounted from main.ts. Its security headers (a strict CSP, self-hosted assets
 * only) are the whole app's: src/web/security.headers.ts.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Response } from 'express';
import { hashPassword, verifyPassword } from '../admin/admin.passwords.js';
import { SESSION_ABSOLUTE_MS } from '../admin/admin.sessions.js';
import { registerCatalogueRoutes } from './catalogue.routes.js';
import { diffEntries } from './catalogue.diff.js';
import { formatWhen } from './catalogue.views.js';
import { LOGIN_COOKIE, SESSION_COOKIE, loadSession, readCookie, requireCsrf, requireRole, sameToken, setCookie, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { html } from './console.html.js';
import { sendPage } from './console.page.js';
import { revalidatedAssets } from '../web/static.assets.js';
import { registerExchangeRoutes } from './exchange.routes.js';
import { registerInboxRoutes } from './inbox.routes.js';
import { registerOverrideRoutes } from './overrides.routes.js';
import { registerReportRoutes } from './reports.routes.js';
import { registerStaffDraftRoutes } from './staff-drafts.routes.js';
import { registerUnitRoutes } from './units.routes.js';
import { registerZaloRoutes, zaloAlert } from './zalo.routes.js';
import { registerTicketRoutes } from './tickets.routes.js';

const ASSETS = fileURLToPath(new URL('./public', import.meta.url));

export function registerConsoleRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  // Revalidated on every load (ETag, 304 when unchanged), so an upgrade is seen at once.
  app.use('/admin/assets', express.static(ASSETS, { fallthrough: false, ...revalidatedAssets }));
  app.use('/admin', express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 2000 }));
  app.use('/admin', loadSession({ sessions: deps.sessions, now: deps.now }));

  registerLoginRoutes({ app, deps });
  app.use('/admin', requireCsrf);
  app.use('/admin', zaloAlert({ deps }));

  app.post('/admin/logout', async (req: ConsoleRequest, res) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (token) await deps.sessions.end({ token });
    if (req.session) await deps.audit.record({ actor: req.session.account.username, action: 'admin.logout', target: req.session.account.username });
    setCookie(res, req, { name: SESSION_COOKIE, value: '', maxAgeSeconds: 0 });
    res.redirect(303, '/admin/login?ok=bye');
  });

  // A staff account works tickets only: its home is the ticket list.
  app.get('/admin', (req: ConsoleRequest, res, next) => (req.session?.account.role === 'staff' ? res.redirect(303, '/admin/tickets') : next()));
  registerCatalogueRoutes({ app, deps });
  registerOverrideRoutes({ app, deps });
  registerStaffDraftRoutes({ app, deps });
  registerExchangeRoutes({ app, deps });
  registerInboxRoutes({ app, deps });
  registerReportRoutes({ app, deps });
  registerTicketRoutes({ app, deps });
  registerUnitRoutes({ app, deps });
  registerZaloRoutes({ app, deps });
  registerAuditRoutes({ app, deps });
}

function registerLoginRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  // Checked when the username is unknown, so both paths cost one argon2 verification.
  const dummyHash = hashPassword({ password: randomBytes(16).toString('hex') }).then((r) => r.hash);
  const loginPage = (req: ConsoleRequest, res: Response, { status = 200, message, username = '' }: { status?: number; message?: string; username?: string } = {}) => {
    let token = readCookie(req, LOGIN_COOKIE);
    if (!token) {
      token = randomBytes(24).toString('base64url');
      setCookie(res, req, { name: LOGIN_COOKIE, value: token, maxAgeSeconds: 3600 });
    }
    const expired = req.query.expired === '1' || res.locals.sessionExpired === true;
    const notice = message ?? (expired ? 'Phiên làm việc đã hết hạn, anh/chị vui lòng đăng nhập lại.' : req.query.ok === 'bye' ? 'Đã đăng xuất.' : undefined);
    const next = typeof req.query.next === 'string' ? req.query.next : '/admin';
    res.status(status);
    sendPage(req, res, {
      title: 'Đăng nhập',
      flash: notice ? { kind: message ? 'error' : 'ok', text: notice } : undefined,
      body: html`<form method="post" action="/admin/login" class="login card">
  <h1>Đăng nhập quản trị</h1>
  <input type="hidden" name="_login" value="${token}">
  <input type="hidden" name="next" value="${next}">
  <div class="field"><label for="username">Tên đăng nhập</label><input id="username" name="username" value="${username}" autocomplete="username" required autofocus></div>
  <div class="field"><label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
  <button type="submit" class="primary">Đăng nhập</button>
</form>`,
    });
  };

  app.get('/admin/login', (req: ConsoleRequest, res) => {
    if (req.session) return res.redirect(303, '/admin');
    loginPage(req, res);
  });

  app.post('/admin/login', async (req: ConsoleRequest, res) => {
    const body = req.body as Record<string, unknown>;
    if (!sameToken(typeof body._login === 'string' ? body._login : undefined, readCookie(req, LOGIN_COOKIE))) {
      return res.status(403).type('text/plain').send('Yêu cầu không hợp lệ (thiếu mã bảo vệ): hãy tải lại trang đăng nhập rồi thử lại.');
    }
    const username = String(body.username ?? '').trim().slice(0, 60);
    const password = String(body.password ?? '').slice(0, 200);
    const keys = { ip: req.ip ?? 'unknown', username };
    const now = deps.now();
    const locked = await deps.throttle.lockedUntil({ keys, now });
    const lockedMessage = (until: Date) =>
      `Anh/chị đã nhập sai quá nhiều lần. Vì an toàn, đăng nhập tạm khóa đến ${formatWhen(until)} (khoảng ${Math.ceil((until.getTime() - now.getTime()) / 60_000)} phút). Nếu quên mật khẩu, hãy nhờ quản trị tỉnh đặt lại.`;
    if (locked) return loginPage(req, res, { status: 429, message: lockedMessage(locked), username });
    const { account } = await deps.accounts.findByUsername({ username });
    const ok = await verifyPassword({ hash: account?.passwordHash ?? (await dummyHash), password });
    if (!account || !ok) {
      await deps.throttle.recordFailure({ keys, now });
      const nowLocked = await deps.throttle.lockedUntil({ keys, now });
      deps.logger.warn({ ip: keys.ip }, 'console sign-in failed');
      if (nowLocked) return loginPage(req, res, { status: 429, message: lockedMessage(nowLocked), username });
      return loginPage(req, res, { status: 401, message: 'Tên đăng nhập hoặc mật khẩu chưa đúng. Anh/chị kiểm tra lại (chú ý chữ hoa, bộ gõ tiếng Việt).', username });
    }
    await deps.throttle.clear({ keys });
    // Sessions that timed out are refused anyway; dropping them here keeps the table small.
    await deps.sessions.sweep({ now });
    const { token } = await deps.sessions.create({ accountId: account.id, now });
    setCookie(res, req, { name: SESSION_COOKIE, value: token, maxAgeSeconds: SESSION_ABSOLUTE_MS / 1000 });
    setCookie(res, req, { name: LOGIN_COOKIE, value: '', maxAgeSeconds: 0 });
    await deps.audit.record({ actor: account.username, action: 'admin.login', target: account.username });
    const next = typeof body.next === 'string' && /^\/admin(\/|$|\?)/.test(body.next) && !body.next.startsWith('//') ? body.next : '/admin';
    res.redirect(303, next);
  });
}

function registerAuditRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  app.get('/admin/audit', requireRole('province'), async (req: ConsoleRequest, res) => {
    const page = Math.max(0, Number(req.query.page) || 0);
    const { rows, total } = await deps.audit.list({ limit: 50, offset: page * 50 });
    const asObject = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : v === null || v === undefined ? null : { value: v });
    sendPage(req, res, {
      title: 'Nhật ký thay đổi',
      active: 'audit',
      body: html`<h1>Nhật ký thay đổi</h1><p class="muted">${total} thay đổi</p>
<div class="table-wrap"><table class="list"><thead><tr><th>Lúc</th><th>Ai</th><th>Việc</th><th>Đối tượng</th><th>Trước → sau</th></tr></thead><tbody>
${rows.map((r) => {
  const diff = diffEntries(asObject(r.before), asObject(r.after));
  return html`<tr><td>${formatWhen(r.at)}</td><td>${r.actor}</td><td><code>${r.action}</code></td><td>${r.target}</td><td>${
    diff.length === 0
      ? ''
      : html`<details><summary>${diff.length} trường</summary>${diff.map((d) => html`<div class="diff-field"><strong>${d.label}</strong><pre>${d.lines.filter((l) => l.op !== 'same').map((l) => html`<span class="${l.op}">${l.op === 'add' ? '+ ' : '− '}${l.text}</span>`)}</pre></div>`)}</details>`
  }</td></tr>`;
})}
</tbody></table></div>
<p>${page > 0 ? html`<a href="/admin/audit?page=${page - 1}">← Mới hơn</a> ` : ''}${(page + 1) * 50 < total ? html`<a href="/admin/audit?page=${page + 1}">Cũ hơn →</a>` : ''}</p>`,
    });
  });
}
