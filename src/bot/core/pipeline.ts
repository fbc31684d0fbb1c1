/**
 * THE inbound pipeline (DESIGN §3): every channel's messages take this one path, so behaviour is
 * identical on Telegram, Zalo and the web chat.
 *
 *   store (dedupe) → staff group? → /id in a group? → group not addressed? → empty? → flood? → /start, /help
 *   → first-contact greeting → delete-my-data? → unit chosen? → open ticket takes it? → button
 *   → non-text → "1/2/3" → plain yes to an offer? → FAQ decision
 *
 * Handoff: every way to a person (button, "gặp cán bộ", "vâng" after an offer, own case, complaint)
 * goes through openTicket with one TicketRequest (resident-handoff.flow.ts).
 *
 * Guarantees: a message is stored before anything else happens and a redelivered one is ignored;
 * what its handling queues (replies, staff cards) is committed together with its handled mark, and a
 * message a crash left unhandled is handled again by `recover` at the next start; messages of one
 * conversation are handled one at a time in arrival order (across processes on one Postgres too,
 * under the conversation's lock), different conversations in parallel; `handle` never rejects (one
 * error boundary per message logs it and queues a short apology); replies only ever go to the outbox.
 */
import type { Logger } from '../../logger.js';
import type { ConversationState, ConversationsRepository, UnhandledMessage } from '../../db/conversations.repository.js';
import type { FaqEngine, RenderedReply } from '../../faq/faq.engine.port.js';
import { parseFaqAction } from '../../faq/faq.render.js';
import type { FaqDecision, HandoffReason } from '../../faq/faq.types.js';
import { parseCommand, parseChoice } from './bot.commands.js';
import { defaultBotTexts, HANDOFF_REQUEST_ACTION, HELP_ACTION, type BotTexts } from './bot.texts.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { readContext, toStoredContext, type ConversationContext } from './conversation-context.js';
import type { HandoffPort, PrivacyPort, UnitChoicePort } from './handoff.port.js';
import { createKeyedQueue } from './keyed-queue.js';
import type { InboundMessage, OutboundButton, OutboundMessage } from './message.types.js';
import type { OutboxPort } from './outbox.port.js';
import type { QueryLogPort } from './query-log.port.js';
import { acceptOffer, isBareRequest, isPlainYes, offerFor, requestFromMessage, type TicketRequest } from './resident-handoff.flow.js';
import { checkFlood, floodFromStored, floodPausedUntil, floodToStore, type FloodState } from './throttle.js';
import { maskPersonalNumbers } from '../../logger.js';
import { requesterRef } from './requester.js';
import { withTimeout } from '../../shared/async.js';
import { wordFor, type Wording } from '../../shared/wording.js';

/**
 * What the pipeline reads about a conversation with every message it stores (state probes from the
 * privacy, handoff and units modules): a pending delete request, an active ticket, an open "which centre?".
 */
export type PipelineStateKey = 'deleteRequestPending' | 'activeTicket' | 'unitChoicePending';

export type ConversationLock = { shared: boolean; run<T>(args: { key: string; work: () => Promise<T> }): Promise<T> };

/**
 * A residents' group's manners (config now, the console later): `answer` 'addressed' (the default)
 * answers only when mentioned or replied to; 'sure' also answers an unaddressed question it has a
 * confident answer for, and says nothing otherwise; 'every' answers every message (BOT_OPEN_GROUPS).
 * `unitId`: the centre the group belongs to (its members are never asked which). `staffInGroup`:
 * the centre's officers answer in this group (cards mention them here).
 */
export type GroupPolicy = (args: { conversationRef: string }) => {
  answer: 'addressed' | 'sure' | 'every';
  unitId?: string;
  staffInGroup?: boolean;
  /** A configured residents' group: it gets the one how-to and privacy notice (a group being set up as a staff group does not). */
  community?: boolean;
};

/** Within this long, the same question in the same group gets a pointer to the earlier answer, not a second answer. */
export const GROUP_REPEAT_WINDOW_MS = 10 * 60_000;

export type PipelineLimits = {
  /** Longer input is stored whole but only its start is read. */
  maxInputChars: number;
  /** Messages per sender per minute (per `throttleWindowMs`) before the throttle notice. */
  messagesPerMinute: number;
  /** The throttle's window; default one minute (tests shorten it). */
  throttleWindowMs?: number;
  /** A message taking longer is given up (apology) so the conversation's queue moves on. */
  handlerTimeoutMs: number;
};

export const defaultPipelineLimits: PipelineLimits = { maxInputChars: 4_000, messagesPerMinute: 10, handlerTimeoutMs: 30_000 };

/** Reasons for which the resident clearly wants (or needs) a person: open the ticket right away. */
const OPEN_TICKET_REASONS: ReadonlySet<HandoffReason> = new Set(['explicit_request', 'complaint', 'emergency']);

