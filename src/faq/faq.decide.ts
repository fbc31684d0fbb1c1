/**
 * The decision for one message, in two steps so thresholds can be calibrated without re-running
 * retrieval: `analyse` (small talk, handoffs that must happen whatever the catalogue holds,
 * retrieval) and `applyPolicy` (calibrated thresholds: answer / clarify / handoff).
 * A wrong confident answer is worse than a handoff, so every doubt leans towards a person.
 */
import type { FaqIndex, RankedEntry } from './faq.index.js';
import { ASPECT_WORDS, asksHowTo, detectAspect, detectHandoffIntent, findOutOfScopeTopics, isFormalRegister } from './faq.intents.js';
import { normalizeForSearch, type Lexicon, type NormalizedText } from './faq.lexicon.js';
import type { Smalltalk } from './faq.smalltalk.js';
import { isQuestion, storyFeatures, storyProbability } from './faq.story.js';
import type { Thresholds } from './faq.thresholds.js';
import type { Aspect, FaqDecision } from './faq.types.js';

export type DecideDeps = { index: FaqIndex; lexicon: Lexicon; smalltalk: Smalltalk; thresholds: Thresholds };

export type DecideContext = {
  /** The entry answered last in this conversation: "còn lệ phí?" continues it. */
  lastEntryId?: string;
};

/** What retrieval found; either a final decision already, or candidates for the policy. */
export type Analysis =
  | { final: FaqDecision }
  | {
      final: null;
      ranked: RankedEntry[];
      unknownShare: number;
      aspect: Aspect | null;
      /** The message names an out-of-scope subject the best entry does not cover: hand off. */
      offTopic: boolean;
      /**
       * It names such a subject at all (with the best entry's own topic), or is written in the official
       * register: never answered on the topic alone.
       */
      topicNotEnough: boolean;
      /** Features of the story model (faq.story.ts): is this the resident's own case rather than a how-to question? */
      story: number[];
      /** The message's normalised words (sub-questions and condolence read them after the policy). */
      query: NormalizedText;
      /**
       * A message of several sentences retrieved again on the sentences that ask (the question after
       * the story); the policy uses it when its best entry is more certain than the whole message's.
       */
      focus: { ranked: RankedEntry[]; unknownShare: number } | null;
      /** The message is a few topic words alone ("sổ đỏ"): no aspect, no how-to wording, at most BARE_WORDS content words. */
      bare: boolean;
    };

const MAX_CLARIFY = 3;
/** Topic recall at which the message names the entry's title or a keyword in full. */
const FULL_TOPIC = 0.999;
const round = (n: number) => Math.round(n * 1000) / 1000;
/** How much surer the asking sentences must be than the whole message to be read alone. */
const FOCUS_MARGIN = 0.05;
/** Least topic recall of the asking sentences' best entry for them to be read alone. */
const FOCUS_TOPIC = 0.5;
/** At most this many content words (before synonyms) make a bare topic. */
const BARE_WORDS = 3;

/**
 * How sure we are that this entry answers the message: how much of the message the entry explains
 * (coverage), how clearly the message names the entry's topic, fuse.js similarity, minus the share
 * of the message no entry knows about (off-topic words). Not a probability; thresholds are calibrated.
 */
export function confidenceOf(r: RankedEntry, unknownShare: number, w: Thresholds['weights']): number {
  return Math.max(0, w.coverage * r.coverage + w.topic * r.topic + w.fuse * r.fuse - w.unknown * unknownShare);
}

/** The sentences of a message of several that ask something (a question cue or "?"); null when none or all do. */
function questionFocus(text: string, lexicon: Lexicon): NormalizedText | null {
  const sentences = text.split(/(?<=[.?!\n])\s*/).map((s) => s.trim()).filter((s) => /\p{L}/u.test(s));
  if (sentences.length < 2) return null;
  const asking = sentences.filter((s) => {
    const words = normalizeForSearch(s, lexicon).expanded;
    return s.includes('?') || detectAspect(words) !== null || asksHowTo(words);
  });
  return asking.length === 0 || asking.length === sentences.length ? null : normalizeForSearch(asking.join(' '), lexicon);
}

