/**
 * What the pipeline needs from the FAQ engine. The engine is pure and in-memory:
 * `decide` never touches the database and answers in well under a millisecond per query.
 */
import type { FaqDecision, FaqEntry, UnitOverride } from './faq.types.js';

export type RenderedReply = {
  /** The reply split to fit `maxTextLength`; send in order. The first part is the most useful one. */
  parts: string[];
  /** Quick replies (clarify options, other sections of the answer, "Gặp cán bộ"). `data` is fed back as InboundMessage.action. */
  buttons: Array<{ label: string; data: string }>;
};

export type FaqEngine = {
  /** `context.lastEntryId`: the entry answered last in this conversation, so "còn lệ phí?" continues it. */
  decide(args: { text: string; context?: { lastEntryId?: string } }): FaqDecision;
  /**
   * Vietnamese text a resident sees for a decision (handoff text says a person will reply).
   * `unitId`: the resident's centre; its overrides of province entries are used.
   * `buttons`: the channel shows buttons (capabilities.buttons; default true), so a text may say «bấm».
   */
  render(args: { decision: FaqDecision; maxTextLength: number; unitId?: string | null; buttons?: boolean }): RenderedReply;
  /** Resolves a button's `data` (e.g. "faq:khai-sinh:fee") into a reply, or null when it is not an FAQ action. */
  renderAction(args: { action: string; maxTextLength: number; unitId?: string | null }): RenderedReply | null;
  /**
   * The units' own facts (`{{unit.address}}`, `{{unit.hours}}`…, opening yes/no from their office
   * hours) used when rendering for a resident of that unit; a unit not given uses the default facts.
   */
  setUnits?(args: { units: Array<{ id: string; facts: Record<string, string | undefined>; officeHours?: Partial<Record<string, string[]>> }> }): void;
  /** Swaps the catalogue (and the units' overrides) in memory (admin edits); never needs a restart. */
  reload(args: { entries: FaqEntry[]; overrides?: UnitOverride[] }): void;
};
