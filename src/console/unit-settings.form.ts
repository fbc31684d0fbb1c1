/**
 * Pure: a unit's settings as the console's form shows them (one line per holiday, roster entry or
 * staff group; one row per staff member) and back into the raw shape of data/units.yaml, which the
 * units module's own schema then judges (`parseUnits`). Its English problems become Vietnamese
 * lines that name the section and the row.
 */
import { foldDiacritics } from '../shared/fold.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WEEKDAY_LABEL: Record<(typeof WEEKDAYS)[number], string> = { mon: 'Thứ Hai', tue: 'Thứ Ba', wed: 'Thứ Tư', thu: 'Thứ Năm', fri: 'Thứ Sáu', sat: 'Thứ Bảy', sun: 'Chủ nhật' };
export const FACT_FIELDS = [
  { key: 'address', label: 'Địa chỉ' },
  { key: 'phone', label: 'Điện thoại' },
  { key: 'email', label: 'Thư điện tử' },
  { key: 'hours', label: 'Giờ làm việc (câu trả lời cho người dân)' },
  { key: 'mapUrl', label: 'Bản đồ (đường dẫn)' },
] as const;

export type StaffRow = { id: string; name: string; role: 'lead' | 'staff'; telegramUserId: string; zaloUserId: string; active: boolean };

/** What the form shows: the stored unit in editable text. */
export type UnitForm = {
  name: string;
  shortName: string;
  facts: Record<string, string>;
  hours: Record<(typeof WEEKDAYS)[number], string>;
  holidays: string;
  makeUpDays: string;
  slaMinutes: string;
  ticketPolicy: string;
  lead: string;
  groups: string;
  staff: StaffRow[];
  roster: string;
};

type StoredUnit = {
  name: string;
  shortName: string;
  info: Record<string, string>;
  officeHours: Partial<Record<(typeof WEEKDAYS)[number], string[]>>;
  slaMinutes: number;
  ticketPolicy: string;
  leadStaffId: string | null;
  staffGroups: Array<{ conversationRef: string; forum: boolean }>;
};

export function unitToForm({
  unit,
  staff,
  roster,
  localDays,
}: {
  unit: StoredUnit;
  staff: Array<{ id: string; name: string; role: 'lead' | 'staff'; telegramUserId: string | null; zaloUserId: string | null; active: boolean }>;
  roster: Array<{ weekday: number | null; date: string | null; from: string | null; to: string | null; staffIds: string[] }>;
  localDays: Array<{ date: string; kind: 'holiday' | 'make_up'; name: string }>;
}): UnitForm {
  const days = (kind: 'holiday' | 'make_up') =>
    localDays
      .filter((d) => d.kind === kind)
      .map((d) => `${d.date} ${d.name}`.trim())
      .join('\n');
  return {
    name: unit.name,
    shortName: unit.shortName === unit.name ? '' : unit.shortName,
    facts: Object.fromEntries(FACT_FIELDS.map((f) => [f.key, unit.info[f.key] ?? ''])),
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d, (unit.officeHours[d] ?? []).join(', ')])) as UnitForm['hours'],
    holidays: days('holiday'),
    makeUpDays: days('make_up'),
    slaMinutes: String(unit.slaMinutes),
    ticketPolicy: unit.ticketPolicy,
    lead: unit.leadStaffId ?? '',
    groups: unit.staffGroups.map((g) => `${g.conversationRef}${g.forum ? ' forum' : ''}`).join('\n'),
    staff: staff.map((s) => ({ id: s.id, name: s.name, role: s.role, telegramUserId: s.telegramUserId ?? '', zaloUserId: s.zaloUserId ?? '', active: s.active })),
    roster: roster
      .map((r) => {
        const when = r.date ?? WEEKDAYS[(r.weekday ?? 1) - 1];
        return `${when}${r.from && r.to ? ` ${r.from}-${r.to}` : ''}: ${r.staffIds.join(', ')}`;
      })
      .join('\n'),
  };
}

/** Blank staff rows the form offers for new people (no JavaScript needed to add one). */
export const NEW_STAFF_ROWS = 2;

