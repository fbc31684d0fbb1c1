/**
 * The database with every statement counted, for the pipeline bench and the tests that hold the
 * hot path to its round trips. A query builder counts when it is started (db.select(), db.insert()…),
 * db.execute per call, and a transaction as one (its inner statements run on their own handle).
 */
import type { Database } from './client.js';

const STATEMENT_METHODS = new Set(['execute', 'select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete', 'transaction']);

export function countStatements(db: Database): { db: Database; counter: { statements: number } } {
  const counter = { statements: 0 };
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || !STATEMENT_METHODS.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.statements += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db: counted, counter };
}
