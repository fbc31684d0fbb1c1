/**
 * A unit's own text for a province entry: that unit's residents get it (answers and buttons),
 * other units and retrieval keep the province entry; a reload replaces the overrides.
 */
import { describe, expect, it } from 'vitest';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import { withOverride, type FaqDecision } from '../../src/faq/faq.types.js';
import { files } from './faq.helpers.js';

const LOCAL_FEE = 'Lệ phí tại phường Mẫu: miễn lệ phí theo nghị quyết của tỉnh (ghi chú thử).';
const answered = (d: FaqDecision) => (d.kind === 'answer' ? d.entryId : d.kind);
const overrides = [{ entryId: 'khai-sinh', unitId: 'phuong-mau', override: { sections: { fee: LOCAL_FEE } } }];

describe('unit overrides', () => {
  const engine = createFaqEngine({ ...files, overrides });
  // Rendering is what overrides change: the decision is the one retrieval would give for a fee question.
  const decision: FaqDecision = { kind: 'answer', entryId: 'khai-sinh', aspect: 'fee', confidence: 1, candidates: [] };

  it('answers residents of the unit with its own section, others with the province text', () => {
    expect(answered(engine.decide({ text: 'dk ks cho be can gi' }))).toBe('khai-sinh');
    const own = engine.render({ decision, maxTextLength: 4096, unitId: 'phuong-mau' }).parts.join('\n');
    const other = engine.render({ decision, maxTextLength: 4096, unitId: 'xa-khac' }).parts.join('\n');
    const none = engine.render({ decision, maxTextLength: 4096 }).parts.join('\n');
    expect(own).toContain(LOCAL_FEE);
    expect(other).not.toContain(LOCAL_FEE);
    expect(none).toBe(other);
  });

  it('uses the override for a tapped section button too', () => {
    expect(engine.renderAction({ action: 'faq:khai-sinh:fee', maxTextLength: 4096, unitId: 'phuong-mau' })!.parts.join('\n')).toContain(LOCAL_FEE);
    expect(engine.renderAction({ action: 'faq:khai-sinh:fee', maxTextLength: 4096, unitId: null })!.parts.join('\n')).not.toContain(LOCAL_FEE);
  });

  it('a reload with other overrides replaces them; without the argument it keeps them', () => {
    const local = createFaqEngine({ ...files, overrides });
    local.reload({ entries: files.entries });
    expect(local.render({ decision, maxTextLength: 4096, unitId: 'phuong-mau' }).parts.join('\n')).toContain(LOCAL_FEE);
    local.reload({ entries: files.entries, overrides: [] });
    expect(local.render({ decision, maxTextLength: 4096, unitId: 'phuong-mau' }).parts.join('\n')).not.toContain(LOCAL_FEE);
  });

  it('withOverride lays summary, sections and sources over the entry and keeps the rest', () => {
    const entry = files.entries.find((e) => e.id === 'khai-sinh')!;
    const source = { title: 'Nghị quyết thử', url: 'https://example.gov.vn/nq', checked: '2026-12-01' };
    const merged = withOverride(entry, { summary: 'Tóm tắt riêng.', sections: { fee: LOCAL_FEE }, sources: { fee: [source] } });
    expect(merged.summary).toBe('Tóm tắt riêng.');
    expect(merged.sections.fee).toBe(LOCAL_FEE);
    expect(merged.sections.documents).toBe(entry.sections.documents);
    expect(merged.sources.fee).toEqual([source]);
    expect(merged.questions).toBe(entry.questions);
  });

  it('fills unit facts from the resident’s own unit once setUnits gave them; others keep the default', () => {
    const local = createFaqEngine(files);
    local.setUnits!({ units: [{ id: 'xa-khac', facts: { name: 'UBND xã Khác', address: 'Thôn 2, xã Khác', phone: '0200 999 888' }, officeHours: { mon: ['07:00-11:00'] } }] });
    const hours: FaqDecision = { kind: 'answer', entryId: 'gio-lam-viec', aspect: null, confidence: 1, candidates: [] };
    const other = local.render({ decision: hours, maxTextLength: 4096, unitId: 'xa-khac' }).parts.join('\n');
    const home = local.render({ decision: hours, maxTextLength: 4096, unitId: 'phuong-mau' }).parts.join('\n');
    expect(other).toContain('Thôn 2, xã Khác');
    expect(other).toContain('0200 999 888');
    expect(home).toContain(String(files.unit.address));
    expect(home).not.toContain('Thôn 2, xã Khác');
  });
});
