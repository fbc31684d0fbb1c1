/**
 * A sentence that tells the reader to tap a button, with the words for a channel that shows no
 * buttons (Zalo: "nhắn «gặp cán bộ»" instead of "bấm «Gặp cán bộ»"). Which one is sent follows the
 * channel's capabilities (`buttons`), so the texts stay data and no code asks which channel it is.
 */
export type ButtonWording = { withButtons: string; withoutButtons: string };

/** A plain sentence, or one that names a button. */
export type Wording = string | ButtonWording;

export function wordFor(text: Wording, { buttons }: { buttons: boolean }): string {
  return typeof text === 'string' ? text : buttons ? text.withButtons : text.withoutButtons;
}
