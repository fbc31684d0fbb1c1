/**
 * The port the pipeline calls before answering a resident: makes sure the conversation has a unit.
 * One unit: always that one, never a question. Several: the first message gets a numbered choice
 * (the question asked is kept and handed back once the unit is chosen); the choice is remembered;
 * `/donvi` or "đổi xã" asks again. A resident who ignores the question twice gets the default unit
 * (they are told how to change it), so nobody is stuck in a loop.
 */
import type { InboundMessage, OutboundButton } from '../bot/core/message.types.js';
import { buildUnitChoicePrompt, CHANGE_UNIT_ACTION, isChangeUnitRequest, parseUnitChoice } from './unit-choice.models.js';
import { createNoUnitsError } from './units.errors.js';
import type { UnitsRepository } from './units.repository.js';

/** After this many replies that choose nothing, the default unit is used. */
const MAX_CHOICE_ATTEMPTS = 2;

export type EnsureUnitResult =
  /** Go on with this unit. `notice`: send it first. `resumeText`: handle this text as the resident's question (asked before the choice). */
  | { unitId: string; notice?: string; resumeText?: string }
  /** Send this and stop handling the message. */
  | { prompt: { text: string; buttons: OutboundButton[] } };

export type UnitChoice = ReturnType<typeof createUnitChoice>;

type UnitChoiceRepository = Pick<
  UnitsRepository,
  'listUnits' | 'findResidentUnitId' | 'setResidentUnit' | 'findUnitChoicePrompt' | 'saveUnitChoicePrompt' | 'deleteUnitChoicePrompt'
>;

export function createUnitChoice({ unitsRepository }: { unitsRepository: UnitChoiceRepository }) {
  async function ensureUnit({
    conversationId,
    message,
    known,
    groupUnitId,
  }: {
    conversationId: number;
    message: Pick<InboundMessage, 'text' | 'action'>;
    /** A residents' group's unit: its members are that unit's residents (stored once, never asked). */
    groupUnitId?: string;
    /** The stored choice and whether a question is open, when the caller already read them (skips lookups). */
    known?: { unitId: string | null; unitChoicePending: boolean };
  }): Promise<EnsureUnitResult> {
    const storedUnitId = async () => (known ? { unitId: known.unitId ?? undefined } : unitsRepository.findResidentUnitId({ conversationId }));
    const { units } = await unitsRepository.listUnits();
    const [defaultUnit] = units;
    if (!defaultUnit) throw createNoUnitsError();
    const changeRequested = isChangeUnitRequest({ text: message.text, ...(message.action ? { action: message.action } : {}) });
    const groupUnit = groupUnitId ? units.find((u) => u.id === groupUnitId) : undefined;
    if (groupUnit) {
      const { unitId } = await storedUnitId();
      if (unitId !== groupUnit.id) await unitsRepository.setResidentUnit({ conversationId, unitId: groupUnit.id });
      return { unitId: groupUnit.id };
    }

    if (units.length === 1) {
      const { unitId } = await storedUnitId();
      if (unitId !== defaultUnit.id) await unitsRepository.setResidentUnit({ conversationId, unitId: defaultUnit.id });
      if (changeRequested) return { prompt: { text: `Hiện bot phục vụ ${defaultUnit.shortName}.`, buttons: [] } };
      return { unitId: defaultUnit.id };
    }

    if (changeRequested) {
      await unitsRepository.setResidentUnit({ conversationId, unitId: null });
      await unitsRepository.saveUnitChoicePrompt({ conversationId, pendingText: null, attempts: 0 });
      return { prompt: buildUnitChoicePrompt({ units }) };
    }

    const [{ unitId: stored }, pending] = await Promise.all([
      storedUnitId(),
      known && !known.unitChoicePending ? undefined : unitsRepository.findUnitChoicePrompt({ conversationId }),
    ]);
    if (stored && !pending) return { unitId: stored };

    const choice = parseUnitChoice({ units, text: message.text, ...(message.action ? { action: message.action } : {}) });
    if (choice) {
      const unit = units.find((u) => u.id === choice.unitId)!;
      await unitsRepository.setResidentUnit({ conversationId, unitId: unit.id });
      await unitsRepository.deleteUnitChoicePrompt({ conversationId });
      return withResume(
        { unitId: unit.id, notice: `Dạ, tôi ghi nhận anh/chị ở ${unit.shortName}. Muốn đổi, gửi /donvi.` },
        pending?.pendingText,
      );
    }

    const question = message.text.trim();
    if (!pending) {
      await unitsRepository.saveUnitChoicePrompt({ conversationId, pendingText: question || null, attempts: 0 });
      return { prompt: buildUnitChoicePrompt({ units }) };
    }
    const attempts = pending.attempts + 1;
    if (attempts >= MAX_CHOICE_ATTEMPTS) {
      await unitsRepository.setResidentUnit({ conversationId, unitId: defaultUnit.id });
      await unitsRepository.deleteUnitChoicePrompt({ conversationId });
      return withResume(
        { unitId: defaultUnit.id, notice: `Tôi tạm chuyển câu hỏi của anh/chị tới ${defaultUnit.shortName}. Muốn đổi, gửi /donvi.` },
        question || pending.pendingText,
      );
    }
    await unitsRepository.saveUnitChoicePrompt({ conversationId, pendingText: pending.pendingText ?? (question || null), attempts });
    return { prompt: buildUnitChoicePrompt({ units, retry: true }) };
  }

  return { ensureUnit, changeUnitAction: CHANGE_UNIT_ACTION };
}

function withResume(result: { unitId: string; notice: string }, text: string | null | undefined): EnsureUnitResult {
  return text ? { ...result, resumeText: text } : result;
}
