/** The frame of every console page: header, navigation by role, flash message, self-hosted assets only. */
import type { AdminAccount } from '../admin/admin.repository.js';
import { html, type Html } from './console.html.js';

export const ROLE_LABEL: Record<string, string> = { province: 'Quản trị tỉnh', unit: 'Quản trị đơn vị', staff: 'Cán bộ' };

export function layout({
  title,
  account,
  csrfToken,
  body,
  flash,
  alert,
  active,
}: {
  title: string;
  account?: AdminAccount;
  csrfToken?: string;
  body: Html;
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
  /** Something admins must act on (Zalo needs a QR scan), on every page. */
  alert?: { text: string; href: string } | undefined;
  active?: 'catalogue' | 'try' | 'import' | 'drafts' | 'audit' | 'unit' | 'inbox' | 'reports' | 'tickets' | 'zalo';
}): string {
  const link = (href: string, label: string, key: typeof active) => html`<a href="${href}" ${key === active ? html`aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Quản trị Một Cửa Bot</title>
<link rel="stylesheet" href="/admin/assets/console.css">
<script src="/admin/assets/console.js" defer></script>
</head>
<body${csrfToken ? html` data-csrf="${csrfToken}"` : ''}>
<header class="top">
  <a class="brand" href="/admin">Một Cửa Bot · Quản trị</a>
  ${
    account
      ? html`<nav>
    ${account.role === 'staff' ? '' : link('/admin', 'Hỏi đáp', 'catalogue')}
    ${account.role === 'staff' ? '' : link('/admin/try', 'Thử câu hỏi', 'try')}
    ${account.role === 'staff' ? '' : link('/admin/inbox', 'Câu hỏi chưa trả lời', 'inbox')}
    ${account.role === 'staff' ? '' : link('/admin/reports', 'Báo cáo', 'reports')}
    ${link('/admin/tickets', 'Phiếu', 'tickets')}
    ${account.role === 'staff' ? '' : link('/admin/staff-drafts', 'Đề xuất của cán bộ', 'drafts')}
    ${account.role === 'province' ? link('/admin/import', 'Nhập / xuất', 'import') : ''}
    ${account.role === 'province' ? link('/admin/audit', 'Nhật ký', 'audit') : ''}
    ${account.role === 'staff' ? '' : link('/admin/zalo', 'Zalo', 'zalo')}
    ${account.unitId ? link(`/admin/units/${account.unitId}`, 'Đơn vị của tôi', 'unit') : account.role === 'province' ? link('/admin/units', 'Đơn vị', 'unit') : ''}
  </nav>
  <form method="post" action="/admin/logout" class="who">
    <span>${account.username} · ${ROLE_LABEL[account.role] ?? account.role}</span>
    <input type="hidden" name="_csrf" value="${csrfToken ?? ''}">
    <button type="submit" class="link">Đăng xuất</button>
  </form>`
      : ''
  }
</header>
<main>
${alert ? html`<p class="flash error banner" role="alert">${alert.text} <a href="${alert.href}">Xem cách xử lý</a></p>` : ''}
${flash ? html`<p class="flash ${flash.kind}" role="status">${flash.text}</p>` : ''}
${body}
</main>
</body>
</html>`.value;
}

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;
