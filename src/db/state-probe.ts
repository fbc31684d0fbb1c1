/**
 * A state probe: one boolean a feature module wants to know about a conversation on every inbound
 * message (a pending delete request, an active ticket, an open "which centre?" question). The module
 * that owns the table writes the fragment; the assembly hands them to the conversations repository,
 * which reads them all in the same statement that stores the message. This keeps the hot path at one
 * round trip without src/db knowing any feature table.
 */
import type { SQL } from 'drizzle-orm';

/** Given the SQL expression of the conversation id, an SQL boolean expression (e.g. `exists (…)`). */
export type StateProbe = (conversationId: SQL) => SQL;

export type StateProbes<K extends string> = { readonly [P in K]: StateProbe };
