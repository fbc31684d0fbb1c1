/**
 * A centre's settings and staff (Cài đặt đơn vị) so nobody needs the CLI or a restart: contact
 * facts, office hours (several periods a day), its own days off and make-up days, SLA minutes,
 * ticket policy, staff groups, staff and the duty roster. The form is judged by the units module's
 * own schema (the same as data/units.yaml), saved as one transaction and announced to every process
 * (NOTIFY; the units cache and calendars reload). The page shows who is on duty now and the next
 * working time. Province admins open every unit, a unit admin their own only (403 otherwise).
 */
import type { Express, Response } from 'express';
import { createUnitsRepository, parseUnits, replaceUnit, UnitsDataError, type UnitData } from '../units/index.js';
import { formatWhen } from './catalogue.views.js';
import { forbidden, requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { csrfField } from './console.layout.js';
import { html, type Html } from './console.html.js';
import { sendPage } from './console.page.js';
import { FACT_FIELDS, formToRawUnit, NEW_STAFF_ROWS, problemToVietnamese, unitToForm, WEEKDAY_LABEL, WEEKDAYS, type UnitForm } from './unit-settings.form.js';

const ON_DUTY_SOURCE: Record<string, string> = { date: 'theo lịch trực của ngày', weekday: 'theo lịch trực trong tuần', lead: 'không ai có lịch: trưởng bộ phận', none: 'chưa có ai' };

export function registerUnitRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const anyone = requireRole('province', 'unit');
  const mayOpen = (req: ConsoleRequest) => req.session!.account.role === 'province' || req.session!.account.unitId === req.params.id;
  // A fresh repository per request: its cache would otherwise miss edits made by other processes.
  const repository = () => createUnitsRepository({ db: deps.db, clock: { now: deps.now } });

  const load = async (unitId: string) => {
    const units = repository();
    const found = await units.findUnit({ unitId });
    if (!found) return undefined;
    const [{ staff }, { roster }, { holidays }] = await Promise.all([units.listStaff({ unitId, includeInactive: true }), units.listRoster({ unitId }), units.listHolidays({ unitId })]);
    const localDays = holidays.filter((h) => h.unitId === unitId);
    return { unit: found.unit, staff, roster, localDays, form: unitToForm({ unit: found.unit, staff, roster, localDays }) };
  };

  const page = async (req: ConsoleRequest, res: Response, { unitId, form, problems = [], status = 200 }: { unitId: string; form?: UnitForm; problems?: string[]; status?: number }) => {
    const current = await load(unitId);
    if (!current) return res.status(404).type('text/plain').send('Không có đơn vị này.');
    const units = repository();
    const now = deps.now();
    const [{ staff: onDuty, source }, calendar] = await Promise.all([units.listOnDuty({ unitId, at: now }), units.getCalendar({ unitId })]);
    const open = calendar.isWorkingTime({ at: now });
    const next = open ? null : calendar.nextWorkingStart({ from: now });
    res.status(status);
    sendPage(req, res, {
      title: current.unit.name,
      active: 'unit',
      flash: problems.length > 0 ? { kind: 'error', text: 'Chưa lưu: hãy sửa các mục bên dưới.' } : req.query.ok === 'saved' ? { kind: 'ok', text: 'Đã lưu cài đặt đơn vị: bot dùng ngay, không cần khởi động lại.' } : undefined,
      body: settingsPage({
        unitId,
        title: current.unit.name,
        form: form ?? current.form,
        problems,
        csrfToken: req.session!.csrfToken,
        now: { open, next, onDuty: onDuty.map((s) => s.name), source: ON_DUTY_SOURCE[source] ?? source },
      }),
    });
  };

  // Province admins pick a unit; a unit admin goes straight to their own.
  app.get('/admin/units', anyone, async (req: ConsoleRequest, res) => {
    const account = req.session!.account;
    if (account.role !== 'province') return res.redirect(303, `/admin/units/${account.unitId}`);
    const { units } = await repository().listUnits();
    sendPage(req, res, {
      title: 'Đơn vị',
      active: 'unit',
      body: html`<h1>Đơn vị</h1><div class="table-wrap"><table class="list"><thead><tr><th>Đơn vị</th><th>Nhóm cán bộ</th><th>Hạn trả lời</th></tr></thead><tbody>
${units.map((u) => html`<tr><td><a href="/admin/units/${u.id}">${u.name}</a></td><td>${u.staffGroups.map((g) => g.conversationRef).join(', ') || 'chưa có'}</td><td>${u.slaMinutes} phút</td></tr>`)}
</tbody></table></div>`,
    });
  });

  app.get('/admin/units/:id', anyone, async (req: ConsoleRequest, res) => {
    if (!mayOpen(req)) return forbidden(res);
    await page(req, res, { unitId: String(req.params.id) });
  });

  app.post('/admin/units/:id', anyone, async (req: ConsoleRequest, res) => {
    if (!mayOpen(req)) return forbidden(res);
    const unitId = String(req.params.id);
    const current = await load(unitId);
    if (!current) return res.status(404).type('text/plain').send('Không có đơn vị này.');
    const { form, raw, problems } = formToRawUnit({ unitId, body: req.body as Record<string, unknown> });
    // People are deactivated, never dropped from the form: their tickets and history name them.
    for (const s of current.staff) if (!form.staff.some((row) => row.id === s.id)) problems.push(`Cán bộ "${s.name}" (${s.id}) không được xóa khỏi danh sách; bỏ chọn "Đang làm" để cho nghỉ.`);
    let unit: UnitData | undefined;
    try {
      unit = parseUnits({ raw: { units: [raw] }, file: 'cài đặt đơn vị' }).units[0];
    } catch (error) {
      if (!(error instanceof UnitsDataError)) throw error;
      problems.push(...error.problems.map(problemToVietnamese));
    }
    if (unit) problems.push(...(await crossUnitProblems({ deps, unit })));
    if (problems.length > 0 || !unit) return page(req, res, { unitId, form, problems, status: 422 });
    await replaceUnit({ db: deps.db, unit, now: deps.now() });
    await deps.audit.record({ actor: req.session!.account.username, action: 'unit.update', target: unitId, before: current.form, after: unitToForm({ unit: { ...unit, shortName: unit.shortName ?? unit.name }, staff: unit.staff, roster: unit.roster, localDays: [...unit.holidays.map((h) => ({ ...h, kind: 'holiday' as const })), ...unit.makeUpDays.map((h) => ({ ...h, kind: 'make_up' as const }))] }) });
    res.redirect(303, `/admin/units/${unitId}?ok=saved`);
  });
}

