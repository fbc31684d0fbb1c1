/**
 * Reads the shipped catalogue from data/: FAQ entries (one YAML file each), the search lexicon,
 * small talk and the unit facts templated into answers. Every file is validated; a broken file
 * stops loading with the file name and the field at fault.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { validateCatalogue } from './catalogue.schema.js';
import { lexiconFileSchema, type LexiconFile } from './faq.lexicon.js';
import { smalltalkFileSchema, type SmalltalkFile } from './faq.smalltalk.js';
import type { OfficeHours } from './faq.hours.js';
import type { FaqEntry } from './faq.types.js';

/** The unit facts answers may mention; the units file has more fields that the handoff module reads. */
export const unitInfoSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  address: z.string().min(1),
  phone: z.string().min(1),
  email: z.string().optional(),
  mapUrl: z.string().optional(),
  hours: z.string().min(1),
});
export type UnitInfo = z.infer<typeof unitInfoSchema>;

export type CatalogueFiles = {
  entries: FaqEntry[];
  lexicon: LexiconFile;
  smalltalk: SmalltalkFile;
  /** The default (first) unit. */
  unit: UnitInfo;
  /** Its office hours, when the units file gives them (yes/no answers about opening days). */
  officeHours?: OfficeHours;
};

export class DataFileError extends Error {
  readonly code = 'faq.data_file_invalid';
  constructor(file: string, problems: string[]) {
    super(`${file} is invalid; fix it and try again:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DataFileError';
  }
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataFileError(file, [(error as Error).message.split('\n')[0] ?? 'cannot be read']);
  }
}

function readValidated<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(readYaml(file));
  if (!parsed.success) throw new DataFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  return parsed.data;
}

export function loadFaqEntries({ dataDir }: { dataDir: string }): FaqEntry[] {
  const dir = join(dataDir, 'faq');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  return validateCatalogue(files.map((f) => ({ source: join(dir, f), raw: readYaml(join(dir, f)) })));
}

export function loadDefaultUnitInfo({ dataDir }: { dataDir: string }): UnitInfo {
  const file = join(dataDir, 'units.yaml');
  const { units } = readValidated(file, z.object({ units: z.array(unitInfoSchema.loose()).min(1) }).loose());
  return unitInfoSchema.parse(units[0]);
}

/** The default unit's office hours ("07:30-11:30" ranges per weekday), or undefined when not given. */
export function loadDefaultOfficeHours({ dataDir }: { dataDir: string }): OfficeHours | undefined {
  const file = join(dataDir, 'units.yaml');
  const day = z.array(z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/)).optional();
  const hours = z.object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }).optional();
  const { units } = readValidated(file, z.object({ units: z.array(z.object({ officeHours: hours }).loose()).min(1) }).loose());
  return units[0]!.officeHours;
}

export function loadCatalogueFiles({ dataDir }: { dataDir: string }): CatalogueFiles {
  return { ...loadCatalogueSupport({ dataDir }), entries: loadFaqEntries({ dataDir }) };
}

/** Everything but the entries (which the engine takes from the database): lexicon, small talk, unit facts. */
export function loadCatalogueSupport({ dataDir }: { dataDir: string }): Omit<CatalogueFiles, 'entries'> {
  const officeHours = loadDefaultOfficeHours({ dataDir });
  return {
    ...(officeHours ? { officeHours } : {}),
    lexicon: readValidated(join(dataDir, 'lexicon.yaml'), lexiconFileSchema),
    smalltalk: readValidated(join(dataDir, 'smalltalk.yaml'), smalltalkFileSchema),
    unit: loadDefaultUnitInfo({ dataDir }),
  };
}

/**
 * A hash of data/faq's file names and bytes: equal to the one stored at the last seed means no file
 * changed, so the start skips parsing them (YAML and schema checks were most of the catalogue's start-up cost).
 */
export function hashFaqFiles({ dataDir }: { dataDir: string }): string {
  const dir = join(dataDir, 'faq');
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    hash.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0');
  }
  return hash.digest('hex');
}
