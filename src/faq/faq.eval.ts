/**
 * Evaluation of decisions against labelled rows ({"id","text","expect":[…]}), pure.
 * Definitions (shared by `cli eval`, the tests and the calibration):
 * - in-scope rows: expect names catalogue ids and not "handoff";
 * - answered-correct: decision answer with an expected id; clarify-correct: clarify listing one;
 * - wrong answer: decision answer with an id not expected (counted over all rows);
 * - handoff-only rows: expect is exactly ["handoff"]; handoff-correct: the decision was handoff;
 * - smalltalk rows: expect includes "smalltalk"; smalltalk-correct: the decision was smalltalk.
 */
import type { FaqDecision } from './faq.types.js';

export type EvalRow = { id: string; text: string; expect: string[] };

export type Classification = {
  decision: FaqDecision['kind'];
  faqId: string | null;
  aspect: string | null;
  confidence: number;
  candidates: string[];
};

export function toClassification(decision: FaqDecision): Classification {
  return {
    decision: decision.kind,
    faqId: decision.kind === 'answer' ? decision.entryId : null,
    aspect: decision.kind === 'answer' ? decision.aspect : null,
    confidence: decision.confidence,
    candidates: decision.candidates.map((c) => c.id),
  };
}

export type EvalReport = {
  rows: number;
  inScope: number;
  answeredCorrect: number;
  clarifyCorrect: number;
  wrongAnswers: number;
  handoffOnly: number;
  handoffCorrect: number;
  /** Handoff-only rows that got an answer (the out-of-scope answered rate). */
  handoffOnlyAnswered: number;
  smalltalkRows: number;
  smalltalkCorrect: number;
  /** Rows whose outcome was not acceptable, for --verbose. */
  failures: Array<{ row: EvalRow; got: Classification }>;
};

const META = new Set(['handoff', 'smalltalk']);

export function isAcceptable(row: EvalRow, got: Classification): boolean {
  if (got.decision === 'answer') return row.expect.includes(got.faqId ?? '');
  if (got.decision === 'handoff') return row.expect.includes('handoff');
  if (got.decision === 'smalltalk') return row.expect.includes('smalltalk');
  return got.candidates.some((c) => row.expect.includes(c)) && row.expect.some((e) => !META.has(e));
}

export function evaluate({ rows, classify }: { rows: EvalRow[]; classify: (text: string) => Classification }): EvalReport {
  const report: EvalReport = {
    rows: rows.length, inScope: 0, answeredCorrect: 0, clarifyCorrect: 0, wrongAnswers: 0,
    handoffOnly: 0, handoffCorrect: 0, handoffOnlyAnswered: 0, smalltalkRows: 0, smalltalkCorrect: 0, failures: [],
  };
  for (const row of rows) {
    const got = classify(row.text);
    const ids = row.expect.filter((e) => !META.has(e));
    const inScope = ids.length > 0 && !row.expect.includes('handoff');
    if (inScope) {
      report.inScope += 1;
      if (got.decision === 'answer' && ids.includes(got.faqId ?? '')) report.answeredCorrect += 1;
      if (got.decision === 'clarify' && got.candidates.some((c) => ids.includes(c))) report.clarifyCorrect += 1;
    }
    if (got.decision === 'answer' && !row.expect.includes(got.faqId ?? '')) report.wrongAnswers += 1;
    if (row.expect.length === 1 && row.expect[0] === 'handoff') {
      report.handoffOnly += 1;
      if (got.decision === 'handoff') report.handoffCorrect += 1;
      if (got.decision === 'answer') report.handoffOnlyAnswered += 1;
    }
    if (row.expect.includes('smalltalk')) {
      report.smalltalkRows += 1;
      if (got.decision === 'smalltalk') report.smalltalkCorrect += 1;
    }
    if (!isAcceptable(row, got)) report.failures.push({ row, got });
  }
  return report;
}

export const percent = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);

/** The headline figures as one object of percentages (0–100), for printing and for tests. */
export function headline(r: EvalReport) {
  const pct = (n: number, d: number) => (d === 0 ? NaN : (100 * n) / d);
  return {
    answeredCorrect: pct(r.answeredCorrect, r.inScope),
    clarifyCorrect: pct(r.clarifyCorrect, r.inScope),
    wrongAnswers: pct(r.wrongAnswers, r.rows),
    handoffCorrect: pct(r.handoffCorrect, r.handoffOnly),
    handoffOnlyAnswered: pct(r.handoffOnlyAnswered, r.handoffOnly),
    smalltalk: pct(r.smalltalkCorrect, r.smalltalkRows),
  };
}
