// Failures of the units/staff/roster side of the handoff, with stable codes and the fix in the message.

export type UnitsErrorCode = 'handoff.unit_not_found' | 'handoff.no_units' | 'handoff.staff_not_found' | 'handoff.invalid_staff';

export class UnitsError extends Error {
  constructor(
    readonly code: UnitsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UnitsError';
  }
}

export const createUnitNotFoundError = ({ unitId }: { unitId: string }) =>
  new UnitsError('handoff.unit_not_found', `Unit "${unitId}" does not exist: check the id with \`npm run cli -- units list\`.`);

export const createNoUnitsError = () =>
  new UnitsError('handoff.no_units', 'No unit is configured: add one to data/units.yaml and run `npm run cli -- units import`.');