export function analyse({ text, context = {} }: { text: string; context?: DecideContext }, deps: Omit<DecideDeps, 'thresholds'>): Analysis {
  const { index, lexicon, smalltalk } = deps;
  const candidatesOf = (ranked: RankedEntry[]) => ranked.slice(0, MAX_CLARIFY).map((r) => ({ id: r.entryId, title: r.title, score: round(r.rank) }));

  const small = smalltalk.match({ words: normalizeForSearch(text, lexicon).words });
  if (small) return { final: { kind: 'smalltalk', intent: small.intent, confidence: 1, candidates: [] } };

  const query = normalizeForSearch(smalltalk.stripGreeting({ text }), lexicon);
  if (query.expanded.length === 0) return { final: { kind: 'smalltalk', intent: 'greeting', confidence: 1, candidates: [] } };

  const aspect = detectAspect(query.expanded);
  const ranked = index.search({ query, limit: 5 });
  const mustHandoff = detectHandoffIntent(query.expanded);
  if (mustHandoff) return { final: { kind: 'handoff', reason: mustHandoff, confidence: 1, candidates: candidatesOf(ranked) } };

  // "còn lệ phí thì sao?" right after an answer: the same entry, another section.
  const onlyAspectWords = query.expanded.every((w) => ASPECT_WORDS.has(w) || lexicon.stopFolded.has(w));
  if (aspect && onlyAspectWords && context.lastEntryId && index.entries.has(context.lastEntryId)) {
    return { final: { kind: 'answer', entryId: context.lastEntryId, aspect, confidence: 1, candidates: candidatesOf(ranked) } };
  }

  const best = ranked[0];
  if (!best) return { final: { kind: 'handoff', reason: 'out_of_scope', confidence: 0, candidates: [] } };
  // An off-topic subject (business tax, pensions…) hands off, unless the message plainly names the
  // entry's own topic ("chứng thực bản sao đơn ly hôn" is still a copy certification) outside that
  // subject ("thẻ tạm trú" of a foreigner names "tạm trú" only inside an out-of-scope phrase).
  const outOfScope = findOutOfScopeTopics(query.expanded).filter((phrase) => !index.mentions({ entryId: best.entryId, phrase }));
  const offTopic =
    outOfScope.length > 0 && (best.topic < FULL_TOPIC || outOfScope.some((phrase) => index.namedWithin({ entryId: best.entryId, phrase })));
  const unknownShare = index.unknownShare(query);
  const story = storyFeatures({ words: query.expanded, best, unknownShare, asks: isQuestion({ words: query.words, questionMark: text.includes('?') }) });
  const bare = aspect === null && !asksHowTo(query.expanded) && query.words.filter((w) => !lexicon.stopFolded.has(w)).length <= BARE_WORDS;
  const focused = questionFocus(text, lexicon);
  const focusRanked = focused && index.search({ query: focused, limit: 5 });
  // The story may hold the qualifier that picks the sibling ("người Campuchia" … "đăng ký kết hôn ở xã"): the asking sentences alone lose it.
  const refinedByStory = focusRanked?.[0] !== undefined && index.refines({ specific: best.entryId, general: focusRanked[0].entryId });
  const focus = focused && focusRanked && !refinedByStory ? { ranked: focusRanked, unknownShare: index.unknownShare(focused) } : null;
  return { final: null, ranked, unknownShare, aspect, offTopic, topicNotEnough: outOfScope.length > 0 || isFormalRegister(query.expanded), story, query, focus, bare };
}

/** One comparison the policy made: `value` against `threshold` (`op`), and whether it held. */
export type PolicyCheck = { name: string; entryId: string | null; value: number; op: '>=' | '<' | '<='; threshold: number; passed: boolean };

/** The decision and every comparison that led to it, in the order the policy made them (see explain). */
export type PolicyTrace = { decision: FaqDecision; confidences: Map<string, number>; storyProbability: number | null; checks: PolicyCheck[] };

export function applyPolicy(analysis: Analysis, thresholds: Thresholds): FaqDecision {
  return tracePolicy(analysis, thresholds).decision;
}

