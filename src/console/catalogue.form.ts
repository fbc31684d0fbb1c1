/**
 * The entry form, derived from the catalogue's zod schema (src/faq/catalogue.schema.ts): a field
 * added there appears here without a change (text, number, list, choice, group of texts; anything
 * else is edited as JSON). Labels and error messages are Vietnamese; the schema stays the one judge.
 */
import type { z } from 'zod';
import { CATEGORIES, faqEntrySchema } from '../faq/catalogue.schema.js';
import { SECTION_LABEL } from '../faq/faq.render.js';

export type FieldSpec =
  | { key: string; label: string; kind: 'text'; optional: boolean; maxLength?: number; long: boolean; format?: 'url' | 'date' | 'slug' }
  | { key: string; label: string; kind: 'number'; optional: boolean }
  | { key: string; label: string; kind: 'choice'; optional: boolean; options: Array<{ value: string; label: string }> }
  | { key: string; label: string; kind: 'lines'; optional: boolean; chips: boolean; min?: number }
  | { key: string; label: string; kind: 'group'; optional: boolean; fields: FieldSpec[] }
  | { key: string; label: string; kind: 'json'; optional: boolean };

export const FIELD_LABEL: Record<string, string> = {
  id: 'Mã mục',
  title: 'Tiêu đề',
  category: 'Nhóm thủ tục',
  procedureCode: 'Mã thủ tục (Cổng DVC)',
  statutoryDays: 'Thời hạn theo luật (ngày)',
  questions: 'Câu hỏi của người dân',
  keywords: 'Từ khóa',
  summary: 'Tóm tắt',
  sections: 'Nội dung trả lời',
  ...SECTION_LABEL,
  legalBasis: 'Căn cứ pháp lý',
  sourceUrl: 'Nguồn chính thức (đường dẫn)',
  sources: 'Nguồn',
  reviewedAt: 'Ngày rà soát',
  reviewDue: 'Hạn rà soát lại',
};

export const CATEGORY_LABEL: Record<(typeof CATEGORIES)[number], string> = {
  'ho-tich': 'Hộ tịch',
  'chung-thuc': 'Chứng thực',
  'cu-tru': 'Cư trú',
  'can-cuoc': 'Căn cước',
  'dat-dai': 'Đất đai',
  'xay-dung': 'Xây dựng',
  'kinh-doanh': 'Kinh doanh',
  'xa-hoi': 'Xã hội',
  'tu-phap': 'Tư pháp',
  'quoc-phong': 'Quốc phòng',
  chung: 'Chung',
};

const CHIPS = new Set(['questions', 'keywords']);

type Def = { type: string; innerType?: ZodLike; out?: ZodLike; in?: ZodLike; element?: ZodLike; entries?: Record<string, string>; shape?: Record<string, ZodLike>; options?: ZodLike[]; checks?: Array<{ _zod: { def: { check: string; minimum?: number; format?: string } } }>; format?: string };
type ZodLike = { _zod: { def: Def }; maxLength?: number | null; format?: string | null };

function unwrap(schema: ZodLike): { schema: ZodLike; optional: boolean } {
  let current = schema;
  let optional = false;
  for (let i = 0; i < 10; i += 1) {
    const def = current._zod.def;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') {
      optional = true;
      current = def.innerType!;
    } else if (def.type === 'pipe') current = def.out!._zod.def.type === 'transform' ? def.in! : def.out!;
    else if (def.type === 'union') current = def.options![0]!;
    else break;
  }
  return { schema: current, optional };
}

function describe(key: string, raw: ZodLike): FieldSpec {
  const { schema, optional } = unwrap(raw);
  const def = schema._zod.def;
  const label = FIELD_LABEL[key] ?? key;
  if (def.type === 'string') {
    const maxLength = schema.maxLength ?? undefined;
    const format = schema.format === 'url' || /url$/i.test(key) ? 'url' : key === 'id' ? 'slug' : /At$|Due$/.test(key) ? 'date' : undefined;
    return { key, label, kind: 'text', optional, maxLength, long: (maxLength ?? 0) > 200, format };
  }
  if (def.type === 'number') return { key, label, kind: 'number', optional };
  if (def.type === 'enum') {
    const values = Object.values(def.entries ?? {});
    return { key, label, kind: 'choice', optional, options: values.map((value) => ({ value, label: CATEGORY_LABEL[value as keyof typeof CATEGORY_LABEL] ?? value })) };
  }
  if (def.type === 'array' && unwrap(def.element!).schema._zod.def.type === 'string') {
    const min = schema._zod.def.checks?.find((c) => c._zod.def.check === 'min_length')?._zod.def.minimum;
    return { key, label, kind: 'lines', optional, chips: CHIPS.has(key), ...(min !== undefined ? { min } : {}) };
  }
  if (def.type === 'object' && def.shape && Object.values(def.shape).every((f) => unwrap(f).schema._zod.def.type === 'string')) {
    return { key, label, kind: 'group', optional, fields: Object.entries(def.shape).map(([k, f]) => describe(k, f)) };
  }
  return { key, label, kind: 'json', optional };
}

/** The fields of an entry, in schema order. */
export function entryFields(schema: z.ZodObject = faqEntrySchema as unknown as z.ZodObject): FieldSpec[] {
  return Object.entries(schema.shape).map(([key, field]) => describe(key, field as unknown as ZodLike));
}

