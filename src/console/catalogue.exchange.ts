/**
 * Catalogue import/export: .xlsx (a sheet of entries and a sheet of questions, Vietnamese headers,
 * frozen header row), .csv (UTF-8 with BOM so Excel shows Vietnamese; questions one per line in a
 * cell) and YAML (a folder of files like data/faq, or one file of several documents). Columns are
 * derived from the catalogue schema (catalogue.form.ts). Reading returns the raw entries and
 * row/column-exact Vietnamese problems; nothing here writes to the database.
 */
import ExcelJS from 'exceljs';
import { parseAllDocuments, stringify } from 'yaml';
import { checkEntry, entryFields, inSchemaOrder, issuesToVietnamese, type FieldSpec } from './catalogue.form.js';
import { labelOf } from './catalogue.diff.js';

export const ENTRIES_SHEET = 'Mục hỏi đáp';
export const QUESTIONS_SHEET = 'Câu hỏi';
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const IMPORT_FORMATS = ['xlsx', 'csv', 'yaml'] as const;
export type ExchangeFormat = (typeof IMPORT_FORMATS)[number];

type Column = { path: string[]; header: string; spec: FieldSpec };

/** One column per field (groups spread over one column per sub-field); `questions` may live on its own sheet. */
export function columnsOf({ fields = entryFields(), questionsApart }: { fields?: FieldSpec[]; questionsApart: boolean }): Column[] {
  const columns: Column[] = [];
  for (const spec of fields) {
    if (spec.kind === 'group') for (const sub of spec.fields) columns.push({ path: [spec.key, sub.key], header: labelOf(`${spec.key}.${sub.key}`), spec: sub });
    else if (!(questionsApart && spec.key === 'questions')) columns.push({ path: [spec.key], header: spec.label, spec });
  }
  return columns;
}

function cellOf(entry: Record<string, unknown>, column: Column): string | number | null {
  let value: unknown = entry;
  for (const key of column.path) value = (value as Record<string, unknown> | undefined)?.[key];
  if (value === undefined || value === null) return null;
  if (column.spec.kind === 'lines') return (value as unknown[]).map(String).join('\n');
  if (column.spec.kind === 'json') return JSON.stringify(value);
  if (column.spec.kind === 'number' && typeof value === 'number') return value;
  return String(value);
}

function setPath(target: Record<string, unknown>, column: Column, text: string, problems: string[], where: string) {
  const trimmed = text.trim();
  if (trimmed === '') return;
  let value: unknown = trimmed;
  if (column.spec.kind === 'lines') value = trimmed.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  else if (column.spec.kind === 'number') value = /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
  else if (column.spec.kind === 'json') {
    try {
      value = JSON.parse(trimmed);
    } catch {
      problems.push(`${where}: không đọc được (cần viết dạng JSON).`);
      return;
    }
  }
  if (column.path.length === 2) {
    const group = ((target[column.path[0]!] as Record<string, unknown> | undefined) ??= {});
    group[column.path[1]!] = value;
  } else target[column.path[0]!] = value;
}

const letter = (index: number) => {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
};

// --- export -----------------------------------------------------------------

