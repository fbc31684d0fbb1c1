/**
 * `cli fit-story <dev.jsonl> [more dev files…]`: fits the story model (src/faq/faq.story.ts) on the
 * development rows that reach the threshold policy: handoff-only rows are positive, in-scope rows
 * negative. Five-fold cross-validation gives each row a probability from a model that never saw it;
 * the printed handoff level is the lowest at which at most MAX_INSCOPE_LOST of the in-scope rows would
 * be handed off. Copy the printed `story` object into src/faq/faq.thresholds.ts, then run `calibrate`.
 */
import { crossValidatedProbabilities, fitStoryModel, STORY_FEATURES, type StorySample } from '../faq/faq.story.js';
import { readEvalRows } from './eval.command.js';
import { engineForCli } from './faq.shared.js';

/** Share of the in-scope rows (out of fold) the model may send to a person. */
const MAX_INSCOPE_LOST = 0.01;
/** Regularisation strengths tried; the one catching most handoff rows out of fold is kept. */
const L2_TRIED = [0.001, 0.003, 0.01, 0.03];

export async function run(args: string[]): Promise<number> {
  const { engine, rest } = await engineForCli({ args });
  const paths = rest.filter((a) => !a.startsWith('--'));
  if (paths.length === 0) {
    console.error('Usage: npm run --silent cli -- fit-story data/eval/dev.jsonl [data/eval/dev-stories.jsonl]');
    return 2;
  }
  const samples: StorySample[] = [];
  for (const row of paths.flatMap((p) => readEvalRows(p))) {
    const handoffOnly = row.expect.length === 1 && row.expect[0] === 'handoff';
    const inScope = !row.expect.includes('handoff') && !row.expect.includes('smalltalk');
    if (!handoffOnly && !inScope) continue;
    const analysis = engine.analyse({ text: row.text });
    if (analysis.final) continue; // decided before the policy (small talk, explicit requests…)
    samples.push({ x: analysis.story, y: handoffOnly ? 1 : 0 });
  }
  const trial = (l2: number) => {
    const oof = crossValidatedProbabilities(samples, { l2 });
    const negatives = oof.filter((_, i) => samples[i]!.y === 0).sort((a, b) => b - a);
    const positives = oof.filter((_, i) => samples[i]!.y === 1);
    const allowed = Math.floor(negatives.length * MAX_INSCOPE_LOST);
    // Just above the (allowed+1)-th highest in-scope probability: at most `allowed` in-scope rows reach it.
    const handoff = Math.min(0.99, +((negatives[allowed] ?? 0) + 0.005).toFixed(3));
    return { l2, handoff, positives, negatives, caught: positives.filter((p) => p >= handoff).length, lost: negatives.filter((p) => p >= handoff).length };
  };
  const trials = L2_TRIED.map(trial);
  console.log(`${samples.length} rows reach the policy: ${trials[0]!.positives.length} handoff-only, ${trials[0]!.negatives.length} in scope`);
  for (const t of trials) console.log(`l2 ${t.l2}: cross-validated at handoff ≥ ${t.handoff}: ${t.caught}/${t.positives.length} handoff-only rows caught, ${t.lost}/${t.negatives.length} in-scope rows lost`);
  // Ties go to the stronger regularisation (the simpler model).
  const best = trials.reduce((a, b) => (b.caught >= a.caught ? b : a));
  const handoff = best.handoff;
  const model = fitStoryModel(samples, { l2: best.l2 });
  console.log(`kept l2 ${best.l2}; weights:`, STORY_FEATURES.map((f, i) => `${f} ${model.weights[i]!.toFixed(2)}`).join(', '), `bias ${model.bias.toFixed(2)}`);
  const round = (n: number) => +n.toFixed(3);
  console.log(`story: { model: { bias: ${round(model.bias)}, weights: [${model.weights.map(round).join(', ')}] }, handoff: ${handoff} },`);
  return 0;
}
