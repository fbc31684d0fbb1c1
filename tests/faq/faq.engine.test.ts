import { describe, expect, it } from 'vitest';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import type { FaqDecision } from '../../src/faq/faq.types.js';
import { engine, files } from './faq.helpers.js';

const decide = (text: string) => engine.decide({ text });
const answered = (d: FaqDecision) => (d.kind === 'answer' ? `${d.entryId}:${d.aspect}` : d.kind);

describe('FAQ decisions', () => {
  it.each([
    ['dk ks cho be can gi', 'khai-sinh:documents'],
    ['làm sổ đỏ lần đầu hết bao nhiêu tiền', 'cap-so-do:fee'],
    ['ĐĂNG KÝ TẠM TRÚ Ở ĐÂU Ạ', 'tam-tru:where'],
    ['lam can cuoc mat may ngay', 'can-cuoc:duration'],
    ['đăng ký kết hôn làm online được không', 'ket-hon:online'],
    ['nhận con nuôi cần giấy tờ gì', 'nuoi-con-nuoi:documents'], // adoption has its own entry, not "nhận cha, mẹ, con"
  ])('answers "%s" with the entry and the aspect asked', (text, expected) => {
    expect(answered(decide(text))).toBe(expected);
  });

  it.each([
    ['gặp cán bộ', 'explicit_request'],
    ['cho tôi nói chuyện với người thật', 'explicit_request'],
    ['nhà hàng xóm đang cháy, cứu với', 'emergency'],
    ['cán bộ tiếp nhận thái độ rất tệ', 'complaint'],
    ['hồ sơ của tôi nộp 3 tuần rồi sao chưa có', 'personal_case'],
    ['doanh nghiệp tôi quyết toán thuế thu nhập thế nào', 'out_of_scope'],
    ['bán đất nền giá rẻ sổ hồng riêng, liên hệ ngay 09xx', 'out_of_scope'], // an advertisement, whatever topic it names
    ['ho so tam hoan nghia vu cua con toi nop tuan truoc da duoc duyet chua', 'personal_case'], // dev-0492
  ])('hands "%s" to a person (%s)', (text, reason) => {
    const decision = decide(text);
    expect(decision.kind).toBe('handoff');
    expect(decision.kind === 'handoff' && decision.reason).toBe(reason);
  });

  it.each([
    ['xin chào', 'greeting'],
    ['cam on ad nhieu a', 'thanks'],
    ['bạn là ai', 'identity'],
    ['ok', 'ack'],
  ])('recognises small talk "%s"', (text, intent) => {
    const decision = decide(text);
    expect(decision.kind === 'smalltalk' && decision.intent).toBe(intent);
  });

  it('answers a story-like message that plainly names one topic far ahead of any other', () => {
    expect(answered(decide('lam can cuoc cho con 10 tuoi mat may ngay'))).toBe('can-cuoc:duration');
  });

  it('asks rather than guesses when the message names two entries nearly as strongly', () => {
    const decision = decide('mất giấy đăng ký kết hôn thì xin lại bản sao hay đăng ký kết hôn lại');
    expect(decision.kind).toBe('clarify');
    expect(decision.candidates.map((c) => c.id)).toEqual(expect.arrayContaining(['ket-hon', 'trich-luc-ho-tich']));
  });

  it.each([
    ['người nước ngoài xin thẻ tạm trú ở Việt Nam thế nào'], // "tạm trú" only inside "thẻ tạm trú"
  ])('hands "%s" to a person: the entry\'s topic is named only inside an out-of-scope subject', (text) => {
    const decision = decide(text);
    expect(decision.kind === 'handoff' && decision.reason).toBe('out_of_scope');
  });

  it('does not treat a greeting followed by a question as small talk', () => {
    expect(answered(decide('chào ad, cho em hỏi làm giấy khai sinh cần gì'))).toBe('khai-sinh:documents');
  });

  it('continues the last answered entry when only an aspect is asked', () => {
    expect(answered(engine.decide({ text: 'còn lệ phí thì sao', context: { lastEntryId: 'ket-hon' } }))).toBe('ket-hon:fee');
    expect(decide('còn lệ phí thì sao').kind).not.toBe('answer');
  });

  it('never answers gibberish or an empty message with a procedure', () => {
    for (const text of ['asdkjh qwe zzz', '', '   ', '🙂🙂', '\u0000\u0007']) expect(decide(text).kind).not.toBe('answer');
  });

  it('handles a 10,000-character message quickly, from its start', () => {
    const started = performance.now();
    const decision = decide(`làm giấy khai sinh cho con cần giấy tờ gì ${'x'.repeat(10_000)}`);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(answered(decision)).toBe('khai-sinh:documents');
  });
});

