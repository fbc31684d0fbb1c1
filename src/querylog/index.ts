/**
 * The query log module's public surface: the rows every decided question leaves, the buffered
 * writer the pipeline notes them with, the inbox's reads and the regression cases.
 * Other modules import from this file only.
 */
export { createQueryLogWriter } from './querylog.writer.js';
export type { QueryLogWriter } from './querylog.writer.js';
export { createQueryLogRepository } from './querylog.repository.js';
export type { QueryLogRepository, InboxGroup } from './querylog.repository.js';
export { INBOX_REASON_LABEL, mergeClusters, sumReasons, toQueryLogRow } from './querylog.models.js';
export type { InboxReason } from './querylog.models.js';
export { createRegressionGuard, regressionRowsOf } from './regression.js';
// Deleted in the privacy erasure's single transaction (one transaction across modules).
export { queryLogTable, regressionCasesTable } from './querylog.table.js';
