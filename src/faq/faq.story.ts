/**
 * "Asks how to do procedure X" or "tells the story of their own case that mentions X"? A small
 * logistic model over a few features of the message (cue classes, length, retrieval evidence),
 * fitted on the development set with cross-validation (`cli fit-story`), weights kept in
 * faq.thresholds.ts. A message the model finds story-like enough goes to a person, however well an
 * entry matches its words: a dispute or a personal matter needs someone who can look at it.
 * Pure: features in, probability out; the fit is plain gradient descent on a few hundred rows.
 */
import type { RankedEntry } from './faq.index.js';

const has = (text: string, phrase: string) => text.includes(` ${phrase} `);
const count = (text: string, phrases: readonly string[]) => phrases.reduce((n, p) => n + (has(text, p) ? 1 : 0), 0);

/** Cue classes, folded; bare words that fold onto common ones (lấn/lần, nợ/nó, đòi/đổi) only in pairs. What each weighs is learnt, not set here. */
const CUES = {
  /** Events told in the past: a story rather than a question. */
  narrative: [
    'da', 'hoi do', 'hoi truoc', 'hoi xua', 'nam ngoai', 'thang truoc', 'thang roi', 'tuan truoc', 'hom truoc', 'hom qua', 'truoc day', 'luc do', 'tu nam', 'tu thang',
    'tu lau', 'lau roi', 'ma gio', 'gio lai', 'sau do', 'khi do', 'van chua', 'den gio', 'den nay', 'toi gio', 'toi nay', 'moi biet', 'moi phat hien', 'nhung', 'ma',
  ],
  /** Something someone will not do, took, broke or disputes; money that did not come. */
  grievance: [
    'khong chiu', 'khong tra', 'khong cho', 'khong dua', 'khong giao', 'khong dong y', 'khong nghe', 'khong nhan', 'khong chap nhan', 'chua tra', 'van giu', 'giu', 'lay lai', 'tu y',
    'lua dao', 'bi lua', 'lua tien', 'lua gat', 'lan chiem', 'xay lan', 'lan sang', 'lan ranh', 'chiem', 'tranh chap', 'kien', 'cai nhau', 'doi y', 'bo di', 'bo tron', 'xiet', 'cam co',
    'doi no', 'tra no', 'doi lai', 'doi chia', 'doi lay', 'doi ban', 'doi tien', 'gia mao', 'gia chu ky', 'ep buoc', 'boi thuong', 'chiu trach nhiem', 'ke bien', 'phat mai', 'tai sao', 'vi sao',
    'khong hieu', 'ly do', 'bi cat', 'bi tru', 'bi cat giam', 'khong thay', 'khong ve', 'chua ve', 'pha', 'lam hong', 'lam nut', 'mat trom', 'lay trom', 'tra thieu', 'bi danh', 'danh dap', 'danh toi', 'danh em', 'danh con', 'danh vo', 'duoi',
    'chan so', 'khong lien lac', 'that lac', 'lam mat', 'mao danh', 'ke gian', 'dung ten', 'muon ten', 'vay nong', 'no thue', 'khong dung', 'co dung khong', 'nhan thay', 'hen hoai', 'hen lan hen',
  ],
  /** Another party in the story: the seller, the bank, a neighbour, a relative. */
  otherParty: [
    'nguoi ban', 'nguoi mua', 'ben ban', 'ben mua', 'ngan hang', 'chu dau tu', 'hang xom', 'nha ben canh', 'cong ty', 'chong cu', 'vo cu', 'anh ca', 'chi ca', 'em gai', 'em trai',
    'anh trai', 'chi gai', 'chi dau', 'con dau', 'nguoi ta', 'nguoi khac', 'ben kia', 'chu nha', 'chu tro', 'nguoi thue', 'ho khong', 'ho noi', 'ho bao', 'ho con', 'me chong', 'bo chong', 'nha truong', 'truong bao', 'truong noi',
    'nguoi la', 'cac bac', 'chu toi', 'co toi', 'me ke', 'bo duong', 'anh hai', 'anh re', 'chi hai', 'cau toi', 'cau em', 'di toi', 'di em', 'nguoi quen', 'ban toi', 'ban em', 'dua ban', 'chu no', 'con ong', 'con ba', 'tiem cam do',
  ],
  /** Procedural questions: papers, place, time, fee, steps. */
  procedural: [
    'thu tuc', 'can gi', 'giay to gi', 'giay gi', 'o dau', 'bao lau', 'bao nhieu', 'can nhung', 'can mang', 'mang gi', 'ho so gom', 'nop o', 'nop don', 'muon dang ky', 'di dang ky',
    'lam giay', 'xin cap', 'co duoc', 'duoc khong', 'co can', 'co phai', 'muon lam', 'muon xin', 'thi lam', 'lam lai', 'xin lai', 'lam the nao', 'nhu the nao', 'lam sao',
  ],
  /** Asking for help with a situation rather than for a procedure. */
  helpSeeking: ['phai lam sao', 'phai lam gi', 'lam the nao de', 'giai quyet', 'can thiep', 'xu ly', 'lay lai', 'ngan lai', 'bao ai', 'ai chiu', 'thi sao', 'co dung khong', 'kien o dau'],
  /** The resident or their family is the subject. */
  firstPerson: ['toi', 'em', 'tui', 'minh', 'nha toi', 'nha em', 'cua toi', 'cua em', 'con toi', 'bo toi', 'me toi'],
  /** Waiting for something owed: the resident's own matter is stuck. */
  waiting: ['chua thay', 'chua co', 'van chua', 'toi gio chua', 'den nay chua', 'hoai', 'chua nhan', 'chua duoc', 'sao chua', 'bao gio moi', 'chua giai quyet', 'dang xu ly', 'qua han', 'cho hoai', 'khong ai'],
  /** Wanting something undone, stopped or given back. */
  undo: ['huy', 'rut', 'ngan lai', 'ngan chan', 'doi lai', 'lay lai', 'tra lai', 'doi lay', 'khong tra lai', 'go bo', 'thu hoi'],
  /** An office or official already acted or refused: the case is theirs to review. */
  authority: ['xa noi', 'xa bao', 'can bo noi', 'can bo bao', 'truong bao', 'bi tra ve', 'tra ve', 'tu choi', 'lap bien ban', 'dinh chi', 'bat thao', 'bat do', 'khong cho lam', 'khong cap'],
} as const;