/** `applyPolicy` with its workings: the same code path, so an explanation never disagrees with the decision. */
export function tracePolicy(analysis: Analysis, thresholds: Thresholds): PolicyTrace {
  const checks: PolicyCheck[] = [];
  const check = (name: string, entryId: string | null, value: number, op: PolicyCheck['op'], threshold: number) => {
    const passed = op === '>=' ? value >= threshold : op === '<' ? value < threshold : value <= threshold;
    checks.push({ name, entryId, value: round(value), op, threshold: round(threshold), passed });
    return passed;
  };
  if (analysis.final) return { decision: analysis.final, confidences: new Map(), storyProbability: null, checks };
  const { aspect, offTopic, topicNotEnough } = analysis;
  // The asking sentences of a long story, when they point more surely to an entry than the whole message.
  const whole = analysis.ranked[0] ? confidenceOf(analysis.ranked[0], analysis.unknownShare, thresholds.weights) : 0;
  const focusBest = analysis.focus?.ranked[0];
  // It must name its entry's topic and agree with the whole story's candidates, so a bare "làm ở đâu?" never decides alone.
  const useFocus =
    focusBest !== undefined &&
    analysis.ranked.slice(0, MAX_CLARIFY).some((r) => r.entryId === focusBest.entryId) &&
    check('focus.topic', focusBest.entryId, focusBest.topic, '>=', FOCUS_TOPIC) &&
    check('focus', focusBest.entryId, confidenceOf(focusBest, analysis.focus!.unknownShare, thresholds.weights), '>=', whole + FOCUS_MARGIN);
  const { ranked, unknownShare } = useFocus ? analysis.focus! : analysis;
  // Keep the index's order (its rank is the better ranker); confidence only says how sure we are.
  const scored = ranked.map((r) => ({ r, confidence: round(confidenceOf(r, unknownShare, thresholds.weights)) }));
  const confidences = new Map(scored.map((c) => [c.r.entryId, c.confidence]));
  const best = scored[0]!;
  const candidates = scored.slice(0, MAX_CLARIFY).map(({ r, confidence }) => ({ id: r.entryId, title: r.title, score: confidence }));
  const story = round(storyProbability(analysis.story, thresholds.story.model));
  const done = (decision: FaqDecision): PolicyTrace => ({ decision, confidences, storyProbability: story, checks });

  if (offTopic) return done({ kind: 'handoff', reason: 'out_of_scope', confidence: best.confidence, candidates });
  // The resident tells the story of their own case (a dispute, money that did not arrive): a person.
  if (check('story', null, story, '>=', thresholds.story.handoff)) {
    return done({ kind: 'handoff', reason: 'personal_case', confidence: best.confidence, candidates });
  }
  const runnerUp = scored[1];
  // Topic words alone ("sổ đỏ", "chứng thực"): a bare message the best and a sibling both explain
  // and the sibling names it in its own title or keywords, so nothing in the message chooses between them.
  const siblingTie =
    analysis.bare &&
    runnerUp !== undefined &&
    check('sibling.bestCoverage', best.r.entryId, best.r.coverage, '>=', FULL_TOPIC) &&
    check('sibling.coverage', runnerUp.r.entryId, runnerUp.r.coverage, '>=', FULL_TOPIC) &&
    check('sibling.topic', runnerUp.r.entryId, runnerUp.r.topic, '>=', thresholds.siblingTopic);
  // Two entries whose topics the message names in full ("giấy kết hôn … xin bản sao") need a wider lead.
  const bothNamed = runnerUp !== undefined && runnerUp.r.topic >= FULL_TOPIC && best.r.topic >= FULL_TOPIC;
  const clearWinner =
    !siblingTie &&
    (!runnerUp ||
      check(bothNamed ? 'lead.bothNamed' : 'lead', runnerUp.r.entryId, runnerUp.r.rank / best.r.rank, '<', bothNamed ? thresholds.bothNamedRankRatio : thresholds.ambiguousRankRatio));
  // A message that fully names one entry's topic, far ahead of every other entry, is answered even
  // when the rest of it is a long story the catalogue does not know (low coverage, many unknown words).
  const dominant =
    !topicNotEnough &&
    !siblingTie &&
    check('dominant.topic', best.r.entryId, best.r.topic, '>=', FULL_TOPIC) &&
    (!runnerUp || check('dominant.runnerUpTopic', runnerUp.r.entryId, runnerUp.r.topic, '<', thresholds.dominantRunnerUpTopic)) &&
    (!runnerUp || check('dominant.lead', runnerUp.r.entryId, runnerUp.r.rank / best.r.rank, '<=', thresholds.dominantRankRatio)) &&
    check('dominant.confidence', best.r.entryId, best.confidence, '>=', thresholds.dominantAnswer);
  if ((check('answer', best.r.entryId, best.confidence, '>=', thresholds.answer) && clearWinner) || dominant) {
    return done({ kind: 'answer', entryId: best.r.entryId, aspect, confidence: best.confidence, candidates });
  }
  if (check('clarify', best.r.entryId, best.confidence, '>=', thresholds.clarify)) {
    // The best and the runners-up nearly as strong; a single option is still a question, never a guess.
    const options = scored
      .slice(0, MAX_CLARIFY)
      .filter((c) => check('clarify.option', c.r.entryId, c.r.rank / best.r.rank, '>=', thresholds.clarifyRankRatio));
    return done({ kind: 'clarify', confidence: best.confidence, candidates: candidates.filter((c) => options.some((o) => o.r.entryId === c.id)) });
  }
  return done({ kind: 'handoff', reason: 'low_confidence', confidence: best.confidence, candidates });
}

export function decide(args: { text: string; context?: DecideContext }, deps: DecideDeps): FaqDecision {
  return applyPolicy(analyse(args, deps), deps.thresholds);
}
