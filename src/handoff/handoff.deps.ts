/**
 * What the handoff use cases need from the rest of the system, as narrow shapes. main.ts passes the
 * real units repository, outbox and adapters; tests pass small fakes. Keeping these here (rather than
 * importing the implementations) lets the handoff be tested without any channel SDK.
 */
import type { ChannelAdapter } from '../bot/core/channel.port.js';
import type { ChannelName, OutboundMessage } from '../bot/core/message.types.js';
import type { OutboxPort } from '../bot/core/outbox.port.js';
import type { Logger } from '../logger.js';
import type { WorkingCalendar } from '../units/index.js';
import type { Clock } from '../shared/clock.js';

export type { Clock };

export type HandoffStaffMember = {
  id: string;
  name: string;
  role?: string;
  /** Platform ids, for real mentions in staff groups (absent: the plain name is shown). */
  telegramUserId?: string | null;
  zaloUserId?: string | null;
};

export type HandoffStaffGroup = {
  conversationRef: string;
  /** A Telegram forum supergroup: one topic per ticket (needs an adapter with createThread). */
  forum?: boolean;
};

export type HandoffUnit = {
  id: string;
  name: string;
  staffGroups: HandoffStaffGroup[];
  /** Staff id of the unit lead, mentioned when the SLA is breached. */
  lead?: string;
  /** Working minutes within which the first staff reply is due (default 120). */
  slaMinutes: number;
  /** When the bot cannot answer: offer "Gặp cán bộ" first (default), or open a ticket at once. */
  ticketPolicy?: 'ask_first' | 'open_directly';
  /** The unit file's facts (phone, address…): told to the resident when no staff group is reachable. */
  info?: Record<string, string>;
};

/** The subset of the units repository the handoff uses (src/units/units.repository.ts implements it). */
export type HandoffUnits = {
  getUnit(args: { unitId: string }): Promise<{ unit: HandoffUnit }> | { unit: HandoffUnit };
  findStaffGroup(args: { conversationRef: string }):
    | Promise<{ unit: HandoffUnit; group: HandoffStaffGroup } | undefined>
    | { unit: HandoffUnit; group: HandoffStaffGroup }
    | undefined;
  findStaffMember(args: { unitId: string; channel: ChannelName; externalUserId: string }):
    | Promise<{ staff: HandoffStaffMember | undefined }>
    | { staff: HandoffStaffMember | undefined };
  listStaff(args: { unitId: string }): Promise<{ staff: HandoffStaffMember[] }> | { staff: HandoffStaffMember[] };
  listOnDuty(args: { unitId: string; at: Date }): Promise<{ staff: HandoffStaffMember[] }> | { staff: HandoffStaffMember[] };
  getCalendar(args: { unitId: string }): Promise<{ calendar: WorkingCalendar }> | { calendar: WorkingCalendar };
  /**
   * Optional: every unit with its groups. Lets a message from a topic the bot did not create
   * ("telegram:-100…:topic:7", a thread ref extends its group's ref after a ':') count as the group's.
   */
  listUnits?(): Promise<{ units: HandoffUnit[] }>;
  /** The unit the resident chose (or the default unit). */
  getResidentUnit(args: { conversationId: number }): Promise<{ unit: HandoffUnit }> | { unit: HandoffUnit };
};

/** Thread operations and media copies: optional adapter methods, looked up per channel. */
export type HandoffChannels = ReadonlyMap<ChannelName, Pick<ChannelAdapter, 'capabilities' | 'createThread' | 'reopenThread' | 'closeThread' | 'copyMessage' | 'editMessage' | 'answerAction' | 'privateRefOf' | 'pinMessage'>>;

export type HandoffOutbox = Pick<OutboxPort, 'enqueue' | 'enqueueCopy' | 'canCopy'>;

export type HandoffDeps = {
  units: HandoffUnits;
  outbox: HandoffOutbox;
  channels: HandoffChannels;
  clock: Clock;
  logger: Logger;
  /** The ticket's page in the console, linked from its cards (PUBLIC_URL set); absent: no link. */
  ticketLink?: (args: { code: string }) => string;
};

/** Meta the handoff attaches to every outbox row, handed back in onSent/onFailed. */
export type HandoffOutboxMeta = {
  handoff: true;
  /** Absent for replies that belong to no ticket (/id, /ds, a refusal). */
  ticketId?: number;
  role: import('./tickets/ticket-links.repository.js').MessageLinkRole;
  /** Staff-side rows: the group the thread belongs to (for re-creating a deleted topic). */
  groupRef?: string;
  /** On a copy row (a photo/file): what to send instead if the copy fails for good, so nothing is dropped silently. */
  fallbackText?: string;
  /** How many times this payload was re-sent after its thread vanished (stops loops). */
  threadRetries?: number;
  /** Close the forum topic once this (the "closed" notice) is sent, so the notice itself gets through. */
  closeThreadAfter?: boolean;
  /** A group row meant for one member (a requester ref): "delete my data" of that member redacts it too. */
  requesterRef?: string;
  /** Pin this message once it is sent (the group's notice), where the channel can. */
  pinAfter?: boolean;
};

export type Enqueue = (args: { message: OutboundMessage; meta: HandoffOutboxMeta; chatType?: 'private' | 'group' }) => Promise<void>;
