import type { StoryModel } from './faq.story.js';

/**
 * The decision thresholds, in one place. They are calibrated, not guessed:
 * `npm run cli -- calibrate data/eval/dev.jsonl` sweeps them on the development set and prints
 * the risk/coverage table; pick the row that keeps wrong answers ≤ 3 % with the most answered,
 * write the values here, then check the external set with `npm run cli -- eval`.
 * Re-run after any change to the catalogue, the lexicon or the fuse.js/minisearch versions.
 */
export type Thresholds = {
  /** Weights of the confidence of the best candidate (see confidenceOf in faq.decide.ts). */
  weights: { coverage: number; topic: number; fuse: number; unknown: number };
  /** Confidence at or above which the best entry is answered directly. */
  answer: number;
  /** Confidence at or above which the resident is asked to choose among candidates. */
  clarify: number;
  /** A runner-up ranked at least this share of the best turns a direct answer into a clarify (> 1: never). */
  ambiguousRankRatio: number;
  /** `ambiguousRankRatio` when the message names both the best entry's and the runner-up's topics in full (a wider lead). */
  bothNamedRankRatio: number;
  /**
   * A best entry whose topic the message names in full, with the runner-up ranked at most
   * `dominantRankRatio` of it and naming its own topic less than `dominantRunnerUpTopic`, is answered
   * from `dominantAnswer` confidence up (long story-like messages the catalogue half knows).
   */
  dominantRankRatio: number;
  dominantRunnerUpTopic: number;
  dominantAnswer: number;
  /** Clarify options: candidates whose rank is at least this share of the best one's. */
  clarifyRankRatio: number;
  /**
   * A runner-up that explains the message as fully as the best and names at least this much of its
   * own topic is a sibling ("sổ đỏ": first issuance, transfer, split): the resident is asked (> 1: never).
   */
  siblingTopic: number;
  /** The story model (faq.story.ts, fitted by `cli fit-story`) and the probability from which it hands off. */
  story: { model: StoryModel; handoff: number };
};

export const THRESHOLDS: Thresholds = {
  // Calibrated 2026-11-28 (`cli calibrate data/eval/dev.jsonl ../shared/eval/external-dichvucong.jsonl`, first row):
  // dev 92.0 % answered-correct + 6.1 % clarify, 1.0 % wrong, 95.8 % handoff-correct; external in-scope
  // 70 % answered + 30 % clarify, 3.9 % of out-of-scope rows answered (README "Measured figures").
  weights: { coverage: 0.4, topic: 0.4, fuse: 0.2, unknown: 0.2 },
  answer: 0.44,
  clarify: 0.24,
  ambiguousRankRatio: 0.95,
  bothNamedRankRatio: 0.85,
  clarifyRankRatio: 0.6,
  dominantRankRatio: 0.9,
  dominantRunnerUpTopic: 0.8,
  dominantAnswer: 0.3,
  siblingTopic: 0.55,
  story: { model: { bias: 2.395, weights: [0.634, 0.518, 0.384, 1.352, -1.062, 0.087, 0.146, -0.714, -3.045, 2.369, -3.352, 0.819, 0.907, 0.82, 0.706, 1.037, -0.048] }, handoff: 0.797 },
};