export async function exportXlsx({ entries }: { entries: Array<Record<string, unknown>> }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Một Cửa Bot';
  const columns = columnsOf({ questionsApart: true });
  const sheet = workbook.addWorksheet(ENTRIES_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.path.join('.'), width: c.spec.kind === 'text' && c.spec.long ? 60 : 24 }));
  sheet.getRow(1).font = { bold: true };
  for (const entry of entries.map(inSchemaOrder)) {
    const row = sheet.addRow(columns.map((c) => cellOf(entry, c)));
    row.alignment = { wrapText: true, vertical: 'top' };
  }
  const questions = workbook.addWorksheet(QUESTIONS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  questions.columns = [
    { header: labelOf('id'), key: 'id', width: 24 },
    { header: labelOf('questions'), key: 'question', width: 80 },
  ];
  questions.getRow(1).font = { bold: true };
  for (const entry of entries) for (const q of (entry.questions as unknown[] | undefined) ?? []) questions.addRow([String(entry.id), String(q)]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function exportCsv({ entries }: { entries: Array<Record<string, unknown>> }): Buffer {
  const columns = columnsOf({ questionsApart: false });
  const quote = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map((c) => quote(c.header)).join(','), ...entries.map(inSchemaOrder).map((e) => columns.map((c) => quote(cellOf(e, c))).join(','))];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One YAML document per entry (files of data/faq have the same shape). */
export function exportYamlFiles({ entries }: { entries: Array<Record<string, unknown>> }): Array<{ name: string; text: string }> {
  return entries.map(inSchemaOrder).map((entry) => ({ name: `${String(entry.id)}.yaml`, text: stringify(entry, { lineWidth: 0 }) }));
}

export function exportYamlBundle({ entries }: { entries: Array<Record<string, unknown>> }): Buffer {
  return Buffer.from(exportYamlFiles({ entries }).map((f) => f.text).join('---\n'), 'utf8');
}

// --- import -----------------------------------------------------------------

export type ImportResult = { entries: Array<Record<string, unknown>>; problems: string[] };

export class ImportRefusedError extends Error {
  readonly code = 'console.import_refused';
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}

export function formatOf(fileName: string): ExchangeFormat {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'csv') return 'csv';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  throw new ImportRefusedError(`Chỉ nhận tệp .xlsx, .csv hoặc .yaml (tệp "${fileName}" không phải).`);
}

/** Reads a file into raw entries and validates each; `problems` name the sheet, row and column. */
export async function importFile({ fileName, data }: { fileName: string; data: Buffer }): Promise<ImportResult> {
  if (data.length > MAX_IMPORT_BYTES) throw new ImportRefusedError(`Tệp lớn quá ${MAX_IMPORT_BYTES / 1024 / 1024} MB: hãy chia nhỏ.`);
  const format = formatOf(fileName);
  const read = format === 'xlsx' ? await readXlsx(data) : format === 'csv' ? readCsv(data) : readYaml(data, fileName);
  return validateRows(read);
}

type ReadRow = { raw: Record<string, unknown>; where: string; columnOf: (path: string) => string | undefined; questionsWhere?: string };

function validateRows({ rows, problems }: { rows: ReadRow[]; problems: string[] }): ImportResult {
  const entries: Array<Record<string, unknown>> = [];
  const seen = new Map<string, string>();
  for (const row of rows) {
    const checked = checkEntry(row.raw);
    if (!checked.ok) {
      for (const [field, messages] of Object.entries(checked.problems)) {
        const column = field === 'questions' && row.questionsWhere ? row.questionsWhere : row.columnOf(field);
        for (const message of messages) problems.push(`${row.where}${column ? `, ${column}` : `, ${labelOf(field)}`}: ${message}`);
      }
      continue;
    }
    const id = String(checked.entry.id);
    const other = seen.get(id);
    if (other) problems.push(`${row.where}: mã "${id}" trùng với ${other}.`);
    seen.set(id, row.where);
    entries.push(checked.entry as Record<string, unknown>);
  }
  return { entries, problems };
}

function headerIndex(headers: string[], columns: Column[], where: string, problems: string[]) {
  const byHeader = new Map(columns.map((c) => [c.header.toLowerCase(), c]));
  const used: Array<Column | undefined> = headers.map((h, i) => {
    if (!h.trim()) return undefined;
    const column = byHeader.get(h.trim().toLowerCase());
    if (!column) problems.push(`${where}, cột ${letter(i)} ("${h}"): tên cột không có trong mẫu; hãy dùng tệp xuất từ hệ thống làm mẫu.`);
    return column;
  });
  if (!used.some((c) => c?.path[0] === 'id')) problems.push(`${where}: thiếu cột "${labelOf('id')}".`);
  return used;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

async function readXlsx(data: Buffer): Promise<{ rows: ReadRow[]; problems: string[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new ImportRefusedError('Không mở được tệp .xlsx: tệp bị hỏng hoặc không phải bảng tính Excel. Hãy lưu lại bằng Excel (Lưu thành → Sổ làm việc Excel .xlsx) rồi thử lại.');
  }
  const problems: string[] = [];
  const sheet = workbook.getWorksheet(ENTRIES_SHEET);
  if (!sheet) throw new ImportRefusedError(`Tệp không có trang "${ENTRIES_SHEET}": hãy dùng tệp xuất từ hệ thống làm mẫu.`);
  const columns = columnsOf({ questionsApart: true });
  const headerValues = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(cellText);
  const used = headerIndex(headerValues, columns, `Trang "${ENTRIES_SHEET}", dòng 1`, problems);
  const questionsByEntry = new Map<string, { list: string[]; rows: number[] }>();
  const questionSheet = workbook.getWorksheet(QUESTIONS_SHEET);
  if (questionSheet) {
    questionSheet.eachRow((row, n) => {
      if (n === 1) return;
      const id = cellText(row.getCell(1).value).trim();
      const question = cellText(row.getCell(2).value).trim();
      if (!id && !question) return;
      if (!id) return problems.push(`Trang "${QUESTIONS_SHEET}", dòng ${n}, cột A (${labelOf('id')}): không được để trống.`);
      const bucket = questionsByEntry.get(id) ?? { list: [], rows: [] };
      if (question) bucket.list.push(question);
      bucket.rows.push(n);
      questionsByEntry.set(id, bucket);
    });
  }
  const rows: ReadRow[] = [];
  const ids = new Set<string>();
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const raw: Record<string, unknown> = {};
    const where = `Trang "${ENTRIES_SHEET}", dòng ${n}`;
    let any = false;
    used.forEach((column, i) => {
      if (!column) return;
      const text = cellText(row.getCell(i + 1).value);
      if (text.trim()) any = true;
      setPath(raw, column, text, problems, `${where}, cột ${letter(i)} (${column.header})`);
    });
    if (!any) return;
    const id = String(raw.id ?? '');
    ids.add(id);
    const questions = questionsByEntry.get(id);
    raw.questions = questions?.list ?? [];
    rows.push({
      raw,
      where,
      columnOf: (path) => {
        const i = used.findIndex((c) => c?.path.join('.') === path);
        return i >= 0 ? `cột ${letter(i)} (${used[i]!.header})` : undefined;
      },
      questionsWhere: `trang "${QUESTIONS_SHEET}"${questions ? ` (dòng ${questions.rows[0]}–${questions.rows[questions.rows.length - 1]})` : ''}, mã "${id}"`,
    });
  });
  for (const [id, { rows: at }] of questionsByEntry) {
    if (!ids.has(id)) problems.push(`Trang "${QUESTIONS_SHEET}", dòng ${at[0]}, cột A: mã "${id}" không có trong trang "${ENTRIES_SHEET}".`);
  }
  return { rows, problems };
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readCsv(data: Buffer): { rows: ReadRow[]; problems: string[] } {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) throw new ImportRefusedError('Tệp .csv không phải mã UTF-8: trong Excel chọn Lưu thành → "CSV UTF-8 (Comma delimited)" rồi thử lại.');
  const table = parseCsv(text);
  const problems: string[] = [];
  const columns = columnsOf({ questionsApart: false });
  const used = headerIndex(table[0] ?? [], columns, 'Dòng 1', problems);
  const rows: ReadRow[] = [];
  table.slice(1).forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return;
    const n = i + 2;
    const raw: Record<string, unknown> = {};
    used.forEach((column, j) => column && setPath(raw, column, cells[j] ?? '', problems, `Dòng ${n}, cột ${letter(j)} (${column.header})`));
    rows.push({
      raw,
      where: `Dòng ${n}`,
      columnOf: (path) => {
        const j = used.findIndex((c) => c?.path.join('.') === path);
        return j >= 0 ? `cột ${letter(j)} (${used[j]!.header})` : undefined;
      },
    });
  });
  return { rows, problems };
}

function readYaml(data: Buffer, fileName: string): { rows: ReadRow[]; problems: string[] } {
  const problems: string[] = [];
  const rows: ReadRow[] = [];
  parseAllDocuments(data.toString('utf8')).forEach((doc, i) => {
    const where = `Tệp ${fileName}, mục thứ ${i + 1}`;
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      const line = first.linePos?.[0]?.line;
      problems.push(`${where}${line ? `, dòng ${line}` : ''}: không đọc được YAML (${first.code}).`);
      return;
    }
    const raw = doc.toJS() as unknown;
    if (raw === null || raw === undefined) return;
    if (typeof raw !== 'object' || Array.isArray(raw)) return problems.push(`${where}: cần một mục hỏi đáp (các trường id, title…).`);
    rows.push({ raw: raw as Record<string, unknown>, where: `${where} (${String((raw as Record<string, unknown>).id ?? '?')})`, columnOf: (path) => `trường ${path} (${labelOf(path)})` });
  });
  return { rows, problems };
}

export { issuesToVietnamese };
