/**
 * `cli classify`: JSON lines {"id","text"} on stdin → one JSON line per input, in order:
 * {"id","decision","faqId","aspect","confidence","candidates"}. A bad line gets an "error" field.
 * `--explain` adds "explain": score parts per candidate and the thresholds they met (faq.explain.ts).
 */
import { createInterface } from 'node:readline';
import { toClassification } from '../faq/faq.eval.js';
import { engineForCli } from './faq.shared.js';

export async function run(args: string[]): Promise<number> {
  const { engine, rest } = await engineForCli({ args });
  const explain = rest.includes('--explain');
  const out: string[] = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  };
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    let row: { id?: unknown; text?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      out.push(JSON.stringify({ id: null, error: 'not valid JSON' }));
      continue;
    }
    if (typeof row.text !== 'string') {
      out.push(JSON.stringify({ id: row.id ?? null, error: 'missing "text"' }));
      continue;
    }
    if (explain) {
      const explanation = engine.explain({ text: row.text });
      out.push(JSON.stringify({ id: row.id ?? null, ...toClassification(explanation.decision), explain: explanation }));
    } else {
      out.push(JSON.stringify({ id: row.id ?? null, ...toClassification(engine.decide({ text: row.text })) }));
    }
    if (out.length >= 200) flush();
  }
  flush();
  return 0;
}
