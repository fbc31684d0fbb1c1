import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPersonalNumbers } from '../src/logger.js';

describe('maskPersonalNumbers', () => {
  it.each([
    ['gọi 0912345678 nhé', 'gọi ***678 nhé'],
    ['sđt +84 912 345 678', 'sđt ***678'],
    ['0912.345.678', '***678'],
    ['CCCD 001203012345 ạ', 'CCCD ***345 ạ'],
    ['CMND 123456789', 'CMND ***789'],
  ])('masks %s', (input, expected) => {
    expect(maskPersonalNumbers(input)).toBe(expected);
  });

  it('leaves short numbers, dates, years and conversation refs alone', () => {
    const text = 'HS-0042 ngày 02/09/2025, 2 giờ, telegram:123456789';
    expect(maskPersonalNumbers(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('masks numbers in messages and in fields of every line', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: { write: (line) => lines.push(line) } });
    logger.info({ text: 'số em 0987654321' }, 'resident 001203012345 wrote');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/0987654321|001203012345/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'resident ***345 wrote', text: 'số em ***321' });
  });
});

describe('the logger never prints bytes or bodies', () => {
  it('a failing insert of an upload (the query params hold the file) logs the error, not the file', { timeout: 180_000 }, async () => {
    const { createTestDatabase } = await import('./helpers/test-db.js');
    const { createWebUploadsRepository } = await import('../src/web/uploads.repository.js');
    const { createUploadFiles } = await import('../src/web/uploads.files.js');
    const database = await createTestDatabase();
    const uploadsDir = mkdtempSync(join(tmpdir(), 'mcb-uploads-'));
    try {
      const photo = Buffer.alloc(2 * 1024 * 1024, 0xab);
      const lines: string[] = [];
      const logger = createLogger({ level: 'info', sink: { write: (line) => lines.push(line) } });
      // A NUL in a text column makes Postgres refuse the insert, with the whole row in the error's params
      // (the bytes are a file now, but the logger must still print no params and no buffer it is given).
      const files = createUploadFiles({ dir: uploadsDir });
      const { key } = await files.writeAll(photo);
      const failure = await createWebUploadsRepository({ db: database.db, files })
        .saveUpload({ conversationRef: 'web:x', fileName: 'a\u0000.jpg', mimeType: 'image/jpeg', size: photo.length, storageKey: key, at: new Date() })
        .then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      logger.warn({ err: failure, body: photo, nested: { data: new Uint8Array(photo) } }, 'web chat upload not accepted');
      expect(lines).toHaveLength(1);
      expect(lines[0]!.length).toBeLessThan(10_000);
      expect(lines[0]).not.toMatch(/(ab){50}|(AB){50}|(q6urq6ur){20}/i);
      const line = JSON.parse(lines[0]!) as { err: { message: string; type: string }; body: string };
      expect(line.err.message).toMatch(/insert into "web_uploads"[\s\S]*params: \[not logged\]/);
      expect(line.body).toBe('[binary, 2097152 bytes]');
    } finally {
      rmSync(uploadsDir, { recursive: true, force: true });
      await database.close();
    }
  });
});
