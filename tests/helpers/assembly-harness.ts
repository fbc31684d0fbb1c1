/**
 * The production assembly on a fresh test database with the units of a units.yaml text, the fake
 * FAQ engine and silent logs: what the pipeline-level database tests share. `countStatements`
 * wraps the database so a test can count the statements one message costs.
 */
import type { ChannelAdapter } from '../../src/bot/core/channel.port.js';
import type { ChannelName } from '../../src/bot/core/message.types.js';
import { countStatements as counting } from '../../src/db/statement-counter.js';
import { createLogger } from '../../src/logger.js';
import { assemblePipeline, type PipelineAssembly } from '../../src/pipeline.assembly.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { writeDataDir } from '../units/units-fixtures.js';
import { createFakeFaqEngine } from './fake-faq-engine.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export async function assembleOnTestDatabase({
  unitsYaml,
  adapters,
  countStatements = false,
}: {
  unitsYaml: string;
  adapters: ReadonlyMap<ChannelName, ChannelAdapter>;
  countStatements?: boolean;
}): Promise<{ database: TestDatabase; assembly: PipelineAssembly; counter: { statements: number }; stop(): Promise<void> }> {
  const database = await createTestDatabase();
  await syncUnitsFromData({ db: database.db, dataDir: writeDataDir({ 'units.yaml': unitsYaml }) });
  const counted = countStatements ? counting(database.db) : { db: database.db, counter: { statements: 0 } };
  const assembly = await assemblePipeline({
    database: { ...database, db: counted.db },
    adapters,
    faq: createFakeFaqEngine(),
    logger: createLogger({ level: 'silent' }),
    retentionDays: 365,
  });
  return {
    database,
    assembly,
    counter: counted.counter,
    async stop() {
      await assembly.unitsListener.stop();
      await database.close();
    },
  };
}
