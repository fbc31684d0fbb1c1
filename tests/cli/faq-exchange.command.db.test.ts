/**
 * `cli faq export|import` on an embedded database folder: a YAML-folder round trip changes nothing;
 * an edited file is shown and applied only with --yes, as a draft; a broken file is refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { run } from '../../src/cli/faq-exchange.command.js';
import { createDatabase } from '../../src/db/client.js';
import { createFaqRepository } from '../../src/faq/faq.repository.js';
import { catalogue } from '../console/console.harness.js';

let dir: string;
const saved = process.env.PGLITE_DATA_DIR;
const savedUrl = process.env.DATABASE_URL;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await run(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faq-cli-'));
  process.env.PGLITE_DATA_DIR = join(dir, 'db');
  process.env.DATABASE_URL = '';
  const handle = await createDatabase({ pgliteDataDir: join(dir, 'db') });
  await createFaqRepository({ db: handle.db }).seed({ entries: catalogue.entries });
  await handle.close();
}, 60_000);
afterAll(() => {
  process.env.PGLITE_DATA_DIR = saved;
  process.env.DATABASE_URL = savedUrl;
  rmSync(dir, { recursive: true, force: true });
});

describe('cli faq export / import', () => {
  it('a YAML folder round trip finds no change; an edit is applied only with --yes, as a draft', async () => {
    const folder = join(dir, 'export');
    expect((await cli(['export', '--out', folder])).out).toContain(`Đã xuất ${catalogue.entries.length} mục`);
    expect((await cli(['import', folder])).out).toContain('Không có thay đổi nào');
    const file = join(folder, 'gio-lam-viec.yaml');
    writeFileSync(file, stringify({ ...(parse(readFileSync(file, 'utf8')) as object), summary: 'Tóm tắt sửa trong tệp xuất ra.' }));
    const dry = await cli(['import', folder]);
    expect(dry.out.split('\n').find((l) => l.includes('gio-lam-viec'))).toMatch(/thay đổi\s+gio-lam-viec: .*Tóm tắt/);
    expect(dry.out).toContain('Nothing was applied');
    const applied = await cli(['import', folder, '--yes']);
    expect(applied.out).toContain('Đã lưu 1 mục thành bản nháp');
    const handle = await createDatabase({ pgliteDataDir: join(dir, 'db') });
    try {
      const { draft, published } = await createFaqRepository({ db: handle.db }).getEntry({ id: 'gio-lam-viec' });
      expect(draft!.data.summary).toBe('Tóm tắt sửa trong tệp xuất ra.');
      expect(published!.summary).not.toBe('Tóm tắt sửa trong tệp xuất ra.');
    } finally {
      await handle.close();
    }
  }, 120_000);

  it('a broken file is refused with the place of each mistake', async () => {
    const file = join(dir, 'hong.yaml');
    writeFileSync(file, 'id: Sai Ma\ntitle: ""\n');
    const result = await cli(['import', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('chưa nhập gì');
    expect(result.err).toMatch(/Tệp .*hong\.yaml, mục thứ 1 \(Sai Ma\), trường id \(Mã mục\): Chỉ dùng chữ thường/);
    writeFileSync(join(dir, 'ghi-chu.txt'), 'không phải danh mục');
    const wrongType = await cli(['import', join(dir, 'ghi-chu.txt')]);
    expect(wrongType.code).toBe(1);
    expect(wrongType.err).toContain('Chỉ nhận tệp .xlsx, .csv hoặc .yaml');
    const missing = await cli(['import', join(dir, 'khong-co.xlsx')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Không tìm thấy');
  }, 60_000);
});
