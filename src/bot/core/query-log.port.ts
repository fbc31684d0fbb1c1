/** Where the pipeline notes each decided question (the query log). Must not wait on the database. */
import type { FaqDecision } from '../../faq/faq.types.js';

export type QueryLogEntry = {
  conversationId: number;
  messageId: number | null;
  /** Null: read from the conversation when the row is written. */
  unitId: string | null;
  channel: string;
  text: string;
  decision: FaqDecision;
  /** 'clarify': the resident picked an option of the previous clarify ("2"). */
  via: 'typed' | 'clarify';
  at: Date;
};

export type QueryLogPort = {
  /** Buffers the entry; returns at once (rows are written in batches off the message's path). */
  record(entry: QueryLogEntry): void;
};
