/**
 * Pure parts of "which commune/ward are you from?" (only asked when a deployment serves several
 * units): the numbered prompt, reading the answer (digit, button, or the name typed with or
 * without diacritics), and recognising the command to change it later.
 */
import type { OutboundButton } from '../bot/core/message.types.js';
import { foldForMatching } from '../shared/fold.js';
import { BUTTON_ACTIONS } from '../shared/actions.js';

export type ChoosableUnit = { id: string; name: string; shortName: string };

export const UNIT_BUTTON_PREFIX = BUTTON_ACTIONS.unit;
export const CHANGE_UNIT_ACTION = BUTTON_ACTIONS.changeUnit;


export function buildUnitChoicePrompt({ units, retry = false }: { units: readonly ChoosableUnit[]; retry?: boolean }): {
  text: string;
  buttons: OutboundButton[];
} {
  const numbers = units.map((_, i) => String(i + 1));
  const hint = numbers.length <= 3 ? numbers.join(', ') : `${numbers.slice(0, 2).join(', ')}…`;
  const lines = units.map((u, i) => `${i + 1}. ${u.shortName}`);
  const intro = retry ? 'Xin lỗi, tôi chưa rõ anh/chị chọn nơi nào.' : 'Để chuyển đúng nơi, cho tôi hỏi:';
  return {
    text: `${intro}\nAnh/chị ở xã/phường nào? Trả lời ${hint}:\n${lines.join('\n')}`,
    buttons: units.map((u, i) => ({ label: `${i + 1}. ${u.shortName}`, data: `${UNIT_BUTTON_PREFIX}${u.id}` })),
  };
}

const PLACE_WORDS = /^(trung tam phuc vu hanh chinh cong |ubnd |uy ban nhan dan )?(phuong|xa|thi tran|dac khu) /;

function namesOf(unit: ChoosableUnit): string[] {
  const full = [foldForMatching(unit.shortName), foldForMatching(unit.name), unit.id.replace(/-/g, ' ')];
  const cores = full.map((n) => n.replace(PLACE_WORDS, '')).filter((n) => n.length >= 2);
  return [...new Set([...full, ...cores])];
}

/**
 * The unit a reply chooses, or undefined when it does not clearly choose exactly one.
 * Accepts a button (`unit:<id>`), "1" / "số 2" / "2." and a name ("phuong an khanh", "An Khánh").
 */
export function parseUnitChoice({
  units,
  text,
  action,
}: {
  units: readonly ChoosableUnit[];
  text: string;
  action?: string;
}): { unitId: string } | undefined {
  if (action?.startsWith(UNIT_BUTTON_PREFIX)) {
    const id = action.slice(UNIT_BUTTON_PREFIX.length);
    return units.some((u) => u.id === id) ? { unitId: id } : undefined;
  }
  const folded = foldForMatching(text);
  if (!folded) return undefined;
  const digit = /^(?:so |chon |toi chon )?(\d{1,2})$/.exec(folded);
  if (digit) {
    const unit = units[Number(digit[1]) - 1];
    return unit ? { unitId: unit.id } : undefined;
  }
  const padded = ` ${folded} `;
  const matches = units.filter((u) => namesOf(u).some((name) => padded.includes(` ${name} `)));
  return matches.length === 1 ? { unitId: matches[0]!.id } : undefined;
}

/** `/donvi`, "đổi xã", "doi phuong", "chọn lại đơn vị"… or the change button. */
export function isChangeUnitRequest({ text, action }: { text: string; action?: string }): boolean {
  if (action === CHANGE_UNIT_ACTION) return true;
  const folded = foldForMatching(text.replace(/@\S+/, '')); // "/donvi@MotCuaBot" in Telegram groups
  return /^\/(donvi|doidonvi|doixa|doiphuong)$/.test(folded) || /^(doi|chon lai|chon) (xa|phuong|don vi|noi|xa phuong|xa\/phuong)$/.test(folded);
}
