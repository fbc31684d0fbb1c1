/**
 * Every button action the bot puts on a message, in one registry: a tap comes back as the button's
 * `data` (Telegram callback_data, at most 64 bytes; a web chat action; Zalo has no buttons and
 * types the same words instead), and the prefix says which module it belongs to. A new kind of
 * button gets its prefix here, so two modules can never claim the same one.
 */
export const BUTTON_ACTIONS = {
  /** "Gặp cán bộ": the pipeline opens a ticket (bot/core). */
  handoffRequest: 'handoff:request',
  /** "Hướng dẫn": the help text (bot/core). */
  help: 'bot:help',
  /** `faq:<entryId>` or `faq:<entryId>:<section>`: an FAQ answer or one of its sections (faq). */
  faq: 'faq:',
  /** `t:<claim|close|reopen>:<ticketId>`: staff buttons on a ticket card (handoff/staff). */
  ticket: 't:',
  /** `rate:<ticketId>:<1-5>`: the resident's rating after a ticket closed (handoff/resident). */
  rate: 'rate:',
  /** `unit:<unitId>`, or `unit:change`: the resident's centre (units). */
  unit: 'unit:',
  changeUnit: 'unit:change',
  /** "Delete my data" confirmation and cancel (privacy). */
  privacyConfirmDelete: 'privacy:confirm_delete',
  privacyCancelDelete: 'privacy:cancel_delete',
} as const;

/** The label of the handoff button, shared by every reply that offers a person (bot texts and FAQ replies). */
export const HANDOFF_BUTTON_LABEL = '🙋 Gặp cán bộ';
