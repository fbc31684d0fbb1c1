/**
 * The units module's public surface: service centres (units), their staff groups, staff, duty
 * roster, working calendar and holidays, and which centre a resident chose (unit choice).
 * Other modules import from this file only (eslint.config.js enforces it).
 */
export { WEEKDAY_KEYS, daysBetweenLocalDates } from './calendar.models.js';
export type { WorkingCalendar } from './calendar.models.js';
export { createUnitChoice } from './unit-choice.usecases.js';
export { createUnitsRepository, unitStateProbes } from './units.repository.js';
export type { UnitsRepository } from './units.repository.js';
export { replaceUnit, syncUnitsFromData } from './units.sync.js';
export { parseUnits, UnitsDataError, type UnitData } from './units.schema.js';

// Tables read in other modules' single-transaction statements: the privacy erasure (one transaction
// across modules) and `cli units recent`. Nothing else may touch them outside this module.
export { staffGroupsTable, unitChoicePromptsTable } from './units.table.js';
