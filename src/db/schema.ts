// Every table, for drizzle's relational typing. Add new *.table.ts files here too.
export * from './units.table.js';
export * from './conversations.table.js';
export * from './messages.table.js';
export * from '../faq/faq.table.js';
export * from '../bot/outbox/outbox.table.js';
export * from '../handoff/tickets.table.js';
export * from '../handoff/units.table.js';
export * from '../handoff/privacy.table.js';
export * from '../web/uploads.table.js';
export * from '../admin/admin.table.js';
export * from '../querylog/querylog.table.js';
