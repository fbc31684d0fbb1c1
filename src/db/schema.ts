// Every table, for drizzle's relational typing. Add new *.table.ts files here too.
export * from './units.table.js';
export * from './conversations.table.js';
export * from './messages.table.js';
export * from '../faq/faq.table.js';
