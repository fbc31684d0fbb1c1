/**
 * Regression cases saved from the inbox, as evaluation rows: `cli eval --db` scores them with the
 * dev-set figures, and the editor's lint warns when a draft would break one that passes today.
 */
import { isAcceptable, toClassification, type EvalRow } from '../faq/faq.eval.js';
import type { FaqEngine } from '../faq/faq.engine.port.js';
import type { FaqEntry } from '../faq/faq.types.js';
import type { RegressionCaseRow } from './querylog.table.js';

export function regressionRowsOf(cases: ReadonlyArray<Pick<RegressionCaseRow, 'id' | 'text' | 'expectedDecision' | 'expectedEntryId'>>): EvalRow[] {
  return cases.map((c) => ({ id: `regression-${c.id}`, text: c.text, expect: c.expectedEntryId ? [c.expectedEntryId] : [c.expectedDecision] }));
}

/** The rows the draft breaks: acceptable with the catalogue as it is, not with the draft laid over it. */
export function brokenByDraft({ rows, entry, catalogue, buildEngine }: { rows: EvalRow[]; entry: FaqEntry; catalogue: FaqEntry[]; buildEngine: (args: { entries: FaqEntry[] }) => Pick<FaqEngine, 'decide'> }): EvalRow[] {
  if (rows.length === 0) return [];
  const before = buildEngine({ entries: catalogue });
  const after = buildEngine({ entries: [...catalogue.filter((e) => e.id !== entry.id), entry] });
  return rows.filter((row) => isAcceptable(row, toClassification(before.decide({ text: row.text }))) && !isAcceptable(row, toClassification(after.decide({ text: row.text }))));
}

/**
 * The editor's lint is synchronous: cases are cached and refreshed in the background at most
 * every `ttlMs` (and right after the inbox saves one).
 */
export function createRegressionGuard({ list, buildEngine, ttlMs = 30_000, now = () => Date.now() }: { list: () => Promise<{ cases: RegressionCaseRow[] }>; buildEngine: (args: { entries: FaqEntry[] }) => Pick<FaqEngine, 'decide'>; ttlMs?: number; now?: () => number }) {
  let rows: EvalRow[] = [];
  let loadedAt = -Infinity;
  async function refresh(): Promise<void> {
    rows = regressionRowsOf((await list()).cases);
    loadedAt = now();
  }
  return {
    refresh,
    lint({ entry, catalogue }: { entry: FaqEntry; catalogue: FaqEntry[] }): { errors: string[]; warnings: string[] } {
      if (now() - loadedAt > ttlMs) void refresh().catch(() => {});
      const broken = brokenByDraft({ rows, entry, catalogue, buildEngine });
      return { errors: [], warnings: broken.map((r) => `Bản nháp làm hỏng ca kiểm thử “${r.text}” (cần: ${r.expect.join(', ')}).`) };
    },
  };
}
