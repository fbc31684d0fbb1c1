/**
 * The handoff module's one façade: tickets (tickets/), the staff side in the staff groups (staff/),
 * the resident side (resident/) and the first-reply SLA (sla/). Other modules import from this file
 * only (eslint.config.js enforces it).
 */
export { createHandoff } from './handoff.usecases.js';
export type { Handoff } from './handoff.usecases.js';
export { createSlaWorker } from './sla/sla.worker.js';
export type { SlaWorker } from './sla/sla.worker.js';
export { ticketStateProbes } from './tickets/tickets.repository.js';

// What the privacy erasure reads and rewrites in its one transaction across modules.
export { ACTIVE_TICKET_STATUSES } from './tickets/tickets.models.js';
export { ticketEventsTable, ticketFaqDraftsTable, ticketMessageLinksTable, ticketThreadsTable, ticketsTable } from './tickets/tickets.table.js';

// The console's ticket list and ticket page (answering goes through Handoff.answerFromConsole).
export { createTicketViewsRepository, TICKET_SLA_OUTCOMES } from './tickets/ticket-views.repository.js';
export type { TicketListFilter, TicketListRow, TicketSlaOutcome, TicketViewsRepository, TranscriptLine } from './tickets/ticket-views.repository.js';
export { TICKET_STATUSES } from './tickets/tickets.models.js';
export type { TicketStatus } from './tickets/tickets.models.js';
export type { Ticket, TicketsRepository } from './tickets/tickets.repository.js';
export type { TicketEventRow } from './tickets/tickets.table.js';
export { CONSOLE_ANSWER_MAX } from './staff/console-reply.usecases.js';
export type { ConsoleAnswerResult } from './staff/console-reply.usecases.js';

// The console's review of staff `/faq` suggestions.
export { setStaffFaqDraftStatus } from './tickets/ticket-links.repository.js';