/** Words that make a message a question anywhere in it; a told story without any is a report of a case. */
const QUESTION_CUES = ['gi', 'o dau', 'di dau', 'nop dau', 'the nao', 'lam sao', 'ra sao', 'duoc khong', 'co khong', 'bao nhieu', 'bao lau', 'bao gio', 'cho nao', 'noi nao', 'nao', 'ai'];
/** …and at its end only ("… được không", "… chưa"): inside a story, "không" is a negation and "đầu" a beginning. */
const QUESTION_ENDS = ['khong', 'chua', 'dau', 'sao'];
/** Particles that may follow the question word at the end ("… không ạ", "… chưa vậy"). */
const TRAILING_PARTICLES = new Set(['a', 'vay', 'nhi', 'nha', 'nhe', 'ha', 'the', 'z', 'v', 'ad', 'anh', 'chi', 'em', 'co', 'chu', 'bac', 'roi']);

export const STORY_FEATURES = [
  'narrative', 'grievance', 'anyGrievance', 'otherParty', 'procedural', 'helpSeeking', 'firstPerson', 'length', 'coverage', 'unknown', 'topic', 'waiting', 'undo', 'authority', 'noQuestion',
  'grievanceNoProcedure', 'partyNoProcedure',
] as const;
export type StoryModel = { bias: number; weights: number[] };

/** True when the message asks something: a question mark, a question word, or one at its end. `words`: as typed, before synonyms. */
export function isQuestion({ words, questionMark }: { words: string[]; questionMark: boolean }): boolean {
  const ending = words.filter((w) => !TRAILING_PARTICLES.has(w)).at(-1) ?? '';
  return questionMark || count(` ${words.join(' ')} `, QUESTION_CUES) > 0 || QUESTION_ENDS.includes(ending);
}

/** The feature vector of one message (values 0–1, in STORY_FEATURES order). `asks`: see isQuestion. */
export function storyFeatures({ words, best, unknownShare, asks }: { words: string[]; best: RankedEntry | undefined; unknownShare: number; asks: boolean }): number[] {
  const text = ` ${words.join(' ')} `;
  const capped = (n: number, max: number) => Math.min(n, max) / max;
  const any = (phrases: readonly string[]) => (count(text, phrases) > 0 ? 1 : 0);
  return [
    any(CUES.narrative),
    capped(count(text, CUES.grievance), 3),
    any(CUES.grievance),
    any(CUES.otherParty),
    any(CUES.procedural),
    any(CUES.helpSeeking),
    any(CUES.firstPerson),
    capped(words.length, 40),
    best?.coverage ?? 0,
    unknownShare,
    best?.topic ?? 0,
    any(CUES.waiting),
    any(CUES.undo),
    any(CUES.authority),
    asks ? 0 : 1,
    // A grievance or another party with no procedure asked for: the case, not a how-to (the model is linear, so the pair is its own feature).
    any(CUES.grievance) * (1 - any(CUES.procedural)),
    any(CUES.otherParty) * (1 - any(CUES.procedural)),
  ];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Probability (0–1) that the message is a personal case or matter for a person. */
export function storyProbability(features: readonly number[], model: StoryModel): number {
  return sigmoid(model.weights.reduce((z, w, i) => z + w * (features[i] ?? 0), model.bias));
}

export type StorySample = { x: number[]; y: 0 | 1 };

/**
 * L2-regularised logistic regression by full-batch gradient descent. Positive rows are weighted so
 * both classes count equally (handoff rows are the minority in a development set).
 */
export function fitStoryModel(samples: StorySample[], { l2 = 0.01, epochs = 4000, rate = 1 } = {}): StoryModel {
  const dims = samples[0]?.x.length ?? STORY_FEATURES.length;
  const positives = samples.filter((s) => s.y === 1).length;
  const negatives = samples.length - positives;
  const weightOf = (y: 0 | 1) => (y === 1 ? samples.length / (2 * Math.max(positives, 1)) : samples.length / (2 * Math.max(negatives, 1)));
  let bias = 0;
  const weights = new Array<number>(dims).fill(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    let gradBias = 0;
    const grad = new Array<number>(dims).fill(0);
    for (const { x, y } of samples) {
      const error = (storyProbability(x, { bias, weights }) - y) * weightOf(y);
      gradBias += error;
      for (let i = 0; i < dims; i++) grad[i]! += error * x[i]!;
    }
    bias -= (rate * gradBias) / samples.length;
    for (let i = 0; i < dims; i++) weights[i]! -= rate * (grad[i]! / samples.length + l2 * weights[i]!);
  }
  return { bias, weights };
}

/** Out-of-fold probabilities from k-fold cross-validation (folds by position, interleaved). */
export function crossValidatedProbabilities(samples: StorySample[], { folds = 5, ...options }: { folds?: number; l2?: number; epochs?: number } = {}): number[] {
  const out = new Array<number>(samples.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const train = samples.filter((_, i) => i % folds !== f);
    const model = fitStoryModel(train, options);
    samples.forEach((s, i) => {
      if (i % folds === f) out[i] = storyProbability(s.x, model);
    });
  }
  return out;
}
