/**
 * `cli calibrate <dev.jsonl> [guard.jsonl]`: sweeps the decision thresholds (src/faq/faq.thresholds.ts)
 * on a labelled development set, retrieval run once per row. Prints the best settings that keep wrong
 * answers ≤ 3 % and handoff-correct ≥ 90 % on the development set; with a guard file (e.g. the external
 * set) also ≤ 8 % of its handoff-only rows answered. "Best" counts a wrong answer at least as heavily as a
 * right one (WRONG_COST). Copy the first row into faq.thresholds.ts.
 */
import { applyPolicy } from '../faq/faq.decide.js';
import { evaluate, headline, toClassification, type EvalRow } from '../faq/faq.eval.js';
import { THRESHOLDS, type Thresholds } from '../faq/faq.thresholds.js';
import { readEvalRows } from './eval.command.js';
import { engineForCli } from './faq.shared.js';

const WEIGHTS: Array<Thresholds['weights']> = [
  { coverage: 0.3, topic: 0.5, fuse: 0.2, unknown: 0.4 },
  { coverage: 0.4, topic: 0.4, fuse: 0.2, unknown: 0.4 },
  { coverage: 0.4, topic: 0.4, fuse: 0.2, unknown: 0.2 },
  { coverage: 0.3, topic: 0.6, fuse: 0.1, unknown: 0.4 },
  { coverage: 0.5, topic: 0.3, fuse: 0.2, unknown: 0.3 },
  { coverage: 0.2, topic: 0.6, fuse: 0.2, unknown: 0.6 },
];
/** Sibling topic levels tried (> 1: topic words alone are answered, never clarified). */
const SIBLING_TOPIC = [0.5, 0.6, 0.7, 1.01];
/** What a wrong answer (% of all rows) and an out-of-scope guard row answered cost against a right answer. */
const WRONG_COST = 1;
const OOS_COST = 0.25;
const steps = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => +(from + i * step).toFixed(3));

export async function run(args: string[]): Promise<number> {
  const { engine, rest } = await engineForCli({ args });
  const [devFile, guardFile] = rest.filter((a) => !a.startsWith('--'));
  if (!devFile) {
    console.error('Usage: npm run --silent cli -- calibrate data/eval/dev.jsonl [../shared/eval/external-dichvucong.jsonl]');
    return 2;
  }
  const analysed = (rows: EvalRow[]) => new Map(rows.map((r) => [r.text, engine.analyse({ text: r.text })]));
  const dev = readEvalRows(devFile);
  const guard = guardFile ? readEvalRows(guardFile) : [];
  const devA = analysed(dev);
  const guardA = analysed(guard);
  const score = (rows: EvalRow[], cache: Map<string, ReturnType<typeof engine.analyse>>, t: Thresholds) =>
    headline(evaluate({ rows, classify: (text) => toClassification(applyPolicy(cache.get(text)!, t)) }));

  const results: Array<{ t: Thresholds; d: ReturnType<typeof headline>; g: ReturnType<typeof headline> | null }> = [];
  for (const siblingTopic of SIBLING_TOPIC) {
  for (const weights of WEIGHTS) {
    for (const answer of steps(0.3, 0.7, 0.02)) {
      for (const clarify of steps(0.2, answer, 0.04)) {
        for (const ambiguousRankRatio of [0.9, 0.95, 1.01]) {
          for (const bothNamedRankRatio of [0.8, 0.85, 0.9].filter((r) => r <= ambiguousRankRatio)) {
            for (const dominantRankRatio of [0.7, 0.8, 0.9]) {
              for (const dominantAnswer of [0.2, 0.25, 0.3].filter((a) => a < answer)) {
                const t: Thresholds = { ...THRESHOLDS, weights, answer, clarify, ambiguousRankRatio, bothNamedRankRatio, dominantRankRatio, dominantAnswer, siblingTopic };
                const d = score(dev, devA, t);
                if (d.wrongAnswers > 3 || d.handoffCorrect < 90) continue;
                const g = guard.length > 0 ? score(guard, guardA, t) : null;
                if (g && g.handoffOnlyAnswered > 8) continue;
                results.push({ t, d, g });
              }
            }
          }
        }
      }
    }
  }
  }
  // Most answered-correct first; clarify-correct counts half (a question is better than a handoff).
  // A wrong answer costs more than a right one gains (a wrong confident answer is worse than a
  // handoff), and so do out-of-scope guard rows answered.
  // Ties: fewer wrong answers, more handoffs right, fewer out-of-scope rows answered, stricter settings.
  const value = (r: (typeof results)[number]) =>
    r.d.answeredCorrect + 0.5 * r.d.clarifyCorrect - WRONG_COST * r.d.wrongAnswers + (r.g ? 0.5 * (r.g.answeredCorrect + r.g.clarifyCorrect) - OOS_COST * r.g.handoffOnlyAnswered : 0);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  results.sort(
    (a, b) =>
      (near(value(a), value(b)) ? 0 : value(b) - value(a)) ||
      a.d.wrongAnswers - b.d.wrongAnswers ||
      b.d.handoffCorrect - a.d.handoffCorrect ||
      (a.g?.handoffOnlyAnswered ?? 0) - (b.g?.handoffOnlyAnswered ?? 0) ||
      b.t.dominantAnswer - a.t.dominantAnswer ||
      b.t.answer - a.t.answer,
  );
  const f = (n: number) => (Number.isNaN(n) ? '  n/a' : n.toFixed(1).padStart(5));
  console.log('answer clarify ambig both  dom domAns sibl  weights(cov/topic/fuse/unk) | dev: ans clar wrong hand | guard: ans clar oos-answered');
  for (const { t, d, g } of results.slice(0, 15)) {
    const w = t.weights;
    const ratios = [t.ambiguousRankRatio, t.bothNamedRankRatio, t.dominantRankRatio, t.dominantAnswer, t.siblingTopic].map((n) => n.toFixed(2).padStart(5)).join(' ');
    console.log(
      `${t.answer.toFixed(2).padStart(6)} ${t.clarify.toFixed(2).padStart(7)} ${ratios}  ${[w.coverage, w.topic, w.fuse, w.unknown].join('/').padEnd(27)} | ${f(d.answeredCorrect)} ${f(d.clarifyCorrect)} ${f(d.wrongAnswers)} ${f(d.handoffCorrect)} | ${g ? `${f(g.answeredCorrect)} ${f(g.clarifyCorrect)} ${f(g.handoffOnlyAnswered)}` : ''}`,
    );
  }
  if (results.length === 0) console.log('No setting meets the constraints: improve the catalogue or lexicon first.');
  return 0;
}
