/**
 * Export (download .xlsx/.csv/.yaml) and import (upload → preview diff → confirm) in the console.
 * The upload works without JavaScript: a plain multipart form (read with the Fetch API's own
 * multipart parser, no extra dependency), answered with a whole page. With JavaScript the page's
 * script sends the file as the raw body and shows the preview in place. Both are capped at 2 MB;
 * the preview carries the validated entries back for the confirmation, which validates them again
 * before saving drafts.
 */
import express, { type Express } from 'express';
import { z } from 'zod';
import { applyImport, planImport } from './catalogue.import.js';
import { exportCsv, exportXlsx, exportYamlBundle, formatOf, importFile, ImportRefusedError, MAX_IMPORT_BYTES } from './catalogue.exchange.js';
import { checkEntry } from './catalogue.form.js';
import { requireRole, sameToken, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { csrfField } from './console.layout.js';
import { html, type Html } from './console.html.js';
import { sendPage } from './console.page.js';

const CHANGE_LABEL = { new: 'Mục mới', changed: 'Có thay đổi', same: 'Không đổi' } as const;

export function registerExchangeRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const province = requireRole('province');

  app.get('/admin/import', province, (req: ConsoleRequest, res) => {
    sendPage(req, res, {
      title: 'Nhập / xuất',
      active: 'import',
      flash: typeof req.query.saved === 'string' ? { kind: 'ok', text: `Đã lưu ${req.query.saved} mục thành bản nháp. Hãy xem lại từng mục rồi xuất bản.` } : undefined,
      body: html`<h1>Xuất danh mục</h1>
<p><a class="button" href="/admin/export?format=xlsx">Tải .xlsx</a> <a class="button secondary" href="/admin/export?format=csv">Tải .csv</a> <a class="button secondary" href="/admin/export?format=yaml">Tải .yaml</a></p>
<h1>Nhập danh mục</h1>
<p class="muted">Chọn tệp .xlsx, .csv hoặc .yaml (tối đa 2 MB). Hệ thống chỉ cho xem trước; chưa thay đổi gì cho đến khi anh/chị bấm xác nhận, và các mục nhập vào đều là bản nháp.</p>
<form id="import-form" class="card" method="post" action="/admin/import/preview" enctype="multipart/form-data" data-upload="/admin/import/preview">
  ${csrfField(req.session!.csrfToken)}
  <input type="file" name="file" accept=".xlsx,.csv,.yaml,.yml" required aria-label="Tệp cần nhập">
  <button type="submit" class="primary">Xem trước</button>
</form>
<div id="import-result"></div>`,
    });
  });

  app.get('/admin/export', province, async (req: ConsoleRequest, res) => {
    const format = String(req.query.format ?? 'xlsx');
    const { items } = await deps.faq.listForConsole();
    const entries = items.filter((i) => i.status !== 'archived').map((i) => i.data);
    const stamp = deps.now().toISOString().slice(0, 10);
    await deps.audit.record({ actor: req.session!.account.username, action: 'faq.export', target: format, after: { entries: entries.length } });
    res.set('Cache-Control', 'no-store');
    if (format === 'csv') return res.attachment(`hoi-dap-${stamp}.csv`).type('text/csv; charset=utf-8').send(exportCsv({ entries }));
    if (format === 'yaml') return res.attachment(`hoi-dap-${stamp}.yaml`).type('application/yaml; charset=utf-8').send(exportYamlBundle({ entries }));
    res.attachment(`hoi-dap-${stamp}.xlsx`).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await exportXlsx({ entries }));
  });

  /** The preview of one uploaded file: the problems (nothing applied) or what would change, with the confirm form. */
  const preview = async (req: ConsoleRequest, { fileName, data }: { fileName: string; data: Buffer }): Promise<{ status: number; body: Html }> => {
    try {
      formatOf(fileName);
      const { entries, problems } = await importFile({ fileName, data });
      if (problems.length > 0) {
        return {
          status: 422,
          body: html`<div class="flash error" role="alert"><p>Tệp có ${problems.length} lỗi; chưa nhập gì. Hãy sửa rồi tải lại:</p><ul class="problems">${problems.slice(0, 200).map((p) => html`<li>${p}</li>`)}</ul></div>`,
        };
      }
      const { items } = await planImport({ faq: deps.faq, entries });
      const changed = items.filter((i) => i.change !== 'same');
      return {
        status: 200,
        body: html`<section class="import-preview"><h2>Xem trước: ${items.length} mục trong tệp, ${changed.length} mục sẽ thành bản nháp</h2>
${changed.length === 0 ? html`<p class="flash ok">Không có thay đổi nào so với danh mục hiện tại.</p>` : ''}
<ul>${items.map((i) => html`<li><span class="badge ${i.change}">${CHANGE_LABEL[i.change]}</span> <strong>${i.id}</strong>${i.diff.length ? html`: ${i.diff.map((d) => d.label).join(', ')}` : ''}</li>`)}</ul>
${
  changed.length > 0
    ? html`<form method="post" action="/admin/import/apply">${csrfField(req.session!.csrfToken)}<input type="hidden" name="source" value="${fileName}"><input type="hidden" name="entries" value="${JSON.stringify(changed.map((i) => i.entry))}"><button type="submit" class="primary">Xác nhận: lưu ${changed.length} mục thành bản nháp</button></form>`
    : ''
}</section>`,
      };
    } catch (error) {
      if (error instanceof ImportRefusedError) return { status: 422, body: html`<p class="flash error" role="alert">${error.message}</p>` };
      throw error;
    }
  };

  // Room for the multipart framing around a file of the maximum size.
  const MULTIPART_SLACK = 64 * 1024;
  app.post('/admin/import/preview', province, express.raw({ type: () => true, limit: MAX_IMPORT_BYTES + MULTIPART_SLACK }), async (req: ConsoleRequest, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!req.is('multipart/form-data')) {
      // The page's script: the raw file, the name in the query string, a fragment back.
      if (body.length > MAX_IMPORT_BYTES) return res.status(413).type('html').send(tooLarge().value);
      const result = await preview(req, { fileName: String(req.query.name ?? '').slice(0, 200), data: body });
      return res.status(result.status).type('html').send(result.body.value);
    }
    // The plain form (no JavaScript): its CSRF token is a form field, checked here once the form is read.
    const form = await readMultipart(req, body);
    const token = form?.get('_csrf');
    if (!sameToken(typeof token === 'string' ? token : undefined, req.session!.csrfToken)) {
      return res.status(403).type('text/plain').send('Yêu cầu không hợp lệ (thiếu mã bảo vệ CSRF): hãy tải lại trang rồi thử lại.');
    }
    const file = form?.get('file');
    const result =
      file && typeof file !== 'string' && file.name
        ? file.size > MAX_IMPORT_BYTES
          ? { status: 413, body: tooLarge() }
          : await preview(req, { fileName: file.name.slice(0, 200), data: Buffer.from(await file.arrayBuffer()) })
        : { status: 422, body: html`<p class="flash error" role="alert">Chưa chọn tệp: hãy chọn một tệp .xlsx, .csv hoặc .yaml rồi bấm Xem trước.</p>` };
    res.status(result.status);
    sendPage(req, res, { title: 'Xem trước khi nhập', active: 'import', body: html`<h1>Nhập danh mục</h1>${result.body}<p><a href="/admin/import">← Chọn tệp khác</a></p>` });
  });

  app.post('/admin/import/apply', province, async (req: ConsoleRequest, res) => {
    const body = req.body as Record<string, unknown>;
    const parsed = z.array(z.record(z.string(), z.unknown())).max(2000).safeParse(safeJson(String(body.entries ?? '')));
    const entries = parsed.success ? parsed.data.filter((e) => checkEntry(e).ok) : [];
    if (!parsed.success || entries.length !== parsed.data.length) return res.status(422).type('text/plain').send('Dữ liệu xác nhận không hợp lệ: hãy tải tệp lên lại.');
    const { items } = await planImport({ faq: deps.faq, entries });
    const source = String(body.source ?? 'tệp').slice(0, 200);
    const { saved } = await applyImport({ editing: deps.editing, items, author: req.session!.account.username, source });
    await deps.audit.record({ actor: req.session!.account.username, action: 'faq.import', target: source, after: { drafts: saved } });
    res.redirect(303, `/admin/import?saved=${saved.length}`);
  });

  app.use('/admin/import', (error: Error & { type?: string }, _req: ConsoleRequest, res: express.Response, next: express.NextFunction) => {
    if (error.type === 'entity.too.large') return res.status(413).type('html').send(tooLarge().value);
    next(error);
  });
}

const tooLarge = () => html`<p class="flash error" role="alert">Tệp lớn quá 2 MB: hãy chia nhỏ rồi nhập từng phần.</p>`;

/** A multipart/form-data body read by the Fetch API's parser (undici, part of Node); null when it is not one. */
async function readMultipart(req: ConsoleRequest, body: Buffer): Promise<FormData | null> {
  try {
    return await new Request('http://console.local/upload', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body }).formData();
  } catch {
    return null;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
