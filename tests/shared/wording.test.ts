/**
 * Texts that name a button come in two wordings; the one for a channel without buttons (Zalo)
 * must not tell the reader to tap anything, and every resident text that says «bấm» has both.
 */
import { describe, expect, it } from 'vitest';
import { defaultBotTexts } from '../../src/bot/core/bot.texts.js';
import type { FaqDecision } from '../../src/faq/faq.types.js';
import { HANDOFF_TEXT } from '../../src/faq/faq.handoff.texts.js';
import { reopenedToStaffText } from '../../src/handoff/handoff.texts.js';
import { privacyTexts } from '../../src/privacy/privacy.models.js';
import { wordFor, type Wording } from '../../src/shared/wording.js';
import { engine } from '../faq/faq.helpers.js';

const TAP = /bấm|nút|chạm/i;

const wordings: Array<[string, Wording]> = [
  ...Object.entries(defaultBotTexts),
  ...Object.entries(HANDOFF_TEXT).map(([k, v]) => [`handoff.${k}`, v] as [string, Wording]),
  ['privacy.confirmPrompt', privacyTexts.confirmPrompt],
  ['staff.reopened', reopenedToStaffText({ code: 'HS-0001', undelivered: ['Dạ, anh/chị mang sổ hộ khẩu nhé.'] })],
];

describe('button wording', () => {
  it.each(wordings)('%s: no «bấm» where there are no buttons, and plain strings never say it', (_name, text) => {
    expect(wordFor(text, { buttons: false })).not.toMatch(TAP);
    if (typeof text === 'string') expect(text).not.toMatch(/bấm/i);
  });

  it('the FAQ engine words its handoff texts for the channel it renders for', () => {
    const decision: FaqDecision = { kind: 'handoff', reason: 'low_confidence', confidence: 0.1, candidates: [] };
    expect(engine.render({ decision, maxTextLength: 2000, buttons: true }).parts.join('\n')).toContain('bấm «Gặp cán bộ»');
    const zalo = engine.render({ decision, maxTextLength: 2000, buttons: false }).parts.join('\n');
    expect(zalo).not.toMatch(TAP);
    expect(zalo).toContain('nhắn «gặp cán bộ»');
  });
});
