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

async function regressionCasesFromDb(): Promise<EvalRow[]> {
  const { loadConfig } = await import('../config.js');
  const { createDatabase } = await import('../db/client.js');
  const { createQueryLogRepository } = await import('../querylog/index.js');
  const { regressionRowsOf } = await import('../querylog/index.js');
  const config = loadConfig();
  const handle = await createDatabase({ url: config.database.url, pgliteDataDir: config.database.pgliteDataDir });
  try {
    return regressionRowsOf((await createQueryLogRepository({ db: handle.db }).listRegressionCases()).cases);
  } finally {
    await handle.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const { engine, entries, rest } = await engineForCli({ args });
  const verbose = rest.includes('--verbose');
  const file = rest.find((a) => !a.startsWith('--'));
  if (!file && !args.includes('--db')) {
    console.error('Usage: npm run --silent cli -- eval <file.jsonl> [--verbose] [--db]   (--db: the published catalogue, and the regression cases saved in the console)');
    return 2;
  }
  const cases = args.includes('--db') ? await regressionCasesFromDb() : [];
  if (cases.length > 0) {
    const report = evaluate({ rows: cases, classify: (text) => toClassification(engine.decide({ text })) });
    console.log(`regression cases (database): ${cases.length} rows, ${cases.length - report.failures.length} pass, ${report.failures.length} broken`);
    console.log(line('cases', report));
    for (const { row, got } of report.failures) console.log(`- broken ${row.id} expect=${row.expect.join('|')} got=${got.decision}${got.faqId ? `:${got.faqId}` : ''}\n    ${row.text}`);
  } else if (args.includes('--db')) {
    console.log('regression cases (database): none saved yet (console → Câu hỏi chưa trả lời → Lưu làm ca kiểm thử)');
  }
  if (!file) return 0;
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