const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string).replace(/\r\n/g, '\n').trim() : '');
const lines = (value: string) =>
  value
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** "Trần Văn Minh" → "tran-van-minh", the id a new staff member gets when none is typed. */
export function staffIdFrom(name: string): string {
  return foldDiacritics(name.toLowerCase())
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/**
 * The form post → the form as typed (to show again on a mistake) and the raw unit in the shape of
 * data/units.yaml, plus problems the raw shape cannot carry (a roster line that is not "day: ids").
 */
export function formToRawUnit({ unitId, body }: { unitId: string; body: Record<string, unknown> }): { form: UnitForm; raw: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const staff: StaffRow[] = [];
  for (let i = 0; i < 200; i += 1) {
    if (!(`staff.${i}.name` in body) && !(`staff.${i}.id` in body)) break;
    const name = text(body, `staff.${i}.name`);
    const id = text(body, `staff.${i}.id`);
    if (!name && !id) continue;
    staff.push({
      id: id || staffIdFrom(name),
      name,
      role: text(body, `staff.${i}.role`) === 'lead' ? 'lead' : 'staff',
      telegramUserId: text(body, `staff.${i}.telegram`),
      zaloUserId: text(body, `staff.${i}.zalo`),
      active: body[`staff.${i}.active`] === 'on',
    });
  }
  const form: UnitForm = {
    name: text(body, 'name'),
    shortName: text(body, 'shortName'),
    facts: Object.fromEntries(FACT_FIELDS.map((f) => [f.key, text(body, `facts.${f.key}`)])),
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d, text(body, `hours.${d}`)])) as UnitForm['hours'],
    holidays: text(body, 'holidays'),
    makeUpDays: text(body, 'makeUpDays'),
    slaMinutes: text(body, 'slaMinutes'),
    ticketPolicy: text(body, 'ticketPolicy'),
    lead: text(body, 'lead'),
    groups: text(body, 'groups'),
    staff,
    roster: text(body, 'roster'),
  };

  const dated = (value: string, label: string) =>
    lines(value).map((line, i) => {
      const match = /^(\S+)\s*(.*)$/.exec(line)!;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(match[1]!)) problems.push(`${label}, dòng ${i + 1}: bắt đầu bằng ngày viết NĂM-THÁNG-NGÀY, ví dụ "2026-02-18 Nghỉ Tết".`);
      return { date: match[1], name: match[2] ?? '' };
    });
  const roster = lines(form.roster).flatMap((line, i) => {
    const match = /^(\S+)(?:\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2}))?\s*:\s*(.+)$/.exec(line);
    if (!match) {
      problems.push(`Lịch trực, dòng ${i + 1}: viết "thứ: mã cán bộ", ví dụ "mon: pm-hoa, pm-lan", "wed 13:30-17:00: pm-lan" hoặc "2026-02-18: pm-lan".`);
      return [];
    }
    const [, when, from, to, ids] = match;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(when!) ? { date: when } : { weekday: when!.toLowerCase() };
    return [{ ...day, ...(from && to ? { from: from.padStart(5, '0'), to: to.padStart(5, '0') } : {}), staff: ids!.split(/[\s,]+/).filter(Boolean) }];
  });
  const sla = form.slaMinutes === '' ? undefined : /^\d+$/.test(form.slaMinutes) ? Number(form.slaMinutes) : form.slaMinutes;

  const raw: Record<string, unknown> = {
    id: unitId,
    name: form.name,
    ...(form.shortName ? { shortName: form.shortName } : {}),
    ...Object.fromEntries(Object.entries(form.facts).filter(([, v]) => v)),
    officeHours: Object.fromEntries(
      WEEKDAYS.map((d) => [
        d,
        form.hours[d]
          .split(/[,;]+/)
          .map((r) => r.replace(/\s+/g, ''))
          .filter(Boolean),
      ]),
    ),
    holidays: dated(form.holidays, 'Ngày nghỉ riêng'),
    makeUpDays: dated(form.makeUpDays, 'Ngày làm bù'),
    ...(sla !== undefined ? { slaMinutes: sla } : {}),
    ticketPolicy: form.ticketPolicy,
    ...(form.lead ? { lead: form.lead } : {}),
    staffGroups: lines(form.groups).map((line) => {
      const [ref, ...flags] = line.split(/\s+/);
      return { conversationRef: ref, forum: flags.some((f) => /^(forum|chủ-đề|topics?)$/i.test(f)) };
    }),
    staff: staff.map((s) => ({
      id: s.id,
      name: s.name,
      role: s.role,
      ...(s.telegramUserId ? { telegramUserId: s.telegramUserId } : {}),
      ...(s.zaloUserId ? { zaloUserId: s.zaloUserId } : {}),
      active: s.active,
    })),
    roster,
  };
  return { form, raw, problems };
}

