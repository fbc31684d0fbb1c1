/**
 * The Zalo session as admins see it: connected, needs a QR scan, kicked (the account was opened in
 * Zalo Web/PC), reconnecting or off, read from the running adapter's status; and a banner on every
 * console page while Zalo needs a person (needs_qr, kicked), so an admin notices without /healthz.
 */
import type { Express, NextFunction, Response } from 'express';
import type { ChannelStatus } from '../bot/core/channel.port.js';
import { formatWhen } from './catalogue.views.js';
import { requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { html } from './console.html.js';
import { sendPage } from './console.page.js';

const STATE_LABEL: Record<string, string> = {
  running: 'Đã kết nối',
  starting: 'Đang kết nối',
  reconnecting: 'Đang kết nối lại (bot tự thử lại)',
  needs_qr: 'Cần quét lại mã QR',
  kicked: 'Bị đăng xuất: tài khoản vừa được mở ở nơi khác (Zalo Web/PC)',
  error: 'Lỗi: cần khởi động lại bot',
  stopped: 'Đã dừng',
  disabled: 'Chưa bật (ZALO_ENABLED=false, hoặc Zalo chạy ở một tiến trình bot khác)',
};
const NEEDS_PERSON = new Set(['needs_qr', 'kicked', 'error']);

export const zaloStatusOf = (deps: ConsoleDeps): ChannelStatus | undefined => deps.channels?.().zalo;

/** Before every console page: a Zalo session that needs a person becomes a banner (res.locals.alert). */
export function zaloAlert({ deps }: { deps: ConsoleDeps }) {
  return (req: ConsoleRequest, res: Response, next: NextFunction) => {
    const status = req.session ? zaloStatusOf(deps) : undefined;
    if (status && NEEDS_PERSON.has(status.state)) {
      res.locals.alert = { text: `Zalo: ${STATE_LABEL[status.state]} từ ${formatWhen(status.since)}. Người dân nhắn Zalo chưa được trả lời.`, href: '/admin/zalo' };
    }
    next();
  };
}

export function registerZaloRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  app.get('/admin/zalo', requireRole('province', 'unit'), (req: ConsoleRequest, res) => {
    const status = zaloStatusOf(deps) ?? { state: 'disabled' as const, since: deps.now() };
    sendPage(req, res, {
      title: 'Phiên Zalo',
      active: 'zalo',
      body: html`<h1>Phiên Zalo của trung tâm</h1>
<section class="card zalo-state" data-state="${status.state}">
  <p><strong>Trạng thái:</strong> <span class="badge ${NEEDS_PERSON.has(status.state) ? 'review' : 'published'}">${STATE_LABEL[status.state] ?? status.state}</span> <span class="muted">từ ${formatWhen(status.since)}</span></p>
  ${status.detail ? html`<p class="muted">Chi tiết: ${status.detail}</p>` : ''}
</section>
<section class="card">
  <h2>Đăng nhập lại bằng mã QR</h2>
  <ol>
    <li>${status.state === 'kicked' ? 'Đóng Zalo Web/PC đang mở bằng tài khoản của trung tâm. ' : ''}Trên máy chạy bot, mở cửa sổ lệnh trong thư mục của bot.</li>
    <li>Chạy <code>npm run cli -- zalo login</code> và quét mã QR hiện ra bằng ứng dụng Zalo của tài khoản trung tâm.</li>
    <li>Bot đang chạy tự nhận phiên mới trong vài giây; trang này sẽ báo "Đã kết nối".</li>
  </ol>
  <p class="muted">Phiên đăng nhập được giữ như mật khẩu (tệp ZALO_CREDENTIALS_PATH, quyền 0600), không hiện trên trang này.</p>
</section>`,
    });
  });
}
