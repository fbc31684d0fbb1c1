/**
 * The Zalo session file: read at start-up, written by `zalo login` and re-written when Zalo
 * rotates cookies. Whoever holds it owns the account, so it is written atomically with mode 0600
 * in a 0700 directory, and its contents never reach a log line.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ZaloApi, ZaloCredentials } from './zalo.ports.js';

const credentialsSchema = z.object({
  cookie: z.array(z.record(z.string(), z.unknown())).min(1, 'has no cookies'),
  imei: z.string().min(1),
  userAgent: z.string().min(1),
  language: z.string().optional(),
});

export type ReadCredentialsResult =
  | { credentials: ZaloCredentials; problem?: undefined }
  | { credentials?: undefined; problem: 'missing' | 'unreadable'; detail: string };

/** Never throws: a missing or broken file is a state ("QR needed"), not a crash. */
export async function readZaloCredentials({ path }: { path: string }): Promise<ReadCredentialsResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'missing', detail: `${path} does not exist` };
    return { problem: 'unreadable', detail: `${path}: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'unreadable', detail: `${path} is not valid JSON` };
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: 'unreadable', detail: `${path}: ${issue?.path.join('.') || 'file'} ${issue?.message ?? 'is invalid'}` };
  }
  return { credentials: parsed.data };
}

/** Atomic (temp file + rename) so a crash mid-write never leaves a half session; mode 0600. */
export async function saveZaloCredentials({ path, credentials }: { path: string; credentials: ZaloCredentials }): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600); // a restrictive umask is fine, a permissive one must not widen it
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The session as the API holds it now (cookies rotate as requests are made). */
export function snapshotZaloCredentials({ api }: { api: ZaloApi }): { credentials: ZaloCredentials } {
  const context = api.getContext();
  const cookie = api.getCookie().toJSON()?.cookies ?? [];
  return {
    credentials: {
      cookie,
      imei: context.imei,
      userAgent: context.userAgent,
      ...(context.language ? { language: context.language } : {}),
    },
  };
}

/**
 * What matters for "did the session change": cookie names, values, scopes and expiry.
 * tough-cookie also serialises lastAccessed, which changes on every request and must not
 * trigger a write.
 */
export function credentialsFingerprint({ credentials }: { credentials: ZaloCredentials }): string {
  const cookies = credentials.cookie
    .map((c) => [c.key ?? c.name, c.value, c.domain, c.path, c.expires ?? c.expirationDate ?? null].map((v) => String(v)).join('\t'))
    .sort();
  return JSON.stringify([credentials.imei, credentials.userAgent, credentials.language ?? '', cookies]);
}
