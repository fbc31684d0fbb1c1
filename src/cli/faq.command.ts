/**
 * `cli faq lint [--today YYYY-MM-DD]`: checks data/faq against the reviewer rules
 * (src/faq/catalogue.lint.ts) and exits 1 on any problem, one line each.
 * `cli faq due [--today YYYY-MM-DD]`: the entries overdue or due for review within 30 days.
 */
import { join } from 'node:path';
import { loadFaqEntries, unitInfoSchema } from '../faq/catalogue.loader.js';
import { lintCatalogue } from '../faq/catalogue.lint.js';
import { entriesDueForReview, vietnamDate } from '../faq/catalogue.review.js';

const USAGE = 'Usage: npm run cli -- faq lint|due [--today YYYY-MM-DD] | export --out FILE | import FILE [--yes]';

function todayFrom(args: string[]): string | null {
  const at = args.indexOf('--today');
  if (at === -1) return vietnamDate(new Date());
  const value = args[at + 1] ?? '';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
}

export async function run(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  // export/import of the database's catalogue live in their own command file.
  if (verb === 'export' || verb === 'import') return (await import('./faq-exchange.command.js')).run(args);
  const today = todayFrom(rest);
  if ((verb !== 'lint' && verb !== 'due') || !today) {
    console.error(today ? USAGE : `--today needs a date written YYYY-MM-DD.\n${USAGE}`);
    return 2;
  }
  const { loadConfig } = await import('../config.js');
  const dir = join(loadConfig().dataDir, 'faq');
  const entries = loadFaqEntries({ dataDir: loadConfig().dataDir });

  if (verb === 'due') {
    const due = entriesDueForReview({ entries, today });
    for (const row of due) console.log(`${row.state === 'overdue' ? 'QUÁ HẠN' : 'sắp đến hạn'}  ${row.reviewDue}  ${row.id}  (${row.title})`);
    console.log(`${due.length} of ${entries.length} entries due for review by ${today} + 30 days`);
    return 0;
  }

  const problems = lintCatalogue({ entries, unitKeys: Object.keys(unitInfoSchema.shape), today });
  for (const p of problems) console.log(`${join(dir, `${p.entryId}.yaml`)}  ${p.field}  ${p.rule}: ${p.message}`);
  console.log(problems.length === 0 ? `faq lint: ${entries.length} entries, no problems` : `faq lint: ${problems.length} problems in ${new Set(problems.map((p) => p.entryId)).size} of ${entries.length} entries`);
  return problems.length === 0 ? 0 : 1;
}