/** A form post (flat names such as `sections.fee`) → the raw entry the schema will judge. */
export function formToEntry({ body, fields }: { body: Record<string, unknown>; fields: FieldSpec[] }): { raw: Record<string, unknown>; jsonProblems: Record<string, string> } {
  const raw: Record<string, unknown> = {};
  const jsonProblems: Record<string, string> = {};
  const read = (name: string) => {
    const value = body[name];
    return typeof value === 'string' ? value.replace(/\r\n/g, '\n') : Array.isArray(value) ? value.join('\n') : '';
  };
  const fill = (target: Record<string, unknown>, spec: FieldSpec, name: string) => {
    const value = read(name);
    if (spec.kind === 'group') {
      const group: Record<string, unknown> = {};
      for (const sub of spec.fields) fill(group, sub, `${name}.${sub.key}`);
      target[spec.key] = group;
      return;
    }
    if (spec.kind === 'lines') {
      const lines = value.split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.length > 0 || !spec.optional) target[spec.key] = lines;
      return;
    }
    if (value.trim() === '') {
      if (!spec.optional) target[spec.key] = spec.kind === 'number' ? undefined : '';
      return;
    }
    if (spec.kind === 'number') target[spec.key] = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : value.trim();
    else if (spec.kind === 'json') {
      try {
        target[spec.key] = JSON.parse(value);
      } catch {
        jsonProblems[name] = 'Không đọc được: cần viết đúng dạng JSON.';
      }
    } else target[spec.key] = value.trim();
  };
  for (const spec of fields) fill(raw, spec, spec.key);
  return { raw, jsonProblems };
}

type Issue = { code: string; path: PropertyKey[]; message: string; minimum?: number | bigint; maximum?: number | bigint; origin?: string; format?: string; keys?: string[] };

/** Vietnamese problems keyed by form field name (`questions`, `sections.fee`, `sections` …). */
export function issuesToVietnamese(issues: readonly Issue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const path = issue.path.map(String);
    const index = path.findIndex((p) => /^\d+$/.test(p));
    const field = (index >= 0 ? path.slice(0, index) : path).join('.') || '(entry)';
    const line = index >= 0 ? `Dòng ${Number(path[index]) + 1}: ` : '';
    (out[field] ??= []).push(line + vietnameseMessage(issue, path[path.length - 1] ?? ''));
  }
  return out;
}

function vietnameseMessage(issue: Issue, leaf: string): string {
  const n = (v: number | bigint | undefined) => Number(v ?? 0).toLocaleString('vi-VN');
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'array') return leaf === 'questions' ? `Cần ít nhất ${n(issue.minimum)} câu hỏi khác nhau của người dân.` : `Cần ít nhất ${n(issue.minimum)} dòng.`;
      if (issue.origin === 'string') return 'Không được để trống.';
      return `Không được nhỏ hơn ${n(issue.minimum)}.`;
    case 'too_big':
      if (issue.origin === 'string') return `Dài quá ${n(issue.maximum)} ký tự: hãy rút gọn hoặc chuyển bớt sang mục Lưu ý.`;
      if (issue.origin === 'array') return `Nhiều quá ${n(issue.maximum)} dòng.`;
      return `Không được lớn hơn ${n(issue.maximum)}.`;
    case 'invalid_format':
      if (issue.format === 'url') return 'Cần một đường dẫn đầy đủ, bắt đầu bằng https://';
      if (leaf === 'id') return 'Chỉ dùng chữ thường không dấu, số và dấu gạch nối, ví dụ: khai-sinh.';
      if (leaf === 'procedureCode') return 'Viết theo mẫu 1.001193.';
      if (/At$|Due$/.test(leaf)) return 'Viết ngày theo mẫu NĂM-THÁNG-NGÀY, ví dụ 2026-11-22.';
      return 'Chưa đúng định dạng.';
    case 'invalid_type':
      return issue.message.includes('received undefined') ? 'Cần điền mục này.' : 'Giá trị chưa đúng kiểu (ví dụ: cần một số).';
    case 'invalid_value':
      return 'Hãy chọn một giá trị trong danh sách.';
    case 'unrecognized_keys':
      return `Có trường không được hỗ trợ: ${(issue.keys ?? []).join(', ')}.`;
    case 'custom':
      if (leaf === 'sections') return 'Cần ít nhất một phần nội dung (giấy tờ, lệ phí, thời gian…).';
      return issue.message;
    default:
      return issue.message;
  }
}

/**
 * The entry with its keys in schema order (sources as title, url, checked), as the data/ files write
 * them; the database's jsonb orders keys by length. An entry the schema refuses is returned as is.
 */
export function inSchemaOrder(entry: Record<string, unknown>): Record<string, unknown> {
  const parsed = faqEntrySchema.safeParse(entry);
  return parsed.success ? JSON.parse(JSON.stringify(parsed.data)) : entry;
}

/** Validates a raw entry with the catalogue schema; Vietnamese problems by field, or the entry. */
export function checkEntry(raw: unknown): { ok: true; entry: z.infer<typeof faqEntrySchema> } | { ok: false; problems: Record<string, string[]> } {
  const parsed = faqEntrySchema.safeParse(raw);
  if (parsed.success) return { ok: true, entry: parsed.data };
  return { ok: false, problems: issuesToVietnamese(parsed.error.issues as unknown as Issue[]) };
}
