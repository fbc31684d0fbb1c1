/**
 * The threshold policy on hand-made retrieval results: which margins turn a candidate into an
 * answer, a clarify or a handoff (src/faq/faq.decide.ts applyPolicy).
 */
import { describe, expect, it } from 'vitest';
import { applyPolicy, type Analysis } from '../../src/faq/faq.decide.js';
import type { RankedEntry } from '../../src/faq/faq.index.js';
import { THRESHOLDS } from '../../src/faq/faq.thresholds.js';

const entry = (entryId: string, f: Partial<RankedEntry>): RankedEntry => ({ entryId, title: entryId, bm25: 10, coverage: 0, fuse: 0, topic: 0, rank: 0, ...f });
const analysis = (ranked: RankedEntry[], over: Partial<Extract<Analysis, { final: null }>> = {}): Analysis => ({
  final: null,
  ranked,
  unknownShare: 0.6,
  aspect: null,
  offTopic: false,
  topicNotEnough: false,
  story: [0, 0, 0, 0, 1, 0, 0, 0.2, 0.2, 0.6, 1],
  query: { accented: '', typed: new Map(), words: [], expanded: [], unigrams: [], bigrams: [] },
  focus: null,
  bare: false,
  ...over,
});
// A long story: the entry's topic named in full, little else of the message known.
const story = entry('khai-sinh', { coverage: 0.2, topic: 1, fuse: 0.1, rank: 0.68 });

describe('decision policy', () => {
  it('answers a message naming one topic in full far ahead of the runner-up, despite low coverage', () => {
    const decision = applyPolicy(analysis([story, entry('trich-luc-ho-tich', { topic: 0.5, rank: 0.4 })]), THRESHOLDS);
    expect(decision.kind === 'answer' && decision.entryId).toBe('khai-sinh');
  });

  it('does not answer on the topic alone when the runner-up is close or names its own topic too', () => {
    const close = entry('trich-luc-ho-tich', { topic: 0.5, rank: 0.67 });
    const named = entry('trich-luc-ho-tich', { topic: 1, rank: 0.4 });
    expect(applyPolicy(analysis([story, close]), THRESHOLDS).kind).toBe('clarify');
    expect(applyPolicy(analysis([story, named]), THRESHOLDS).kind).toBe('clarify');
  });

  it('does not answer on the topic alone when the message names an out-of-scope subject or is official prose', () => {
    const decision = applyPolicy(analysis([story, entry('trich-luc-ho-tich', { rank: 0.3 })], { topicNotEnough: true }), THRESHOLDS);
    expect(decision.kind).not.toBe('answer');
  });

  it('needs a wider lead to answer when both the best and the runner-up are named in full', () => {
    const best = entry('ket-hon', { coverage: 0.8, topic: 1, fuse: 0.4, rank: 0.9, bm25: 50 });
    const decision = (runnerUpRank: number, runnerUpTopic: number) =>
      applyPolicy(analysis([best, entry('xac-nhan-hon-nhan', { coverage: 0.7, topic: runnerUpTopic, rank: runnerUpRank })], { unknownShare: 0.1 }), THRESHOLDS).kind;
    const between = 0.9 * ((THRESHOLDS.bothNamedRankRatio + THRESHOLDS.ambiguousRankRatio) / 2);
    expect(decision(between, 0.5)).toBe('answer');
    expect(decision(between, 1)).toBe('clarify');
  });

  it('hands off an off-topic message whatever its confidence', () => {
    const decision = applyPolicy(analysis([{ ...story, coverage: 0.9 }], { offTopic: true }), THRESHOLDS);
    expect(decision.kind === 'handoff' && decision.reason).toBe('out_of_scope');
  });

  it('asks when a sibling explains the message as fully and names it in its own topic (topic words alone)', () => {
    const best = entry('cap-so-do', { coverage: 1, topic: 1, fuse: 1, rank: 1 });
    const sibling = entry('tach-thua', { coverage: 1, topic: 0.7, rank: 0.88 });
    const t = { ...THRESHOLDS, siblingTopic: 0.6 };
    expect(applyPolicy(analysis([best, sibling], { unknownShare: 0, bare: true }), t).kind).toBe('clarify');
    // the same scores for a message that asks more than the topic ("làm giấy khai sinh cần gì") answer
    expect(applyPolicy(analysis([best, sibling], { unknownShare: 0 }), t).kind).toBe('answer');
    // a sibling that explains less of the message, or names less of its topic, leaves the answer
    expect(applyPolicy(analysis([best, { ...sibling, coverage: 0.7 }], { unknownShare: 0, bare: true }), t).kind).toBe('answer');
    expect(applyPolicy(analysis([best, { ...sibling, topic: 0.4 }], { unknownShare: 0, bare: true }), t).kind).toBe('answer');
  });

  it('hands a story-like message to a person when the story model is sure enough', () => {
    const best = entry('cap-so-do', { coverage: 1, topic: 1, fuse: 1, rank: 1 });
    const sure = { ...THRESHOLDS, story: { model: { bias: 5, weights: [] }, handoff: 0.9 } };
    const decision = applyPolicy(analysis([best], { unknownShare: 0 }), sure);
    expect(decision.kind === 'handoff' && decision.reason).toBe('personal_case');
    const unsure = { ...THRESHOLDS, story: { model: { bias: -5, weights: [] }, handoff: 0.9 } };
    expect(applyPolicy(analysis([best], { unknownShare: 0 }), unsure).kind).toBe('answer');
  });
});