export type Pipeline = {
  /** For adapters: resolves when the message is handled; never rejects. */
  handle(message: InboundMessage): Promise<void>;
  /** Resolves when every message handed in so far is handled (graceful shutdown, tests). */
  drain(): Promise<void>;
  /**
   * At start, before the channels: queues the inbound messages received since `since` that a crash
   * left stored but unhandled (their replies were never queued), each in its conversation's order.
   */
  recover(args: { since: Date }): Promise<{ recovered: number }>;
};

export function createPipeline({
  conversations,
  faq,
  handoff,
  outbox,
  texts = defaultBotTexts,
  logger,
  clock = systemClock,
  groupPolicy = () => ({ answer: 'addressed' }),
  limits = defaultPipelineLimits,
  privacy,
  unitChoice,
  queryLog,
  lock = { shared: false, run: ({ work }) => work() },
}: {
  /** Built with the privacy, ticket and unit state probes (pipeline.assembly.ts composes them). */
  conversations: Pick<
    ConversationsRepository<PipelineStateKey>,
    'storeInbound' | 'readStoredState' | 'listUnhandled' | 'listUnhandledOf' | 'conversationStateWrite' | 'heldWrite'
  > &
    Partial<Pick<ConversationsRepository<PipelineStateKey>, 'upsertConversation' | 'findInboundByExternalId'>>;
  /**
   * Per-conversation lock across processes (the database's withLock). `shared: false` (PGlite, one
   * process): the in-process queue keeps the order and nothing is locked.
   */
  lock?: ConversationLock;
  faq: FaqEngine;
  handoff: HandoffPort;
  /** Notice and "delete my data" in private chats; without it the fixed texts.privacy notice is shown. */
  privacy?: PrivacyPort;
  /** Which centre the resident belongs to (asked only when there are several). */
  unitChoice?: UnitChoicePort;
  /** Notes every decided question (buffered: no statement on the message's path). */
  queryLog?: QueryLogPort;
  outbox: OutboxPort;
  texts?: BotTexts;
  logger: Logger;
  clock?: Clock;
  groupPolicy?: GroupPolicy;
  limits?: PipelineLimits;
}): Pipeline {
  const log = logger.child({ module: 'pipeline' });
  const queue = createKeyedQueue();
  const throttleLimits = { limit: limits.messagesPerMinute, windowMs: limits.throttleWindowMs ?? 60_000 };
  const handoffButton: OutboundButton = { label: texts.handoffButton, data: HANDOFF_REQUEST_ACTION };
  // Residents' groups, per process: members' messages an officer answered there, groups whose notice
  // was checked, and the FAQ entries answered lately in each group (a repeat quotes the earlier answer).
  const answeredByOfficer = new BoundedSet(5_000);
  const noticedGroups = new BoundedSet(5_000);
  const groupAnswers = new Map<string, { questionId: string; at: number }>();

  function recentGroupAnswer({ groupRef, entryId, questionId }: { groupRef: string; entryId: string; questionId: string }) {
    const key = `${groupRef}|${entryId}`;
    const now = clock.now().getTime();
    const earlier = groupAnswers.get(key);
    if (earlier && earlier.questionId !== questionId && now - earlier.at <= GROUP_REPEAT_WINDOW_MS) return earlier;
    groupAnswers.delete(key); // re-inserted last: the map stays in age order, oldest dropped first
    groupAnswers.set(key, { questionId, at: now });
    while (groupAnswers.size > 5_000) groupAnswers.delete(groupAnswers.keys().next().value!);
    return undefined;
  }

  /** The same question again within minutes: quote the earlier answer (or, not found, the question it answered). */
  async function repeatPointer({ message, earlierQuestionId }: { message: InboundMessage; earlierQuestionId: string }) {
    const sent = await outbox.findSentAnswer?.({ conversationRef: message.conversationRef, answerTo: earlierQuestionId });
    await outbox.enqueue({
      message: { conversationRef: message.conversationRef, text: texts.groupRepeat, replyToExternalId: sent?.externalMessageId ?? earlierQuestionId },
      chatType: 'group',
      meta: { answerTo: message.externalMessageId },
    });
  }

  /** Sends replies to the message's conversation; in groups the first part quotes the resident. */
  function replierFor(message: InboundMessage) {
    const capabilities = outbox.capabilitiesOf({ channel: message.channel });
    const chatType = message.chatType;
    // In a group every reply names the message it answers: a repeated question finds this answer to quote.
    const meta = chatType === 'group' ? { meta: { answerTo: message.externalMessageId } } : {};
    const send = async (replies: Array<{ parts: string[]; buttons?: OutboundButton[] }>) => {
      const messages: OutboundMessage[] = [];
      for (const reply of replies) {
        const parts = reply.parts.filter((p) => p.trim() !== '');
        parts.forEach((text, index) => {
          const out: OutboundMessage = { conversationRef: message.conversationRef, text };
          if (messages.length === 0 && chatType === 'group') out.replyToExternalId = message.externalMessageId;
          if (index === parts.length - 1 && reply.buttons && reply.buttons.length > 0) out.buttons = reply.buttons;
          messages.push(out);
        });
      }
      if (messages.length > 0) await outbox.enqueueAll({ messages, chatType, ...meta });
    };
    return {
      maxTextLength: capabilities.maxTextLength,
      buttons: capabilities.buttons,
      /** A text that names a button, in the words this channel needs. */
      word: (text: Wording) => wordFor(text, capabilities),
      text: (...lines: string[]) => send(lines.map((line) => ({ parts: [line] }))),
      send,
      /** The handoff button, plus what to type where buttons cannot be shown. */
      withHandoff(reply: RenderedReply): { parts: string[]; buttons: OutboundButton[] } {
        const buttons = reply.buttons.some((b) => b.data === HANDOFF_REQUEST_ACTION) ? reply.buttons : [...reply.buttons, handoffButton];
        const mentionsTyping = reply.parts.some((p) => /gặp cán bộ|«vâng»/i.test(p)); // the reply already says what to type
        const parts = capabilities.buttons || mentionsTyping ? reply.parts : [...reply.parts, texts.handoffHint];
        return { parts, buttons };
      },
    };
  }

  /** Stores the message (undefined: a redelivery, already stored). */
  async function store(message: InboundMessage): Promise<Stored | undefined> {
    const staff = await handoff.isStaffConversation({ conversationRef: message.conversationRef });
    const stored = await conversations.storeInbound({
      channel: message.channel,
      // A group member's message is kept in their own conversation (requester.ts), never the group's.
      conversationRef: residentRefOf(message, { staff }),
      residentExternalId: message.sender.externalUserId,
      residentName: message.sender.displayName || null,
      externalId: message.externalMessageId,
      kind: message.kind,
      text: message.text, // whole, even beyond maxInputChars
      receivedAt: message.receivedAt,
      replay: toReplay(message),
      ...(message.kind !== 'text' && message.attachment ? { attachment: message.attachment } : {}),
    });
    if (stored.messageId === null) {
      log.debug({ conversationRef: message.conversationRef, externalMessageId: message.externalMessageId }, 'duplicate delivery ignored');
      return undefined;
    }
    const { messageId, conversationId, created, state, residentFlow, floodState } = stored;
    return { messageId, conversationId, created, state, residentFlow, floodState, staff };
  }

  /**
   * A message stored earlier (before a crash, by another process, or held by the throttle), read back
   * (undefined: handled meanwhile, or gone). `withOlder`: also the conversation's older unhandled
   * messages, in the same statement.
   */
  async function restore(
    messageId: number,
    message: InboundMessage,
    { withOlder = false }: { withOlder?: boolean } = {},
  ): Promise<(Stored & { older: UnhandledMessage[] }) | undefined> {
    const found = await conversations.readStoredState({ messageId, withOlder });
    if (!found || found.handled) return undefined;
    const staff = await handoff.isStaffConversation({ conversationRef: message.conversationRef });
    const { conversationId, created, state, residentFlow, floodState, older } = found;
    return { messageId, conversationId, created, state, residentFlow, floodState, staff, older };
  }

  /**
   * `flow`: the conversation's context as stored; handling replaces `flow.context` (and sets
   * `changed`), and guarded() commits it with the replies.
   */
  async function process(message: InboundMessage, stored: Stored, flow: FlowState, options: { released?: boolean; othersHeld?: boolean } = {}): Promise<void | Held> {
    if (stored.staff) {
      await handoff.handleStaffMessage({ message });
      return;
    }
    if (message.chatType === 'group' && (await handoff.answerIdRequest?.({ message }))?.handled) return;
    if (message.chatType !== 'group') return answer(message, stored, flow, options);

    // A residents' group: the bot is one member among many and keeps to the group's manners.
    const policy = groupPolicy({ conversationRef: message.conversationRef });
    if (message.kind === 'sticker') return; // stickers are chatter (join/leave notices and other bots never reach here: the mappers drop them)
    if (policy.community) await postGroupNotice(message);
    const officer = await handoff.handleOfficerInGroup?.({ message, ...(policy.unitId ? { unitId: policy.unitId } : {}) });
    if (officer?.officer) {
      // An officer answered a member right here: the bot never answers that message as well.
      if (officer.answered) answeredByOfficer.add(officer.answered.externalMessageId);
      const command = parseCommand({ text: message.text });
      if (command?.command === 'askBot' && message.replyToExternalId) return answerOnBehalf(message, message.replyToExternalId, policy);
      if (officer.answered || !message.addressedToBot) return;
    }
    if (answeredByOfficer.has(message.externalMessageId)) return;
    if (!message.addressedToBot && policy.answer === 'addressed') return;
    return answer(message, stored, flow, { ...options, policy });
  }

  /**
   * `/bot` from an officer, replying to a member's message: the bot answers that message as if the
   * member had addressed it (a reply to them), unless an officer already answered it.
   */
  async function answerOnBehalf(officerMessage: InboundMessage, quotedId: string, policy: ReturnType<GroupPolicy>): Promise<void> {
    if (answeredByOfficer.has(quotedId)) return;
    const found = await conversations.findInboundByExternalId?.({ channel: officerMessage.channel, externalId: quotedId });
    if (!found?.message.senderExternalId || found.conversationRef !== requesterRef({ groupRef: officerMessage.conversationRef, userId: found.message.senderExternalId })) return;
    const stored = await conversations.readStoredState({ messageId: found.message.id });
    if (!stored) return;
    const member: InboundMessage = {
      channel: officerMessage.channel,
      conversationRef: officerMessage.conversationRef,
      chatType: 'group',
      externalMessageId: quotedId,
      sender: { externalUserId: found.message.senderExternalId, displayName: found.message.senderName ?? '' },
      text: found.message.text,
      kind: found.message.kind as InboundMessage['kind'],
      addressedToBot: true,
      receivedAt: found.message.receivedAt ?? found.message.createdAt,
    };
    // The member's own remembered context is read, not written: this answer commits with the
    // officer's message, and a context saved on the officer's conversation would be the wrong one.
    const memberFlow = flowOf({ residentFlow: stored.residentFlow, floodState: stored.floodState });
    await answer(
      member,
      {
        messageId: found.message.id,
        conversationId: stored.conversationId,
        created: false,
        state: stored.state,
        residentFlow: stored.residentFlow,
        floodState: stored.floodState,
        staff: false,
      },
      memberFlow,
      { released: true, policy },
    );
  }

  /** A residents' group's one notice, the first time this process sees the group (recorded: once ever). */
  async function postGroupNotice(message: InboundMessage): Promise<void> {
    if (noticedGroups.has(message.conversationRef) || !privacy?.groupNotice || !conversations.upsertConversation) return;
    noticedGroups.add(message.conversationRef);
    const { conversation } = await conversations.upsertConversation({ channel: message.channel, conversationRef: message.conversationRef, seenAt: message.receivedAt });
    const { notice } = await privacy.groupNotice({ conversationId: conversation.id, howTo: texts.groupNotice });
    if (notice) await outbox.enqueue({ message: { conversationRef: message.conversationRef, text: notice }, chatType: 'group', meta: { pinAfter: true } });
  }

  /** A resident's message (private chat, or a member addressing the bot in a group): privacy, unit, ticket, FAQ. */
  async function answer(
    message: InboundMessage,
    stored: Stored,
    flow: FlowState,
    options: { released?: boolean; othersHeld?: boolean; policy?: ReturnType<GroupPolicy> } = {},
  ): Promise<void | Held> {
    const conversation = { id: stored.conversationId };
    const { created, state } = stored;
    const inGroup = message.chatType === 'group';
    // What the handoff sees: in a group, the member's own conversation (their requester ref).
    const resident: InboundMessage = inGroup ? { ...message, conversationRef: residentRefOf(message, { staff: false }) } : message;
    // 'sure' mode, unaddressed: only a confident FAQ answer is posted; nothing else happens.
    const quiet = inGroup && !message.addressedToBot && options.policy?.answer === 'sure';

    let text = message.text.trim();
    // Empty or whitespace-only text (and no button, no media) is stored above and otherwise ignored.
    if (text === '' && !message.action && message.kind === 'text') return;

    const reply = replierFor(message);
    // Button taps are not typing; a merged release of held messages is not counted again.
    if (!message.action && !options.released) {
      const sender = message.sender.externalUserId;
      const flood = { state: flow.flood, sender, limits: throttleLimits };
      // The pause is over but earlier messages are still held (their timer has not fired yet, or
      // another process holds them): they are answered first, so the order is kept.
      if ((options.othersHeld || holdTimers.has(conversation.id)) && !floodPausedUntil({ ...flood, now: clock.now() })) {
        await releaseHeld({ conversationId: conversation.id, conversationRef: message.conversationRef });
      }
      const { verdict, state: counted } = checkFlood({ ...flood, now: clock.now() });
      flow.flood = counted;
      flow.floodChanged = true;
      if (!verdict.allowed) {
        if (verdict.notify) await reply.text(texts.throttled);
        scheduleRelease({ conversationId: conversation.id, conversationRef: message.conversationRef, at: verdict.resumeAt });
        return { heldUntil: verdict.resumeAt };
      }
    }

    const command = message.action ? null : parseCommand({ text });
    if (command?.command === 'start' && inGroup) return reply.text(texts.groupNotice);
    if (command?.command === 'start') return reply.text(texts.greeting, privacy?.noticeText({ channel: message.channel }) ?? texts.privacy);
    if (command?.command === 'help') return reply.send([{ parts: [reply.word(texts.help)], buttons: [handoffButton] }]);
    if (command?.command === 'private' && inGroup) return handoff.choosePrivateAnswers?.({ message: resident, conversationId: conversation.id });

    // First contact in a private chat: introduce ourselves (and the privacy notice) before answering.
    const firstContact = created && message.chatType === 'private';
    if (firstContact) {
      const notice = privacy ? (await privacy.firstContactNotice({ conversationId: conversation.id, channel: message.channel })).notice : texts.privacy;
      await reply.text(texts.greeting, ...(notice ? [notice] : []));
      // Answers of personal cases this person asked in a group waited for this private chat.
      await handoff.deliverHeldReplies?.({ message });
    }

    let unit: Awaited<ReturnType<UnitChoicePort['ensureUnit']>> | null = null;
    if (!quiet) {
      const groupUnit = options.policy?.unitId ? { groupUnitId: options.policy.unitId } : {};
      const asked = { conversationId: conversation.id, message, ...groupUnit };
      const privacyHandling = privacy ? await privacy.handleMessage({ ...asked, deleteRequestPending: state.deleteRequestPending, buttons: reply.buttons }) : { handled: false as const };
      if (privacyHandling.handled) return reply.send([{ parts: [privacyHandling.reply.text], buttons: privacyHandling.reply.buttons ?? [] }]);
      unit = unitChoice ? await unitChoice.ensureUnit({ ...asked, known: { unitId: state.unitId, unitChoicePending: state.unitChoicePending } }) : null;
      if (unit && 'prompt' in unit) return reply.send([{ parts: [unit.prompt.text], buttons: unit.prompt.buttons }]);
      if (unit?.notice) await reply.text(unit.notice);
      // The question asked before the centre was chosen is answered now.
      if (unit?.resumeText) {
        text = unit.resumeText;
        message = { ...message, text, action: undefined };
      }
    }

    if (!quiet && (await handoff.interceptResidentMessage({ message: { ...resident, text }, conversationId: conversation.id, activeTicket: state.activeTicket, messageId: stored.messageId })).handled) return;

    const context = flow.context;
    const remember = (next: ConversationContext) => {
      flow.context = next;
      flow.changed = true;
    };
    /** The accepted (or direct) handoff: the offer is used up once the ticket is asked for. */
    const toStaff = async (request: TicketRequest) => {
      if (quiet) return; // never a ticket for a message not addressed to the bot
      remember({ ...flow.context, offer: undefined });
      // In a group: a personal case (own dossier, a phone or ID number) leaves only a pointer there.
      const group = inGroup ? { group: { personal: isPersonal({ request, text }), staffInGroup: options.policy?.staffInGroup === true } } : {};
      await handoff.openTicket({ message: { ...resident, text }, conversationId: conversation.id, request, messageId: stored.messageId, ...group });
    };

    if (message.action === HANDOFF_REQUEST_ACTION) return toStaff(acceptOffer({ offer: context.offer }));
    if (message.action) return handleAction({ action: message.action, reply, flow: { context, remember }, unitId: unit && 'unitId' in unit ? unit.unitId : state.unitId });

    if (message.kind !== 'text' && text === '') {
      if (quiet) return;
      return reply.send([{ parts: [texts.nonText], buttons: [handoffButton] }]);
    }

    // "vâng", "ok", "được" right after the bot offered a person accepts the offer.
    if (!quiet && context.offer?.plainYesAccepts && isPlainYes({ text })) return toStaff(acceptOffer({ offer: context.offer }));

    const choice = quiet ? null : parseChoice({ text });
    const picked = choice && context.clarify ? context.clarify[choice.choice - 1] : undefined;
    let decision: FaqDecision;
    if (picked) {
      decision = { kind: 'answer', entryId: picked.id, aspect: null, confidence: 1, candidates: context.clarify ?? [] };
    } else {
      const tooLong = text.length > limits.maxInputChars;
      if (tooLong && !quiet) await reply.text(texts.longInput);
      const read = tooLong ? text.slice(0, limits.maxInputChars) : text;
      decision = faq.decide({ text: read, context: context.lastEntryId ? { lastEntryId: context.lastEntryId } : undefined });
    }
    // Chatter the bot was not asked about: silent, and it leaves no trace in the query log or the context.
    if (quiet && (decision.kind !== 'answer' || hasPersonalNumbers(text))) return;

    queryLog?.record({ conversationId: conversation.id, messageId: stored.messageId, unitId: unit && 'unitId' in unit ? unit.unitId : state.unitId, channel: message.channel, text, decision, via: picked ? 'clarify' : 'typed', at: message.receivedAt });
    // A picked clarify option keeps the original question as the offer; small talk keeps it but a
    // plain yes no longer refers to it.
    const offer = picked ? context.offer : (offerFor({ decision, text, externalMessageId: message.externalMessageId }) ?? (context.offer && { ...context.offer, plainYesAccepts: false }));
    remember({
      clarify: decision.kind === 'clarify' ? decision.candidates : undefined,
      lastEntryId: decision.kind === 'answer' ? decision.entryId : context.lastEntryId,
      offer,
    });

    if (decision.kind === 'handoff' && decision.reason === 'explicit_request' && isBareRequest({ text }) && context.offer) {
      return toStaff(acceptOffer({ offer: context.offer })); // "gặp cán bộ" after a question: that question
    }
    // In a group, a message carrying personal data is never answered in the open: a ticket, a pointer.
    if (inGroup && decision.kind !== 'handoff' && hasPersonalNumbers(text)) {
      return toStaff({ question: text, guesses: decision.kind === 'smalltalk' ? [] : decision.candidates.slice(0, 3), reason: 'personal_case', sourceExternalId: message.externalMessageId });
    }
    const opensTicket =
      decision.kind === 'handoff' &&
      ((inGroup && decision.reason === 'personal_case') ||
        OPEN_TICKET_REASONS.has(decision.reason) || (await handoff.opensTicketDirectly?.({ conversationId: conversation.id, ...(unit && 'unitId' in unit ? { unitId: unit.unitId } : {}) })));
    if (opensTicket && decision.kind === 'handoff') return toStaff(requestFromMessage({ decision, text, externalMessageId: message.externalMessageId }));
    // A plain hello on first contact is already answered by the greeting.
    if (decision.kind === 'smalltalk' && decision.intent === 'greeting' && firstContact) return;
    if (inGroup && decision.kind === 'answer') {
      const earlier = recentGroupAnswer({ groupRef: message.conversationRef, entryId: decision.entryId, questionId: message.externalMessageId });
      if (earlier) return repeatPointer({ message, earlierQuestionId: earlier.questionId });
    }

    const rendered = faq.render({ decision, maxTextLength: reply.maxTextLength, buttons: reply.buttons, unitId: unit && 'unitId' in unit ? unit.unitId : state.unitId });
    await reply.send([decision.kind === 'handoff' || decision.kind === 'clarify' ? reply.withHandoff(rendered) : rendered]);
  }

  async function handleAction({
    action,
    reply,
    flow,
    unitId,
  }: {
    action: string;
    reply: ReturnType<typeof replierFor>;
    flow: { context: ConversationContext; remember: (next: ConversationContext) => void };
    /** The resident's centre: its own text for province entries is shown. */
    unitId: string | null;
  }): Promise<void> {
    if (action === HELP_ACTION) return reply.send([{ parts: [reply.word(texts.help)], buttons: [handoffButton] }]);
    const rendered = faq.renderAction({ action, maxTextLength: reply.maxTextLength, unitId });
    if (!rendered) return reply.send([{ parts: [texts.staleAction], buttons: [handoffButton] }]);
    // A tapped entry becomes the context for a follow-up such as "còn lệ phí?".
    const entryId = parseFaqAction(action)?.entryId;
    // The question a later "Gặp cán bộ" refers to stays the one the resident typed.
    if (entryId) flow.remember({ lastEntryId: entryId, offer: flow.context.offer });
    await reply.send([rendered]);
  }

  // Messages over the throttle limit stay unhandled in the database, marked with the end of their
  // pause (so a restart, or another process, answers them too); per sender they are answered merged
  // into one when the pause ends. This process keeps a timer per conversation it holds messages of.
  const holdTimers = new Map<number, ReturnType<typeof setTimeout>>();

  function scheduleRelease({ conversationId, conversationRef, at }: { conversationId: number; conversationRef: string; at: Date }) {
    clearTimeout(holdTimers.get(conversationId));
    const timer = setTimeout(
      () => {
        void queue.run(conversationRef, () =>
          locked(conversationRef, () => releaseHeld({ conversationId, conversationRef })).catch((error: unknown) =>
            log.error({ conversationRef, err: error }, 'answering the messages held by the flood throttle failed; the next start answers them'),
          ),
        );
      },
      Math.max(0, at.getTime() - clock.now().getTime()),
    );
    timer.unref?.();
    holdTimers.set(conversationId, timer);
  }

  /**
   * The held messages whose pause is over become one question per sender (their texts in order) with
   * one answer; all are marked handled. Senders still paused (a flood that went on) wait for the end
   * of their pause. Whichever process gets here first answers them; the other finds nothing left.
   */
  async function releaseHeld({ conversationId, conversationRef }: { conversationId: number; conversationRef: string }): Promise<void> {
    clearTimeout(holdTimers.get(conversationId));
    holdTimers.delete(conversationId);
    const { messages } = await conversations.listUnhandledOf({ conversationId });
    const bySender = new Map<string, Array<{ message: InboundMessage; messageId: number; heldUntil: Date }>>();
    for (const row of messages) {
      if (!row.heldUntil) continue;
      const message = fromReplay(row.replay);
      const items = bySender.get(message.sender.externalUserId) ?? [];
      bySender.set(message.sender.externalUserId, [...items, { message, messageId: row.messageId, heldUntil: row.heldUntil }]);
    }
    const now = clock.now().getTime();
    let nextPauseEnd: number | undefined;
    for (const items of bySender.values()) {
      const pauseEnd = Math.max(...items.map((i) => i.heldUntil.getTime()));
      if (pauseEnd > now) {
        nextPauseEnd = Math.min(nextPauseEnd ?? pauseEnd, pauseEnd);
        continue;
      }
      const texts = items.map((i) => i.message.text.trim()).filter((t, i, all) => t !== '' && t !== all[i - 1]);
      const last = items.at(-1)!;
      const merged: InboundMessage = { ...last.message, text: texts.join('\n') };
      await guarded(merged, { load: () => restore(last.messageId, merged), alsoHandled: items.slice(0, -1).map((i) => i.messageId), released: true });
    }
    if (nextPauseEnd !== undefined) scheduleRelease({ conversationId, conversationRef, at: new Date(nextPauseEnd) });
  }

  /** Across processes on one database (Postgres), one conversation is handled by one process at a time. */
  function locked<T>(conversationRef: string, work: () => Promise<T>): Promise<T> {
    return lock.shared ? lock.run({ key: `conversation:${conversationRef}`, work }) : work();
  }

  /**
   * A new message when several processes share the database: stored first (outside the lock, so a
   * crash still leaves it for recovery), then, under the conversation's lock, the older messages that
   * another process stored but has not handled yet are handled first (it would find them done), then
   * this one, with the conversation's state read again under the lock.
   */
  async function handleShared(message: InboundMessage): Promise<void> {
    const first = await storeOrApologise(message);
    if (!first) return;
    const { conversationRef } = message;
    try {
      await locked(conversationRef, async () => {
        // One statement: this message's state as it is now, and the older ones still unhandled.
        const now = await restore(first.messageId, message, { withOlder: true });
        if (!now) return; // another process handled it (as an older message of its own)
        for (const older of now.older) {
          if (older.heldUntil) continue;
          const earlier = fromReplay(older.replay);
          await guarded(earlier, { load: () => restore(older.messageId, earlier) });
        }
        // After older ones were handled here, the state read above is stale: read it again.
        const fresh = now.older.some((o) => !o.heldUntil) ? () => restore(first.messageId, message) : async () => now;
        await guarded(message, { load: fresh, othersHeld: now.older.some((o) => o.heldUntil) });
      });
    } catch (error) {
      // The lock or the database failed: the message stays stored and unhandled, so the next start answers it.
      log.error({ conversationRef, externalMessageId: message.externalMessageId, err: error }, 'handling an inbound message under the conversation lock failed');
    }
  }

  async function storeOrApologise(message: InboundMessage): Promise<Stored | undefined> {
    try {
      return await store(message);
    } catch (error) {
      log.error({ conversationRef: message.conversationRef, externalMessageId: message.externalMessageId, err: error }, 'storing an inbound message failed');
      if (!(message.chatType === 'group' && !message.addressedToBot)) {
        await outbox
          .enqueue({ message: { conversationRef: message.conversationRef, text: texts.apology }, chatType: message.chatType })
          .catch((e: unknown) => log.error({ conversationRef: message.conversationRef, err: e }, 'could not queue the apology either'));
      }
      return undefined;
    }
  }

  /**
   * One error boundary per message. The message is stored first; everything its handling queues is
   * committed with its handled mark (an inbound unit), so a crash before that commit leaves it
   * unhandled and `recover` handles it again at the next start.
   */
  async function guarded(
    message: InboundMessage,
    {
      load,
      alsoHandled = [],
      released = false,
      othersHeld = false,
    }: { load: () => Promise<Stored | undefined>; alsoHandled?: number[]; released?: boolean; othersHeld?: boolean },
  ): Promise<void> {
    const context = { conversationRef: message.conversationRef, externalMessageId: message.externalMessageId };
    // Never apologise into a group for a message that was not addressed to the bot.
    const apologise = !(message.chatType === 'group' && !message.addressedToBot);
    const apology = { message: { conversationRef: message.conversationRef, text: texts.apology }, chatType: message.chatType };
    let stored: Stored | undefined;
    try {
      stored = await load();
    } catch (error) {
      log.error({ ...context, err: error }, 'storing an inbound message failed');
      if (apologise) await outbox.enqueue(apology).catch((e: unknown) => log.error({ ...context, err: e }, 'could not queue the apology either'));
      return;
    }
    if (!stored) return;
    const handled = stored;
    const unit = outbox.openInboundUnit({ messageId: handled.messageId, alsoHandled });
    const flow = flowOf(handled);
    try {
      const outcome = await withTimeout(
        unit.run(() => process(message, handled, flow, { released, othersHeld })),
        limits.handlerTimeoutMs,
        () => new Error(`pipeline: message not handled within ${limits.handlerTimeoutMs} ms`),
      );
      // The context, the flood count and the hold change exactly when the replies they lead to are
      // queued: one statement.
      const state = {
        ...(flow.changed ? { residentFlow: toStoredContext({ context: flow.context, now: clock.now() }) } : {}),
        ...(flow.floodChanged ? { floodState: floodToStore(flow.flood) } : {}),
      };
      const writes = [
        ...(flow.changed || flow.floodChanged ? [conversations.conversationStateWrite({ conversationId: handled.conversationId, ...state })] : []),
        ...(outcome ? [conversations.heldWrite({ messageId: handled.messageId, until: outcome.heldUntil })] : []),
      ];
      await unit.commit({ handled: !outcome, writes });
    } catch (error) {
      unit.abandon();
      log.error({ ...context, err: error }, 'handling an inbound message failed');
      const fallback = outbox.openInboundUnit({ messageId: handled.messageId, alsoHandled });
      try {
        if (apologise) await fallback.run(() => outbox.enqueue(apology));
        await fallback.commit();
      } catch (apologyError) {
        log.error({ ...context, err: apologyError }, 'could not queue the apology either');
      }
    }
  }

  /** The conversation's state as stored, as one message's handling sees and changes it (guarded() commits it). */
  function flowOf({ residentFlow, floodState }: { residentFlow: Record<string, unknown> | null; floodState: Record<string, unknown> | null }): FlowState {
    return { context: readContext({ residentFlow, now: clock.now() }), changed: false, flood: floodFromStored({ value: floodState }), floodChanged: false };
  }

  return {
    handle: (message) => queue.run(message.conversationRef, () => (lock.shared ? handleShared(message) : guarded(message, { load: () => store(message) }))),
    drain: () => queue.drain(),
    async recover({ since }) {
      const { messages } = await conversations.listUnhandled({ since });
      for (const { messageId, replay } of messages) {
        const message = fromReplay(replay);
        log.warn({ conversationRef: message.conversationRef, externalMessageId: message.externalMessageId }, 'handling a message left unhandled by a crash');
        void queue.run(message.conversationRef, () =>
          locked(message.conversationRef, () => guarded(message, { load: () => restore(messageId, message) })).catch((error: unknown) =>
            log.error({ conversationRef: message.conversationRef, err: error }, 'recovering a message failed; the next start tries again'),
          ),
        );
      }
      return { recovered: messages.length };
    },
  };
}