/** Staff ids are unique across units and a staff group belongs to one unit: the file's checks, across the database. */
async function crossUnitProblems({ deps, unit }: { deps: ConsoleDeps; unit: UnitData }): Promise<string[]> {
  const units = createUnitsRepository({ db: deps.db });
  const problems: string[] = [];
  for (const s of unit.staff) {
    const { staff } = await units.findStaffById({ staffId: s.id });
    if (staff && staff.unitId !== unit.id) problems.push(`Cán bộ "${s.name}": mã "${s.id}" đã dùng ở đơn vị ${staff.unitId}; hãy ghi một mã khác.`);
  }
  for (const g of unit.staffGroups) {
    const found = await units.findStaffGroup({ conversationRef: g.conversationRef });
    if (found && found.unit.id !== unit.id) problems.push(`Nhóm cán bộ ${g.conversationRef} đang thuộc ${found.unit.name}; hãy bỏ nhóm ở đơn vị đó trước.`);
  }
  return problems;
}

function settingsPage({
  unitId,
  title,
  form,
  problems,
  csrfToken,
  now,
}: {
  unitId: string;
  title: string;
  form: UnitForm;
  problems: string[];
  csrfToken: string;
  now: { open: boolean; next: Date | null; onDuty: string[]; source: string };
}): Html {
  const input = (name: string, label: string, value: string, extra: Html | string = '') =>
    html`<div class="field"><label for="u-${name}">${label}</label><input id="u-${name}" name="${name}" value="${value}" ${extra}></div>`;
  const area = (name: string, label: string, value: string, hint: string, rows = 4) =>
    html`<div class="field"><label for="u-${name}">${label}</label><textarea id="u-${name}" name="${name}" rows="${rows}">${value}</textarea><small class="muted">${hint}</small></div>`;
  const rows = [...form.staff, ...Array.from({ length: NEW_STAFF_ROWS }, () => ({ id: '', name: '', role: 'staff' as const, telegramUserId: '', zaloUserId: '', active: true }))];
  return html`<h1>${title}</h1>
<section class="card now" aria-live="polite">
  <p><strong>Đang trực bây giờ:</strong> <span class="on-duty">${now.onDuty.length ? now.onDuty.join(', ') : 'chưa có ai'}</span> <span class="muted">(${now.source})</span></p>
  <p><strong>${now.open ? 'Đang trong giờ làm việc.' : 'Ngoài giờ làm việc.'}</strong>${now.next ? html` Giờ làm việc tiếp theo: <span class="next-open">${formatWhen(now.next)}</span>` : ''}</p>
</section>
${problems.length > 0 ? html`<div class="flash error" role="alert"><ul class="problems">${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
<form method="post" action="/admin/units/${unitId}" class="card unit-form">
  ${csrfField(csrfToken)}
  <h2>Thông tin liên hệ</h2>
  ${input('name', 'Tên đơn vị', form.name, html`required maxlength="200"`)}
  ${input('shortName', 'Tên ngắn (trong danh sách chọn đơn vị)', form.shortName, html`maxlength="80"`)}
  ${FACT_FIELDS.map((f) => input(`facts.${f.key}`, f.label, form.facts[f.key] ?? '', html`maxlength="500"`))}
  <h2>Giờ mở cửa</h2>
  <p class="muted">Mỗi buổi viết giờ bắt đầu-giờ kết thúc, các buổi cách nhau dấu phẩy (ví dụ 07:30-11:30, 13:30-17:00). Để trống là ngày nghỉ.</p>
  <div class="hours-grid">${WEEKDAYS.map((d) => input(`hours.${d}`, WEEKDAY_LABEL[d], form.hours[d], html`placeholder="nghỉ"`))}</div>
  ${area('holidays', 'Ngày nghỉ riêng của đơn vị', form.holidays, 'Mỗi dòng một ngày: 2026-09-03 Nghỉ bù. Ngày lễ cả nước đã có sẵn.')}
  ${area('makeUpDays', 'Ngày làm bù', form.makeUpDays, 'Mỗi dòng một ngày làm việc thêm (ví dụ thứ Bảy làm bù): 2026-02-28 Làm bù Tết.')}
  <h2>Phiếu hỗ trợ</h2>
  ${input('slaMinutes', 'Hạn trả lời phiếu (phút làm việc)', form.slaMinutes, html`inputmode="numeric"`)}
  <div class="field"><label for="u-ticketPolicy">Khi bot không trả lời được</label><select id="u-ticketPolicy" name="ticketPolicy">
    <option value="ask_first" ${form.ticketPolicy === 'ask_first' ? html`selected` : ''}>Hỏi người dân trước khi mở phiếu</option>
    <option value="open_directly" ${form.ticketPolicy === 'open_directly' ? html`selected` : ''}>Mở phiếu ngay</option></select></div>
  <div class="field"><label for="u-lead">Trưởng bộ phận (nhận phiếu quá hạn, trực thay khi không ai có lịch)</label><select id="u-lead" name="lead"><option value="">—</option>${form.staff.map(
    (s) => html`<option value="${s.id}" ${s.id === form.lead ? html`selected` : ''}>${s.name} (${s.id})</option>`,
  )}</select></div>
  <h2>Nhóm cán bộ</h2>
  ${area('groups', 'Nhóm nhận phiếu', form.groups, 'Mỗi dòng một nhóm, lấy mã bằng lệnh /id trong nhóm: telegram:-1001234567890 forum (forum = mỗi phiếu một chủ đề) hoặc zalo:group:1234567890.', 3)}
  <h2>Cán bộ</h2>
  <div class="table-wrap"><table class="list compact staff-table"><thead><tr><th>Mã</th><th>Họ tên</th><th>Vai trò</th><th>Mã Telegram</th><th>Mã Zalo</th><th>Đang làm</th></tr></thead><tbody>
  ${rows.map(
    (s, i) => html`<tr><td><input name="staff.${i}.id" value="${s.id}" aria-label="Mã cán bộ" placeholder="${i >= form.staff.length ? 'tự tạo từ họ tên' : ''}"></td><td><input name="staff.${i}.name" value="${s.name}" aria-label="Họ tên"></td>
    <td><select name="staff.${i}.role" aria-label="Vai trò"><option value="staff">Cán bộ</option><option value="lead" ${s.role === 'lead' ? html`selected` : ''}>Trưởng bộ phận</option></select></td>
    <td><input name="staff.${i}.telegram" value="${s.telegramUserId}" inputmode="numeric" aria-label="Mã Telegram"></td><td><input name="staff.${i}.zalo" value="${s.zaloUserId}" inputmode="numeric" aria-label="Mã Zalo"></td>
    <td><input type="checkbox" name="staff.${i}.active" ${s.active ? html`checked` : ''} aria-label="Đang làm"></td></tr>`,
  )}
  </tbody></table></div>
  <small class="muted">Thêm người: điền vào hàng trống (mã tự tạo từ họ tên nếu để trống). Cho nghỉ: bỏ chọn "Đang làm"; lịch sử phiếu vẫn giữ tên.</small>
  ${area('roster', 'Lịch trực', form.roster, 'Mỗi dòng: thứ (mon, tue, wed, thu, fri, sat, sun) hoặc ngày, giờ nếu có, dấu hai chấm, mã cán bộ: "mon: pm-hoa", "wed 13:30-17:00: pm-lan", "2026-02-18: pm-lan" (ngày ghi riêng thay cho lịch thứ hôm đó).', 6)}
  <div class="actions"><button type="submit" class="primary">Lưu cài đặt</button></div>
</form>`;
}
