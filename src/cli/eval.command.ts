/**
 * `cli eval <file.jsonl> [--verbose] [--db]`: our figures and, in the same run, the plain fuse.js
 * baseline's, so progress is visible. Definitions are in src/faq/faq.eval.ts.
 */
import { readFileSync } from 'node:fs';
import { createFuseBaseline } from '../faq/faq.baseline.js';
import { evaluate, percent, toClassification, type EvalReport, type EvalRow } from '../faq/faq.eval.js';
import { engineForCli } from './faq.shared.js';

export function readEvalRows(file: string): EvalRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const row = JSON.parse(line) as EvalRow;
      if (typeof row.text !== 'string' || !Array.isArray(row.expect)) throw new Error(`${file}:${i + 1}: needs "text" and "expect"`);
      return row;
    });
}

function line(name: string, r: EvalReport): string {
  return [
    name.padEnd(10),
    `answered-correct ${percent(r.answeredCorrect, r.inScope).padStart(6)}`,
    `clarify-correct ${percent(r.clarifyCorrect, r.inScope).padStart(6)}`,
    `wrong-answers ${percent(r.wrongAnswers, r.rows).padStart(6)}`,
    `handoff-correct ${percent(r.handoffCorrect, r.handoffOnly).padStart(6)}`,
    `out-of-scope-answered ${percent(r.handoffOnlyAnswered, r.handoffOnly).padStart(6)}`,
    `smalltalk ${percent(r.smalltalkCorrect, r.smalltalkRows).padStart(6)}`,
  ].join('  ');
}

export async function run(args: string[]): Promise<number> {
  const { engine, entries, rest } = await engineForCli({ args });
  const verbose = rest.includes('--verbose');
  const file = rest.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('Usage: npm run --silent cli -- eval <file.jsonl> [--verbose] [--db]');
    return 2;
  }
  const rows = readEvalRows(file);
  const ours = evaluate({ rows, classify: (text) => toClassification(engine.decide({ text })) });
  const baseline = evaluate({ rows, classify: createFuseBaseline({ entries }).classify });
  console.log(`${file}: ${rows.length} rows, ${ours.inScope} in scope, ${ours.handoffOnly} handoff-only, ${ours.smalltalkRows} smalltalk`);
  console.log(line('ours', ours));
  console.log(line('fuse-plain', baseline));
  if (verbose) {
    console.log(`\n${ours.failures.length} unacceptable outcomes:`);
    for (const { row, got } of ours.failures) {
      console.log(`- ${row.id} expect=${row.expect.join('|')} got=${got.decision}${got.faqId ? `:${got.faqId}` : ''} conf=${got.confidence} cand=${got.candidates.join(',')}\n    ${row.text}`);
    }
  }
  return 0;
}