type Stored = {
  messageId: number;
  conversationId: number;
  created: boolean;
  state: ConversationState<PipelineStateKey>;
  residentFlow: Record<string, unknown> | null;
  /** The flood throttle's recent arrivals in this conversation (throttle.ts), as stored. */
  floodState: Record<string, unknown> | null;
  /** The chat is a staff group: its messages are staff replies and commands. */
  staff: boolean;
};

/** `changed` / `floodChanged`: what guarded() writes back with the replies. */
type FlowState = { context: ConversationContext; changed: boolean; flood: FloodState; floodChanged: boolean };

/** A message the flood throttle holds: it stays unhandled until its pause ends. */
type Held = { heldUntil: Date };

/** Where a message is kept and whose state it reads: a group member's own conversation, else the chat's. */
function residentRefOf(message: InboundMessage, { staff }: { staff: boolean }): string {
  if (message.chatType !== 'group' || staff) return message.conversationRef;
  return requesterRef({ groupRef: message.conversationRef, userId: message.sender.externalUserId });
}

/** A phone or ID number (the log masker's patterns): such a message is personal, never answered in a group. */
function hasPersonalNumbers(text: string): boolean {
  return maskPersonalNumbers(text) !== text;
}

/** A ticket asked in a group that must stay out of it: the engine saw an own case, or the text holds personal numbers. */
function isPersonal({ request, text }: { request: TicketRequest; text: string }): boolean {
  return request.reason === 'personal_case' || hasPersonalNumbers(text) || hasPersonalNumbers(request.question);
}

/** A Set that forgets its oldest entries past `max` (per-process memory that must not grow forever). */
class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly max: number) {}
  has(item: string): boolean {
    return this.items.has(item);
  }
  add(item: string): void {
    this.items.add(item);
    while (this.items.size > this.max) this.items.delete(this.items.values().next().value!);
  }
}

/** What the messages row keeps to handle the message again: everything but the raw platform payload. */
function toReplay(message: InboundMessage): Record<string, unknown> {
  const { raw: _raw, ...rest } = message;
  return { ...rest, receivedAt: message.receivedAt.toISOString() };
}

function fromReplay(replay: Record<string, unknown>): InboundMessage {
  return { ...(replay as unknown as InboundMessage), receivedAt: new Date(String(replay.receivedAt)) };
}
