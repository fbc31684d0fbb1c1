/**
 * Where the bytes of web chat uploads live: one file per upload under UPLOADS_DIR, named by a random
 * key (never by anything the resident sent). The database keeps only the metadata and the key
 * (uploads.repository.ts), so a 10 MB photo never passes through the database's memory.
 *
 * A file is written to `tmp/` first, fsynced, then renamed to its key and the folder fsynced: once
 * `finish()` resolves the file survives a power cut, and only then does the caller commit the row
 * that names it. A crash in between leaves a file no row names; `sweep` removes those (and stale
 * temp files) at start and after each retention run.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** "ab/9f…": two hex characters of fan-out, then 30 more; 128 random bits in all. */
const KEY = /^[0-9a-f]{2}\/[0-9a-f]{30}$/;
const TMP = 'tmp';

export type UploadFileWriter = {
  write(chunk: Buffer): Promise<void>;
  /** Flushes the bytes to disk and gives the file its key. */
  finish(): Promise<{ key: string }>;
  /** Drops the partial file (refused or failed upload). Safe to call after finish (then it does nothing). */
  abort(): Promise<void>;
};

export type UploadFiles = ReturnType<typeof createUploadFiles>;

export class UploadFileKeyError extends Error {
  readonly code = 'uploads.bad_key';
  constructor(key: string) {
    super(`Not an upload file key: ${JSON.stringify(key.slice(0, 60))} (expected two hex characters, a slash and 30 more).`);
    this.name = 'UploadFileKeyError';
  }
}

export function createUploadFiles({ dir }: { dir: string }) {
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new UploadFileKeyError(key);
    return join(dir, key);
  };

  async function begin(): Promise<UploadFileWriter> {
    await mkdir(join(dir, TMP), { recursive: true });
    const tmpPath = join(dir, TMP, `${randomBytes(16).toString('hex')}.part`);
    let handle: FileHandle | undefined = await open(tmpPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    let done = false;
    return {
      async write(chunk) {
        let offset = 0;
        while (offset < chunk.length) offset += (await handle!.write(chunk, offset)).bytesWritten;
      },
      async finish() {
        await handle!.sync();
        await handle!.close();
        handle = undefined;
        const hex = randomBytes(16).toString('hex');
        const key = `${hex.slice(0, 2)}/${hex.slice(2)}`;
        const target = pathOf(key);
        await mkdir(dirname(target), { recursive: true });
        await rename(tmpPath, target);
        await syncDir(dirname(target));
        done = true;
        return { key };
      },
      async abort() {
        if (done) return;
        done = true;
        await handle?.close().catch(() => undefined);
        handle = undefined;
        await rm(tmpPath, { force: true });
      },
    };
  }

  /** A whole buffer at once (the move of bytes the database still held, see uploads.repository.ts). */
  async function writeAll(data: Buffer): Promise<{ key: string }> {
    const writer = await begin();
    try {
      await writer.write(data);
      return await writer.finish();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /** The bytes, or undefined when the file is gone (erased, or never there). */
  async function read({ key }: { key: string }): Promise<Buffer | undefined> {
    try {
      return await readFile(pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function remove({ keys }: { keys: readonly string[] }): Promise<void> {
    for (const key of keys) await rm(pathOf(key), { force: true });
  }

  /**
   * Removes files no row names any more (`inUse` answers which of the given keys still have a row)
   * and temp files left by a crash. Only files older than `graceMs` are touched, so an upload whose
   * row is being committed right now is left alone.
   */
  async function sweep({ inUse, graceMs = 60 * 60_000, now = new Date() }: { inUse(keys: string[]): Promise<Set<string>>; graceMs?: number; now?: Date }) {
    const cutoff = now.getTime() - graceMs;
    let removed = 0;
    const old = async (path: string) => (await stat(path).catch(() => undefined))?.mtimeMs ?? Infinity;
    for (const name of await listDir(join(dir, TMP))) {
      const path = join(dir, TMP, name);
      if ((await old(path)) < cutoff) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    for (const fan of await listDir(dir)) {
      if (!/^[0-9a-f]{2}$/.test(fan)) continue;
      const candidates: string[] = [];
      for (const name of await listDir(join(dir, fan))) {
        const key = `${fan}/${name}`;
        if (KEY.test(key) && (await old(join(dir, key))) < cutoff) candidates.push(key);
      }
      if (candidates.length === 0) continue;
      const kept = await inUse(candidates);
      const orphans = candidates.filter((key) => !kept.has(key));
      await remove({ keys: orphans });
      removed += orphans.length;
    }
    return { removed };
  }

  return { dir, begin, writeAll, read, remove, sweep };
}

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A rename is durable only once its folder is flushed too (POSIX). */
async function syncDir(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
