/**
 * Reads the unit and holiday files from the data folder. The parsing and checks are in
 * units.schema.ts; this file only knows where the files are.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHolidaysFile, parseUnitsFile, UnitsDataError, type HolidaysData, type UnitData } from './units.schema.js';

export type UnitsDataFiles = { units: UnitData[]; holidayYears: HolidaysData[] };

export function loadUnitsData({ dataDir }: { dataDir: string }): UnitsDataFiles {
  const unitsFile = join(dataDir, 'units.yaml');
  if (!existsSync(unitsFile)) {
    throw new UnitsDataError(unitsFile, ['file not found: create it (see the README section "Setting up a centre") or set DATA_DIR to the folder that has it']);
  }
  const { units } = parseUnitsFile({ text: readFileSync(unitsFile, 'utf8'), file: unitsFile });

  const holidaysDir = join(dataDir, 'holidays');
  const holidayYears: HolidaysData[] = [];
  if (existsSync(holidaysDir)) {
    for (const name of readdirSync(holidaysDir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = join(holidaysDir, name);
      const data = parseHolidaysFile({ text: readFileSync(file, 'utf8'), file });
      if (holidayYears.some((y) => y.year === data.year)) throw new UnitsDataError(file, [`year ${data.year} is already given by another file`]);
      holidayYears.push(data);
    }
  }
  return { units, holidayYears };
}
