/**
 * The story model (src/faq/faq.story.ts): features of a message, the logistic fit and its
 * cross-validation, and the shipped model telling a dispute from a how-to question.
 */
import { describe, expect, it } from 'vitest';
import { crossValidatedProbabilities, fitStoryModel, isQuestion, STORY_FEATURES, storyFeatures, storyProbability, type StorySample } from '../../src/faq/faq.story.js';
import { normalizeForSearch } from '../../src/faq/faq.lexicon.js';
import { engine, lexicon } from './faq.helpers.js';

const features = (text: string) =>
  Object.fromEntries(storyFeatures({ words: normalizeForSearch(text, lexicon).expanded, best: undefined, unknownShare: 0, asks: isQuestion({ words: normalizeForSearch(text, lexicon).words, questionMark: text.includes('?') }) }).map((v, i) => [STORY_FEATURES[i], v]));

describe('storyFeatures', () => {
  it('sees grievance and another party in a dispute, a procedural question in a how-to', () => {
    const dispute = features('người mua không chịu trả tiền, ngân hàng vẫn giữ sổ');
    expect(dispute.grievance).toBeGreaterThan(0);
    expect(dispute.otherParty).toBe(1);
    expect(dispute.procedural).toBe(0);
    const howTo = features('sang tên sổ đỏ cần giấy tờ gì');
    expect(howTo.grievance).toBe(0);
    expect(howTo.procedural).toBe(1);
  });

  it('sees waiting, undoing and an office that refused; a statement without a question', () => {
    expect(features('e lam cccd tu thang 5 toi gio chua co the, len hoi thi bao cho hoai').waiting).toBe(1);
    expect(features('tôi muốn hủy cái giấy kết hôn đó').undo).toBe(1);
    expect(features('đi làm căn cước bị trả về').authority).toBe(1);
    expect(features('anh em tui chia đất bằng miệng hồi xưa, giờ một người đòi chia lại').noQuestion).toBe(1);
    expect(features('làm sổ đỏ ở đâu').noQuestion).toBe(0);
    expect(features('ông nội tôi 90 tuổi được hỗ trợ thẻ bhyt, có đúng không').noQuestion).toBe(0);
  });

  it('does not read hồ sơ, bản sao, định danh or lúa as a party or a grievance', () => {
    const f = features('trưa có nhận hồ sơ bản sao mã định danh lúa gạo');
    expect(f.otherParty).toBe(0);
    expect(f.grievance).toBe(0);
  });

  it('does not read "lần đầu" as a grievance (lấn and lần fold alike)', () => {
    expect(features('làm sổ đỏ lần đầu').grievance).toBe(0);
  });
});

describe('fitStoryModel', () => {
  // One informative feature, one noise feature.
  const samples: StorySample[] = Array.from({ length: 80 }, (_, i) => ({ x: [i % 2, (i * 7) % 5 / 4], y: (i % 2) as 0 | 1 }));

  it('learns a positive weight for the feature that marks the positives, and separates them', () => {
    const model = fitStoryModel(samples);
    expect(model.weights[0]).toBeGreaterThan(1);
    expect(storyProbability([1, 0.5], model)).toBeGreaterThan(0.8);
    expect(storyProbability([0, 0.5], model)).toBeLessThan(0.2);
  });

  it('gives every row an out-of-fold probability', () => {
    const oof = crossValidatedProbabilities(samples, { folds: 4, epochs: 500 });
    expect(oof).toHaveLength(samples.length);
    expect(oof.every((p, i) => (samples[i]!.y === 1 ? p > 0.5 : p < 0.5))).toBe(true);
  });
});

describe('the shipped story model', () => {
  it.each([
    'ông chủ trọ giữ căn cước của em không trả, bắt em đóng thêm tiền mới đưa',
    'hàng xóm tự ý đổ đất lấp con mương chung giữa hai nhà, nói không nghe',
    'Mẹ chồng tôi không cho tôi nhập khẩu cho con về nhà chồng. Chồng tôi mất rồi. Giờ con tôi không có hộ khẩu để đi học.',
  ])('hands "%s" to a person as a personal case', (text) => {
    const decision = engine.decide({ text });
    expect(decision.kind === 'handoff' && decision.reason).toBe('personal_case');
  });

  it('still answers a how-to question told as a short story', () => {
    const decision = engine.decide({ text: 'Con tôi mới sinh được một tuần. Làm giấy khai sinh cho cháu cần mang những gì?' });
    expect(decision.kind === 'answer' && decision.entryId).toBe('khai-sinh');
  });
});
