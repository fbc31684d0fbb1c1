/**
 * A write a module hands to the outbox's inbound unit (outbox.port.ts) so it commits in the same
 * statement as the message's replies, as a data-modifying WITH. Opaque outside src/db and the
 * outbox: the core passes it along without seeing SQL.
 */
import type { SQL } from 'drizzle-orm';

declare const unitWriteBrand: unique symbol;
export type UnitWrite = { readonly [unitWriteBrand]: true };

export function toUnitWrite(statement: SQL): UnitWrite {
  return statement as unknown as UnitWrite;
}

export function unitWriteSql(write: UnitWrite): SQL {
  return write as unknown as SQL;
}