const SECTION: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^units\[0\]\.officeHours\.(\w+)/, (m) => `Giờ mở cửa, ${WEEKDAY_LABEL[m[1] as (typeof WEEKDAYS)[number]] ?? m[1]}`],
  [/^units\[0\]\.officeHours/, () => 'Giờ mở cửa'],
  [/^units\[0\]\.holidays\[(\d+)\]/, (m) => `Ngày nghỉ riêng, dòng ${Number(m[1]) + 1}`],
  [/^units\[0\]\.makeUpDays\[(\d+)\]/, (m) => `Ngày làm bù, dòng ${Number(m[1]) + 1}`],
  [/^units\[0\]\.staffGroups\[(\d+)\]/, (m) => `Nhóm cán bộ, dòng ${Number(m[1]) + 1}`],
  [/^units\[0\]\.staff\[(\d+)\]\.(\w+)/, (m) => `Cán bộ, hàng ${Number(m[1]) + 1} (${STAFF_FIELD[m[2]!] ?? m[2]})`],
  [/^units\[0\]\.roster\[(\d+)\]/, (m) => `Lịch trực, dòng ${Number(m[1]) + 1}`],
  [/^units\[0\]\.slaMinutes/, () => 'Hạn trả lời phiếu'],
  [/^units\[0\]\.ticketPolicy/, () => 'Khi bot không trả lời được'],
  [/^units\[0\]\.lead/, () => 'Trưởng bộ phận'],
  [/^units\[0\]\.name/, () => 'Tên đơn vị'],
  [/^units\[0\]\.shortName/, () => 'Tên ngắn'],
  [/^units\[0\]\.(\w+)/, (m) => m[1]!],
];
const STAFF_FIELD: Record<string, string> = { id: 'mã', name: 'họ tên', telegramUserId: 'mã Telegram', zaloUserId: 'mã Zalo', role: 'vai trò' };

const MESSAGE: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/must be a time range like/, () => 'giờ viết theo mẫu 07:30-11:30, các buổi cách nhau dấu phẩy.'],
  [/must be a time like/, () => 'giờ viết theo mẫu 07:30.'],
  [/must be a date like/, () => 'ngày viết theo mẫu 2026-02-18.'],
  [/use lowercase letters, digits and "-" only/, () => 'mã chỉ gồm chữ thường không dấu, số và dấu gạch nối (ví dụ pm-lan).'],
  [/must be digits/, () => 'mã chỉ gồm chữ số (lấy bằng lệnh /id trong nhóm).'],
  [/must look like "telegram:/, () => 'viết dạng "telegram:-1001234567890" hoặc "zalo:group:123456789" (lấy bằng lệnh /id trong nhóm).'],
  [/is listed twice/, () => 'nhóm này được ghi hai lần.'],
  [/"([^"]+)" is not in this unit's staff list/, (m) => `"${m[1]}" không có trong danh sách cán bộ của đơn vị.`],
  [/"([^"]+)" is used twice/, (m) => `mã "${m[1]}" bị trùng.`],
  [/belongs to another staff member of this unit/, () => 'mã này đã thuộc một cán bộ khác của đơn vị.'],
  [/give either `weekday`/, () => 'ghi một thứ trong tuần (mon … sun) hoặc một ngày, không ghi cả hai.'],
  [/give both `from` and `to`/, () => 'ghi cả giờ bắt đầu và giờ kết thúc, hoặc bỏ cả hai.'],
  [/list at least one staff id/, () => 'cần ít nhất một mã cán bộ.'],
  [/Too small: expected number to be >=1|too_small|>=1/, () => 'phải là số phút lớn hơn 0.'],
  [/Too big|<=13500/, () => 'nhiều quá 13.500 phút làm việc (30 ngày).'],
  [/expected number/, () => 'cần một số phút, ví dụ 120.'],
  [/Invalid option|expected one of/, () => 'hãy chọn một giá trị trong danh sách.'],
  [/Too small: expected string|expected string to have >=1/, () => 'không được để trống.'],
  [/overlap|must end after|end before/i, () => 'các buổi trong ngày bị chồng nhau hoặc giờ kết thúc trước giờ bắt đầu.'],
];

/** "units[0].staff[1].id: use lowercase…" → "Cán bộ, hàng 2 (mã): mã chỉ gồm chữ thường…". */
export function problemToVietnamese(problem: string): string {
  const at = problem.indexOf(': ');
  const path = at >= 0 ? problem.slice(0, at) : '';
  const message = at >= 0 ? problem.slice(at + 2) : problem;
  const section = SECTION.map(([re, label]) => {
    const m = re.exec(path);
    return m ? label(m) : null;
  }).find(Boolean);
  const said = MESSAGE.map(([re, say]) => {
    const m = re.exec(message);
    return m ? say(m) : null;
  }).find(Boolean);
  return `${section ?? 'Cài đặt'}: ${said ?? message}`;
}
