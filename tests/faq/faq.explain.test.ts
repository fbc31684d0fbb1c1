/**
 * explain(): the workings behind a decision, as `cli classify --explain` and the console show them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { THRESHOLDS } from '../../src/faq/faq.thresholds.js';
import { dataDir, engine } from './faq.helpers.js';

const devTexts = readFileSync(join(dataDir, 'eval', 'dev.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { text: string }).text);

describe('explain', () => {
  it('explains exactly the decision the engine takes, for every development message', () => {
    for (const text of devTexts) expect(engine.explain({ text }).decision, text).toEqual(engine.decide({ text }));
  });

  it('gives each candidate its score parts, the confidence being the sum of its weighted parts', () => {
    const { candidates, stage } = engine.explain({ text: 'làm sổ đỏ lần đầu hết bao nhiêu tiền' });
    expect(stage).toBe('policy');
    expect(candidates.length).toBeGreaterThan(1);
    for (const c of candidates) {
      const { coverage, topic, fuse, unknown } = c.confidenceParts;
      expect(Math.max(0, coverage + topic + fuse + unknown)).toBeCloseTo(c.confidence, 2);
      expect(c.confidenceParts.coverage).toBeCloseTo(THRESHOLDS.weights.coverage * c.coverage, 3);
    }
  });

  it('lists the comparisons with the thresholds they were held to', () => {
    const explanation = engine.explain({ text: 'làm sổ đỏ lần đầu hết bao nhiêu tiền' });
    expect(explanation.decision.kind).toBe('answer');
    const answer = explanation.checks.find((c) => c.name === 'answer');
    expect(answer).toMatchObject({ entryId: 'cap-so-do', op: '>=', threshold: THRESHOLDS.answer, passed: true });
    const story = explanation.checks.find((c) => c.name === 'story');
    expect(story).toMatchObject({ threshold: THRESHOLDS.story.handoff, passed: false });
    expect(explanation.story?.features.procedural).toBe(1);
  });

  it('says when the decision was taken before retrieval', () => {
    expect(engine.explain({ text: 'cảm ơn nhiều ạ' })).toMatchObject({ stage: 'before_retrieval', candidates: [], checks: [] });
    expect(engine.explain({ text: 'gặp cán bộ' }).decision.kind).toBe('handoff');
  });
});