describe('FAQ replies', () => {
  it('shows the asked section first, then the summary, source and review date', () => {
    const { parts, buttons } = engine.render({ decision: decide('làm sổ đỏ lần đầu hết bao nhiêu tiền'), maxTextLength: 4096 });
    const text = parts.join('\n');
    expect(text.indexOf('Lệ phí:')).toBeLessThan(text.indexOf('Nguồn:'));
    expect(text).toMatch(/Cập nhật: \d{2}\/\d{2}\/\d{4}/);
    expect(buttons.map((b) => b.data)).toEqual(expect.arrayContaining(['faq:cap-so-do:documents', 'handoff:request']));
  });

  it('fits every entry and every section into Zalo messages of 2,000 characters with the unit filled in', () => {
    for (const entry of files.entries) {
      for (const section of [null, 'documents', 'fee', 'duration', 'where', 'online', 'steps', 'notes'] as const) {
        const reply = engine.renderAction({ action: section ? `faq:${entry.id}:${section}` : `faq:${entry.id}`, maxTextLength: 2000 });
        expect(reply, `${entry.id}:${section}`).not.toBeNull();
        for (const part of reply!.parts) {
          expect(part.length).toBeLessThanOrEqual(2000);
          expect(part).not.toMatch(/\{\{/);
        }
      }
    }
  });

  it('numbers clarify options and says what to type', () => {
    const reply = engine.render({
      decision: { kind: 'clarify', confidence: 0.3, candidates: [{ id: 'tam-tru', title: 'Đăng ký tạm trú', score: 0.3 }, { id: 'thuong-tru', title: 'Đăng ký thường trú', score: 0.3 }] },
      maxTextLength: 2000,
    });
    expect(reply.parts[0]).toMatch(/1\. Đăng ký tạm trú\n2\. Đăng ký thường trú/);
    expect(reply.parts[0]).toMatch(/Trả lời 1 hoặc 2/);
    expect(reply.buttons.map((b) => b.data)).toEqual(['faq:tam-tru', 'faq:thuong-tru', 'handoff:request']);
  });

  it('templates the unit into the hours entry', () => {
    const reply = engine.renderAction({ action: 'faq:gio-lam-viec', maxTextLength: 4096 })!;
    expect(reply.parts.join('\n')).toContain(files.unit.name);
  });
});

describe('reload', () => {
  it('answers from a new catalogue without a restart', () => {
    const local = createFaqEngine(files);
    const khaiSinh = files.entries.find((e) => e.id === 'khai-sinh')!;
    const custom = { ...khaiSinh, id: 'tiem-phong-dai', title: 'Tiêm phòng dại cho chó, mèo', keywords: ['tiêm phòng dại', 'chó mèo'], questions: Array.from({ length: 8 }, (_, i) => `tiêm phòng dại cho chó mèo ở đâu ${i}`) };
    const question = 'tiêm phòng dại cho chó nhà tôi ở đâu';
    expect(local.decide({ text: question }).kind).not.toBe('answer');
    local.reload({ entries: [...files.entries, custom] });
    expect(answered(local.decide({ text: question }))).toMatch(/^tiem-phong-dai/);
  });

  it('keeps nothing from the previous catalogue: a reloaded engine decides like a fresh one', () => {
    const local = createFaqEngine(files);
    const half = files.entries.filter((_, i) => i % 2 === 0);
    const fresh = createFaqEngine({ ...files, entries: half });
    local.reload({ entries: half });
    const texts = files.entries.flatMap((e) => [e.title, ...e.questions.slice(0, 2)]);
    expect(texts.map((text) => local.decide({ text }))).toEqual(texts.map((text) => fresh.decide({ text })));
    expect(local.index().entries.size).toBe(half.length);
  });
});

describe('answers that answer the question asked', () => {
  const text = (t: string, e = engine) => {
    const decision = e.decide({ text: t });
    return e.render({ decision, maxTextLength: 4000 }).parts.join('\n');
  };
  const withHours = (sat: string[] | undefined) =>
    createFaqEngine({ ...files, officeHours: { mon: ['07:30-11:30', '13:30-17:00'], ...(sat ? { sat } : {}) } });

  it('says yes or no about a weekday from the unit\'s office hours, first', () => {
    expect(text('thứ 7 có làm việc ko', withHours(undefined))).toMatch(/^💬 Không, thứ Bảy trung tâm nghỉ/);
    expect(text('thu 7 co lam viec khong', withHours(['07:30-11:30']))).toMatch(/^💬 Có, thứ Bảy trung tâm làm việc 7:30–11:30\./);
    expect(text('buổi trưa có nhận hồ sơ không', withHours(undefined))).toMatch(/^💬 Không, buổi trưa trung tâm nghỉ từ 11:30 đến 13:30\./);
  });

  it('leaves the yes/no line out when the unit file gives no office hours', () => {
    const decision = createFaqEngine({ ...files, officeHours: undefined }).decide({ text: 'thứ 7 có làm việc ko' });
    expect(decision.kind === 'answer' && decision.subQuestion).toBeTypeOf('number');
    expect(text('thứ 7 có làm việc ko', createFaqEngine({ ...files, officeHours: undefined }))).toMatch(/^📋 /);
  });

  it('shows the sub-question asked before the entry', () => {
    expect(text('khai sinh cho con khi bố mẹ chưa đăng ký kết hôn')).toMatch(/^💬 Vẫn khai sinh được/);
    expect(text('đăng ký kết hôn cần giấy tờ gì')).toMatch(/^📋 Đăng ký kết hôn/);
  });

  it('offers condolences when a death is mentioned on a death entry, not when "mất" means "takes"', () => {
    expect(text('bố tôi mất hôm qua, làm giấy báo tử ở đâu')).toMatch(/^Xin chia buồn cùng gia đình anh\/chị\.\n\n📋 Đăng ký khai tử/);
    expect(text('khai tử mất bao lâu')).toMatch(/^📋 Đăng ký khai tử/);
  });

  it('does not hand off on urgency: "cần gấp" is not "cần gặp"', () => {
    const decision = engine.decide({ text: 'em cần gấp, làm lý lịch tư pháp bao nhiêu ngày' });
    expect(decision.kind === 'answer' && decision.entryId).toBe('ly-lich-tu-phap');
    expect(engine.decide({ text: 'em cần gặp cán bộ' }).kind).toBe('handoff');
  });
});

describe('siblings that refine an entry', () => {
  it.each([
    ['em sap cuoi anh nguoi duc, ho so dang ky ket hon gom nhung gi vay', 'ket-hon-nuoc-ngoai'],
    ['chong em la nguoi phap, be sinh o benh vien tinh, lam giay khai sinh cho be o dau a', 'khai-sinh-nuoc-ngoai'],
  ])('answers "%s" with the foreign-element entry, not the domestic one', (text, id) => {
    const decision = engine.decide({ text });
    expect(decision.kind === 'answer' && decision.entryId).toBe(id);
  });

  it('keeps the domestic entry when no foreign element is named', () => {
    expect(answered(engine.decide({ text: 'đăng ký kết hôn cần giấy tờ gì' }))).toBe('ket-hon:documents');
    expect(answered(engine.decide({ text: 'làm giấy khai sinh cho con cần gì' }))).toBe('khai-sinh:documents');
  });
});

describe('stories of an injury or a wish', () => {
  it('reads a past injury in a told story as no emergency', () => {
    const decision = engine.decide({ text: 'Ông nội tôi đi bộ đội hồi chống Mỹ, bị thương. Giờ muốn làm hồ sơ hưởng chế độ người có công thì bắt đầu từ đâu.' });
    expect(decision.kind).not.toBe('handoff');
    expect(decision.candidates.map((c) => c.id)).toContain('nguoi-co-cong');
    expect(engine.decide({ text: 'có người bị thương nặng trước cổng xã' }).kind).toBe('handoff');
  });

  it.each([
    ['Cảm ơn cháu nhiều lắm, chúc cháu và các anh chị ở xã luôn mạnh khỏe, công tác tốt nhé', 'thanks'],
    ['oke e hỉu r', 'ack'],
    ['chào buổi sáng cả nhà', 'greeting'],
    ['chào em, anh là người mới', 'greeting'],
    ['ủa có ai hông', 'greeting'],
  ])('recognises small talk with typos and regional words: "%s"', (text, intent) => {
    const decision = engine.decide({ text });
    expect(decision.kind === 'smalltalk' && decision.intent).toBe(intent);
  });
});

describe('topic words alone', () => {
  it.each([
    ['sổ đỏ', ['cap-so-do', 'tach-thua']],
    ['chứng thực', ['chung-thuc-ban-sao', 'chung-thuc-chu-ky']],
  ])('asks which of the sibling entries "%s" means', (text, siblings) => {
    const decision = engine.decide({ text });
    expect(decision.kind).toBe('clarify');
    expect(decision.candidates.map((c) => c.id)).toEqual(expect.arrayContaining(siblings));
  });

  it('answers when the message says more than the topic', () => {
    const decision = engine.decide({ text: 'làm sổ đỏ lần đầu cần gì' });
    expect(decision.kind === 'answer' && decision.entryId).toBe('cap-so-do');
  });
});
