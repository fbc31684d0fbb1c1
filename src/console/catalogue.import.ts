/**
 * An import, planned then applied: each file entry against its working copy in the database
 * (draft, else published) → new, changed (with the field diff) or unchanged. Applying saves the
 * new and changed ones as drafts to review; nothing is published by an import.
 */
import type { FaqEditing } from '../faq/faq.editing.js';
import { sameContent, type FaqRepository } from '../faq/faq.repository.js';
import { diffEntries, type FieldDiff } from './catalogue.diff.js';

export type ImportPlanItem = { id: string; change: 'new' | 'changed' | 'same'; diff: FieldDiff[]; entry: Record<string, unknown> };

export async function planImport({ faq, entries }: { faq: Pick<FaqRepository, 'listForConsole'>; entries: Array<Record<string, unknown>> }): Promise<{ items: ImportPlanItem[] }> {
  const { items } = await faq.listForConsole();
  const current = new Map(items.map((i) => [i.id, i.data]));
  return {
    items: entries.map((entry) => {
      const id = String(entry.id);
      const before = current.get(id);
      if (!before) return { id, change: 'new', diff: diffEntries(null, entry), entry };
      return sameContent(before, entry) ? { id, change: 'same', diff: [], entry } : { id, change: 'changed', diff: diffEntries(before, entry), entry };
    }),
  };
}

export async function applyImport({ editing, items, author, source }: { editing: Pick<FaqEditing, 'saveDraft'>; items: ImportPlanItem[]; author: string; source: string }) {
  const saved: string[] = [];
  for (const item of items) {
    if (item.change === 'same') continue;
    await editing.saveDraft({ entry: item.entry, author, kind: 'import', note: `Nhập từ ${source}` });
    saved.push(item.id);
  }
  return { saved };
}
