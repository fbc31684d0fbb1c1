/**
 * The field diff the import preview, the history and the audit log show: the same content with its
 * keys in another order (the database's jsonb puts "url" before "title") is no change.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, diffEntries } from '../../src/console/catalogue.diff.js';
import { inSchemaOrder } from '../../src/console/catalogue.form.js';
import { catalogue } from './console.harness.js';

const withSources = catalogue.entries.find((e) => (e.sources.online?.length ?? 0) > 0)! as unknown as Record<string, unknown>;
/** As jsonb hands it back: every object's keys by length, then bytes. */
const asJsonb = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(asJsonb);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    return Object.fromEntries(keys.map((k) => [k, asJsonb((value as Record<string, unknown>)[k])]));
  }
  return value;
};

describe('diffEntries', () => {
  it('finds no change between an entry and its jsonb copy (sources.online included)', () => {
    const stored = asJsonb(withSources) as Record<string, unknown>;
    expect(Object.keys((stored.sources as { online: object[] }).online[0]!)[0]).toBe('url');
    expect(diffEntries(stored, withSources)).toEqual([]);
  });

  it('names only the field that changed', () => {
    const stored = asJsonb(withSources) as Record<string, unknown>;
    const diff = diffEntries(stored, { ...withSources, title: `${String(withSources.title)} (mới)` });
    expect(diff.map((d) => d.field)).toEqual(['title']);
  });

  it('still shows a real change inside a source', () => {
    const sources = withSources.sources as Record<string, Array<Record<string, string>>>;
    const changed = { ...withSources, sources: { ...sources, online: [{ ...sources.online![0]!, checked: '2030-01-01' }, ...sources.online!.slice(1)] } };
    expect(diffEntries(asJsonb(withSources) as Record<string, unknown>, changed).map((d) => d.field)).toEqual(['sources.online']);
  });
});

describe('canonicalJson / inSchemaOrder', () => {
  it('writes a source as title, url, checked whatever order it came in', () => {
    expect(canonicalJson({ checked: '2026-12-01', url: 'https://x.vn', title: 'T' })).toBe('{"title":"T","url":"https://x.vn","checked":"2026-12-01"}');
    const ordered = inSchemaOrder(asJsonb(withSources) as Record<string, unknown>);
    expect(Object.keys(ordered).slice(0, 3)).toEqual(['id', 'title', 'category']);
    expect(Object.keys((ordered.sources as { online: object[] }).online[0]!)).toEqual(['title', 'url', 'checked']);
  });
});
