/**
 * Why the engine decided what it did, for `cli classify --explain` and the console's "try a
 * question" pane: per candidate the score parts (BM25, coverage, topic, fuse.js, the weighted parts
 * of the confidence), the story model's features and probability, and every comparison the policy
 * made with the threshold it used. Built from the policy's own trace, so it cannot disagree with the decision.
 */
import { tracePolicy, type Analysis, type PolicyCheck } from './faq.decide.js';
import { STORY_FEATURES, storyProbability } from './faq.story.js';
import type { Thresholds } from './faq.thresholds.js';
import type { Aspect, FaqDecision } from './faq.types.js';

const round = (n: number) => Math.round(n * 1000) / 1000;

export type ExplainedCandidate = {
  id: string;
  title: string;
  /** The index's ordering key and its parts. */
  rank: number;
  bm25: number;
  coverage: number;
  topic: number;
  fuse: number;
  /** confidence = coverage + topic + fuse − unknown, each part already weighted. */
  confidence: number;
  confidenceParts: { coverage: number; topic: number; fuse: number; unknown: number };
};

export type Explanation = {
  decision: FaqDecision;
  /** `before_retrieval`: small talk, a handoff cue or a follow-up decided it; `policy`: the thresholds did. */
  stage: 'before_retrieval' | 'policy';
  aspect: Aspect | null;
  /** Share of the message no entry knows (0–1). */
  unknownShare: number | null;
  /** The message names an out-of-scope subject the best entry does not cover. */
  offTopic: boolean;
  /** It names such a subject at all, or reads as official prose: never answered on the topic alone. */
  topicNotEnough: boolean;
  story: { probability: number; handoff: number; features: Record<string, number> } | null;
  candidates: ExplainedCandidate[];
  checks: PolicyCheck[];
  thresholds: Omit<Thresholds, 'story'>;
};

/** The explanation of one analysed message under `thresholds`; `decision` may carry answer details. */
export function explainAnalysis({ analysis, thresholds, decision }: { analysis: Analysis; thresholds: Thresholds; decision?: FaqDecision }): Explanation {
  const trace = tracePolicy(analysis, thresholds);
  const { story: storyThresholds, ...rest } = thresholds;
  if (analysis.final) {
    return { decision: decision ?? trace.decision, stage: 'before_retrieval', aspect: null, unknownShare: null, offTopic: false, topicNotEnough: false, story: null, candidates: [], checks: [], thresholds: rest };
  }
  const w = thresholds.weights;
  return {
    decision: decision ?? trace.decision,
    stage: 'policy',
    aspect: analysis.aspect,
    unknownShare: round(analysis.unknownShare),
    offTopic: analysis.offTopic,
    topicNotEnough: analysis.topicNotEnough,
    story: {
      probability: round(storyProbability(analysis.story, storyThresholds.model)),
      handoff: storyThresholds.handoff,
      features: Object.fromEntries(STORY_FEATURES.map((name, i) => [name, round(analysis.story[i] ?? 0)])),
    },
    candidates: analysis.ranked.map((r) => ({
      id: r.entryId,
      title: r.title,
      rank: round(r.rank),
      bm25: round(r.bm25),
      coverage: round(r.coverage),
      topic: round(r.topic),
      fuse: round(r.fuse),
      confidence: trace.confidences.get(r.entryId) ?? 0,
      confidenceParts: {
        coverage: round(w.coverage * r.coverage),
        topic: round(w.topic * r.topic),
        fuse: round(w.fuse * r.fuse),
        unknown: round(-w.unknown * analysis.unknownShare),
      },
    })),
    checks: trace.checks,
    thresholds: rest,
  };
}
