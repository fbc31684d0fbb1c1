/**
 * Pure: the differences between two versions of an entry, field by field, with a line diff
 * (longest common subsequence) for each changed field.
 */
import { FIELD_LABEL } from './catalogue.form.js';

export type LineOp = { op: 'same' | 'add' | 'del'; text: string };
export type FieldDiff = { field: string; label: string; lines: LineOp[] };

// Keys of list items (sources, replaced laws, sub-questions) in the order people read them; others after, sorted.
const ITEM_KEY_ORDER = ['title', 'url', 'checked', 'law', 'by', 'q', 'a', 'text', 'when'];
const keyRank = (key: string) => (ITEM_KEY_ORDER.includes(key) ? ITEM_KEY_ORDER.indexOf(key) : ITEM_KEY_ORDER.length);

/**
 * JSON of a list item with its keys in one fixed order. The database's jsonb stores keys by length
 * ("url" before "title"), the schema and YAML files by meaning: without this, the same source read
 * back from an export showed as a change (the `sources.online` diff after export → import).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort((x, y) => keyRank(x) - keyRank(y) || x.localeCompare(y));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An entry as (field name, text) pairs: lists one item a line, groups by sub-field, anything else as JSON. */
export function flattenEntry(entry: Record<string, unknown> | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const put = (key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) out.set(key, value.map((v) => (typeof v === 'string' ? v : canonicalJson(v))).join('\n'));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) put(`${key}.${k}`, v);
    else out.set(key, String(value));
  };
  for (const [key, value] of Object.entries(entry ?? {})) put(key, value);
  return out;
}

export function labelOf(field: string): string {
  return field
    .split('.')
    .map((part) => FIELD_LABEL[part] ?? part)
    .join(' › ');
}

export function diffEntries(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): FieldDiff[] {
  const a = flattenEntry(before);
  const b = flattenEntry(after);
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  const diffs: FieldDiff[] = [];
  for (const field of fields) {
    const x = a.get(field) ?? '';
    const y = b.get(field) ?? '';
    if (x === y) continue;
    diffs.push({ field, label: labelOf(field), lines: diffLines(x === '' ? [] : x.split('\n'), y === '' ? [] : y.split('\n')) });
  }
  return diffs;
}

export function diffLines(a: string[], b: string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) for (let j = m - 1; j >= 0; j -= 1) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: 'same', text: a[i]! });
      i += 1;
      j += 1;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) ops.push({ op: 'del', text: a[i++]! });
    else ops.push({ op: 'add', text: b[j++]! });
  }
  while (i < n) ops.push({ op: 'del', text: a[i++]! });
  while (j < m) ops.push({ op: 'add', text: b[j++]! });
  return ops;
}
