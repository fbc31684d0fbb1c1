/**
 * The resident's privacy, as calls the pipeline makes:
 * - `firstContactNotice`: the notice text, once per conversation, with the shown version recorded
 *   (a printable, verifiable record: Decree 13/2023 art. 11, 13).
 * - `handleMessage`: "/xoadulieu" or "xóa dữ liệu của tôi" → asks for confirmation; "XÁC NHẬN" (or the
 *   button) within 10 minutes erases the conversation (privacy.repository.ts); "HỦY" cancels.
 * - `purgeExpired`: the retention rule (RETENTION_DAYS), run by privacy.job.ts daily and at start.
 */
import type { InboundMessage, OutboundButton } from '../bot/core/message.types.js';
import {
  CONFIRM_WINDOW_MS,
  isDeleteCancellation,
  isDeleteConfirmation,
  isDeleteRequest,
  PRIVACY_NOTICE_VERSION,
  privacyConfirmButtons,
  groupPrivacyLine,
  privacyNoticeText,
  privacyTexts,
} from './privacy.models.js';
import type { PrivacyRepository } from './privacy.repository.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { wordFor } from '../shared/wording.js';

const DAY_MS = 86_400_000;

export type PrivacyReply = { text: string; buttons?: OutboundButton[] };
export type PrivacyHandling = { handled: false } | { handled: true; reply: PrivacyReply; erased?: boolean };
export type PrivacyUsecases = ReturnType<typeof createPrivacyUsecases>;

export function createPrivacyUsecases({
  privacyRepository,
  retentionDays,
  clock = systemClock,
}: {
  privacyRepository: PrivacyRepository;
  retentionDays: number;
  clock?: Clock;
}) {
  /** The notice the first time this conversation is seen (recorded), `{}` after. */
  async function firstContactNotice({ conversationId, unitName, channel }: { conversationId: number; unitName?: string; channel?: string }): Promise<{ notice?: string }> {
    const { firstTime } = await privacyRepository.recordNoticeShown({ conversationId, version: PRIVACY_NOTICE_VERSION, at: clock.now() });
    return firstTime ? { notice: privacyNoticeText({ retentionDays, ...(unitName ? { unitName } : {}), ...(channel ? { channel } : {}) }) } : {};
  }

  /** A residents' group's notice (its data line), the first time the group is seen (recorded on the group's own conversation). */
  async function groupNotice({ conversationId, howTo }: { conversationId: number; howTo: string }): Promise<{ notice?: string }> {
    const { firstTime } = await privacyRepository.recordNoticeShown({ conversationId, version: PRIVACY_NOTICE_VERSION, at: clock.now() });
    return firstTime ? { notice: `${howTo}\n${groupPrivacyLine({ retentionDays })}` } : {};
  }

  /** The notice text without recording anything (for /start, /help or a web page). */
  function noticeText({ unitName, channel }: { unitName?: string; channel?: string } = {}): string {
    return privacyNoticeText({ retentionDays, ...(unitName ? { unitName } : {}), ...(channel ? { channel } : {}) });
  }

  /**
   * Offered every resident message in a private chat before other handling. Returns handled=true with
   * the reply to send when the message was a delete request, its confirmation or its cancellation.
   * Any other message while a request is pending cancels it quietly and is handled as usual.
   */
  async function handleMessage({
    conversationId,
    message,
    deleteRequestPending,
    buttons = true,
  }: {
    conversationId: number;
    message: Pick<InboundMessage, 'text' | 'action'>;
    /** The channel shows buttons (capabilities.buttons): the prompt names the button only then. */
    buttons?: boolean;
    /** False: the caller read that nothing awaits confirmation, so the lookup is skipped. */
    deleteRequestPending?: boolean;
  }): Promise<PrivacyHandling> {
    const now = clock.now();
    const action = message.action ? { action: message.action } : {};
    if (!message.action && isDeleteRequest({ text: message.text })) {
      await privacyRepository.createDeleteRequest({ conversationId, at: now });
      return { handled: true, reply: { text: wordFor(privacyTexts.confirmPrompt, { buttons }), buttons: privacyConfirmButtons } };
    }
    const pending = deleteRequestPending === false ? undefined : await privacyRepository.findPendingDeleteRequest({ conversationId });
    const confirms = isDeleteConfirmation({ text: message.text, ...action });
    if (!pending) {
      // A stale button tap with nothing pending: say so rather than let it fall through as a question.
      return confirms && message.action ? { handled: true, reply: { text: privacyTexts.expired } } : { handled: false };
    }
    if (now.getTime() - pending.requestedAt.getTime() > CONFIRM_WINDOW_MS) {
      await privacyRepository.closeDeleteRequest({ id: pending.id, status: 'expired', at: now });
      return confirms ? { handled: true, reply: { text: privacyTexts.expired } } : { handled: false };
    }
    if (confirms) {
      await privacyRepository.eraseConversation({ conversationId, at: now });
      return { handled: true, erased: true, reply: { text: privacyTexts.done } };
    }
    await privacyRepository.closeDeleteRequest({ id: pending.id, status: 'cancelled', at: now });
    if (isDeleteCancellation({ text: message.text, ...action })) return { handled: true, reply: { text: privacyTexts.cancelled } };
    return { handled: false };
  }

  /** Erases everything older than RETENTION_DAYS. Safe to run any time, any number of times. */
  async function purgeExpired() {
    const cutoff = new Date(clock.now().getTime() - retentionDays * DAY_MS);
    const result = await privacyRepository.eraseOlderThan({ cutoff, at: clock.now() });
    return { cutoff, ...result };
  }

  return { firstContactNotice, groupNotice, noticeText, handleMessage, purgeExpired, retentionDays };
}
