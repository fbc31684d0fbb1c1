/** Sends a console page: the layout around a body, never cached (pages show live data and a CSRF token). */
import type { Response } from 'express';
import type { ConsoleRequest } from './console.auth.js';
import type { Html } from './console.html.js';
import { layout } from './console.layout.js';

export function sendPage(
  req: ConsoleRequest,
  res: Response,
  { title, body, active, flash }: { title: string; body: Html; active?: Parameters<typeof layout>[0]['active']; flash?: { kind: 'ok' | 'error'; text: string } | undefined },
) {
  res.set('Cache-Control', 'no-store');
  res.type('html').send(layout({ title, body, active, flash, alert: res.locals.alert as { text: string; href: string } | undefined, account: req.session?.account, csrfToken: req.session?.csrfToken }));
}
