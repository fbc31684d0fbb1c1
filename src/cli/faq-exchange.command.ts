/**
 * `faq export --out FILE` and `faq import FILE [--yes]`: the catalogue as .xlsx, .csv (BOM), one
 * .yaml file of several documents, or a folder of .yaml files (a path without extension).
 * Export writes the working copies (drafts included); import shows what would change and saves
 * nothing until `--yes`, and then only drafts to review in the console.
 * With the embedded database (PGlite) stop the bot first: only one process can open it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAuditLog } from '../admin/admin.audit.js';
import { exportCsv, exportXlsx, exportYamlBundle, exportYamlFiles, importFile, ImportRefusedError } from '../console/catalogue.exchange.js';
import { applyImport, planImport } from '../console/catalogue.import.js';
import { createFaqEditing } from '../faq/faq.editing.js';
import { createFaqRepository } from '../faq/faq.repository.js';
import { withDatabase } from './units.command.js';

const USAGE = `Usage:
  npm run cli -- faq export --out hoi-dap.xlsx     (.xlsx, .csv, .yaml, or a folder: faq-export/)
  npm run cli -- faq import hoi-dap.xlsx [--yes]   (shows the changes; --yes saves them as drafts)`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return exportCatalogue(rest);
  if (sub === 'import') return importCatalogue(rest);
  console.error(USAGE);
  return sub ? 2 : 0;
}

async function exportCatalogue(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) {
    console.error(USAGE);
    return 2;
  }
  const out = values.out;
  const entries = await withDatabase(async ({ db }) => (await createFaqRepository({ db }).listForConsole()).items.filter((i) => i.status !== 'archived').map((i) => i.data));
  const ext = extname(out).toLowerCase();
  if (ext === '.xlsx') writeFileSync(out, await exportXlsx({ entries }));
  else if (ext === '.csv') writeFileSync(out, exportCsv({ entries }));
  else if (ext === '.yaml' || ext === '.yml') writeFileSync(out, exportYamlBundle({ entries }));
  else if (ext === '') {
    mkdirSync(out, { recursive: true });
    for (const file of exportYamlFiles({ entries })) writeFileSync(join(out, file.name), file.text);
  } else {
    console.error(`Cannot write "${ext}" files: use .xlsx, .csv, .yaml or a folder name.`);
    return 2;
  }
  console.log(`Đã xuất ${entries.length} mục vào ${out}. Exported.`);
  return 0;
}

async function importCatalogue(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean', default: false } } });
  const [path] = positionals;
  if (!path) {
    console.error(USAGE);
    return 2;
  }
  if (!existsSync(path)) {
    console.error(`Không tìm thấy "${path}". No such file or folder.`);
    return 1;
  }
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.ya?ml$/i.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const entries: Array<Record<string, unknown>> = [];
  const problems: string[] = [];
  try {
    for (const file of files) {
      const result = await importFile({ fileName: file, data: readFileSync(file) });
      entries.push(...result.entries);
      problems.push(...result.problems);
    }
  } catch (error) {
    if (error instanceof ImportRefusedError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  if (problems.length > 0) {
    console.error(`Tệp có ${problems.length} lỗi; chưa nhập gì. Fix these and run again:`);
    for (const p of problems) console.error(`  - ${p}`);
    return 1;
  }
  return withDatabase(async ({ db }) => {
    const { items } = await planImport({ faq: createFaqRepository({ db }), entries });
    for (const item of items) {
      const what = item.change === 'new' ? 'mới      ' : item.change === 'changed' ? 'thay đổi ' : 'không đổi';
      console.log(`${what} ${item.id}${item.diff.length && item.change === 'changed' ? `: ${item.diff.map((d) => d.label).join(', ')}` : ''}`);
    }
    const changed = items.filter((i) => i.change !== 'same').length;
    if (changed === 0) {
      console.log('Không có thay đổi nào. Nothing to import.');
      return 0;
    }
    if (!values.yes) {
      console.log(`${changed} mục sẽ thành bản nháp. Nothing was applied: run again with --yes to save them as drafts.`);
      return 0;
    }
    const { saved } = await applyImport({ editing: createFaqEditing({ db }), items, author: 'cli', source: path });
    await createAuditLog({ db }).record({ actor: 'cli', action: 'faq.import', target: path, after: { drafts: saved } });
    console.log(`Đã lưu ${saved.length} mục thành bản nháp: xem lại và xuất bản ở /admin. Saved as drafts.`);
    return 0;
  });
}
