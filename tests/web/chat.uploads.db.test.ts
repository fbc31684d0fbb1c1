/**
 * POST /api/chat/uploads: a resident's photo or PDF from the web chat is streamed into a file under
 * the uploads folder (the database keeps its name and key only), then handed to the pipeline as a
 * photo/file message whose attachment the staff-group adapters can load. Who sends is the session
 * cookie; the file's name and the message id travel in headers, never in the URL.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAdapter } from '../../src/bot/adapters/web/web.adapter.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { createOutboxRepository } from '../../src/bot/outbox/outbox.repository.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/web/app.js';
import { createWebChatHistory } from '../../src/web/chat.history.js';
import { registerChatRoutes } from '../../src/web/chat.routes.js';
import { createUploadFiles } from '../../src/web/uploads.files.js';
import { createWebUploadsRepository } from '../../src/web/uploads.repository.js';
import { webUploadsTable } from '../../src/web/uploads.table.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Every file under the uploads folder (temp files included), as "ab/…" paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]), Buffer.alloc(64, 7)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), Buffer.alloc(64, 1)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

describe('web chat uploads', () => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  const received: InboundMessage[] = [];
  let uploads: ReturnType<typeof createWebUploadsRepository>;
  let dir: string;
  /** The session cookie of the resident these tests upload as, and its conversation ref. */
  let cookie: string;
  let conversationRef: string;
  /** The next insert fails (the database refused it) when set. */
  let failInsert = false;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'mcb-uploads-'));
    uploads = createWebUploadsRepository({ db: database.db, files: createUploadFiles({ dir }) });
    const webAdapter = createWebAdapter();
    await webAdapter.start({ onMessage: async (m) => void received.push(m) });
    const conversations = createConversationsRepository({ db: database.db });
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      routes: [
        (a) =>
          registerChatRoutes({
            app: a,
            webAdapter,
            history: createWebChatHistory({ conversations, outbox: createOutboxRepository({ db: database.db }) }),
            logger: createLogger({ level: 'silent' }),
            unitName: 'Phường Mẫu',
            uploads: {
              files: uploads.files,
              saveUpload: async (args) => {
                if (failInsert) throw new Error('insert refused');
                return uploads.saveUpload(args);
              },
            },
          }),
      ],
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cookie = await newSession();
    conversationRef = await refOf(cookie);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newSession(): Promise<string> {
    const res = await fetch(`${url}/api/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }
  /** The conversation ref a cookie stands for, as the pipeline receives it. */
  async function refOf(sessionCookie: string): Promise<string> {
    const res = await upload(JPEG, 'image/jpeg', { clientMessageId: uuid(999), fileName: 'probe.jpg' }, sessionCookie);
    expect(res.status).toBe(202);
    return received.pop()!.conversationRef;
  }

  function upload(body: Buffer | ReadableStream<Uint8Array>, type: string, meta: { clientMessageId?: string; fileName?: string }, sessionCookie?: string) {
    const headers: Record<string, string> = { 'content-type': type };
    const sending = sessionCookie ?? cookie;
    if (sending) headers.cookie = sending;
    if (meta.clientMessageId) headers['x-client-message-id'] = meta.clientMessageId;
    if (meta.fileName !== undefined) headers['x-file-name'] = encodeURIComponent(meta.fileName);
    return fetch(`${url}/api/chat/uploads`, { method: 'POST', headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  }

  it('stores a photo as a file (not in the database) and passes it on as a photo message the staff side can load', async () => {
    const res = await upload(JPEG, 'image/jpeg', { clientMessageId: uuid(1), fileName: 'cccd mặt trước.jpg' });
    expect(res.status).toBe(202);
    const sessionId = conversationRef.slice('web:'.length);
    expect(received.at(-1)).toMatchObject({
      channel: 'web',
      conversationRef,
      externalMessageId: `${sessionId}:${uuid(1)}`,
      kind: 'photo',
      text: '',
      attachment: { ref: expect.stringMatching(/^web-upload:\d+$/), mimeType: 'image/jpeg', fileName: 'cccd mặt trước.jpg' },
    });
    expect(await uploads.loadMedia({ ref: received.at(-1)!.attachment!.ref })).toEqual({ data: JPEG, fileName: 'cccd mặt trước.jpg', mimeType: 'image/jpeg' });
    const [row] = (await database.db.select().from(webUploadsTable)).filter((r) => r.fileName === 'cccd mặt trước.jpg');
    expect(row).toMatchObject({ data: null, size: JPEG.length, storageKey: expect.stringMatching(/^[0-9a-f]{2}\/[0-9a-f]{30}$/) });
    expect(filesUnder(dir)).toContain(row!.storageKey);

    const pdf = await upload(PDF, 'application/pdf', { clientMessageId: uuid(2), fileName: '../../don.pdf' });
    expect(pdf.status).toBe(202);
    expect(received.at(-1)).toMatchObject({ kind: 'file', attachment: { fileName: 'don.pdf', mimeType: 'application/pdf' } });
    expect(await uploads.loadMedia({ ref: 'telegram-file:1' })).toBeUndefined();
  });

  it('decides the type from the bytes, not the declared type, and cleans the name (RTL override, path, NUL)', async () => {
    // A PNG sent as "image/jpeg" named with an RTL override that would show "…gnp.exe" as "…exe.png".
    const png = await upload(PNG, 'image/jpeg', { clientMessageId: uuid(10), fileName: 'anh\u202Egnp.exe\u0000' });
    expect(png.status).toBe(202);
    expect(received.at(-1)!.attachment).toMatchObject({ mimeType: 'image/png', fileName: 'anhgnp.png' });
    const count = received.length;
    const html = await upload(Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'application/pdf', { clientMessageId: uuid(11), fileName: 'don.pdf' });
    expect(html.status).toBe(415);
    const svg = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/png', { clientMessageId: uuid(12), fileName: 'a.png' });
    expect(svg.status).toBe(415);
    expect(await messageOf(svg)).toContain('Chỉ gửi được ảnh');
    expect(received).toHaveLength(count);
  });

  it('refuses other file types, empty and oversized bodies, bad ids and no session, in Vietnamese, and keeps no file of them', async () => {
    const count = received.length;
    const before = filesUnder(dir);
    const wrongType = await upload(Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), 'application/x-msdownload', { clientMessageId: uuid(3), fileName: 'a.exe' });
    expect(wrongType.status).toBe(415);
    expect(await messageOf(wrongType)).toContain('Chỉ gửi được ảnh');
    const empty = await upload(Buffer.alloc(0), 'image/png', { clientMessageId: uuid(4), fileName: 'a.png' });
    expect(empty.status).toBe(400);
    expect(await messageOf(empty)).toContain('Tệp này trống');
    expect((await upload(JPEG, 'image/png', { clientMessageId: 'nope', fileName: 'a.png' })).status).toBe(400);
    const badName = await fetch(`${url}/api/chat/uploads`, { method: 'POST', headers: { cookie, 'content-type': 'image/jpeg', 'x-client-message-id': uuid(5), 'x-file-name': '%E0%A4%A' }, body: JPEG });
    expect(badName.status).toBe(400); // not percent-encoded UTF-8
    const anonymous = await upload(JPEG, 'image/jpeg', { clientMessageId: uuid(5), fileName: 'a.jpg' }, '');
    expect(anonymous.status).toBe(401);
    expect(await messageOf(anonymous)).toContain('tải lại trang');
    const huge = await upload(Buffer.concat([JPEG, Buffer.alloc(11 * 1024 * 1024, 1)]), 'image/jpeg', { clientMessageId: uuid(6), fileName: 'big.jpg' });
    expect(huge.status).toBe(413);
    expect(await messageOf(huge)).toContain('Tệp quá lớn');
    // Without a Content-Length (chunked), the limit holds while reading.
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024 * 1024;
        controller.enqueue(sent === 1024 * 1024 ? new Uint8Array(Buffer.concat([JPEG, Buffer.alloc(1024 * 1024 - JPEG.length)])) : new Uint8Array(1024 * 1024));
        if (sent > 30 * 1024 * 1024) controller.close();
      },
    });
    const streamed = await upload(chunked, 'image/jpeg', { clientMessageId: uuid(7), fileName: 'x.jpg' }).catch((error: unknown) => error as Error);
    if (streamed instanceof Response) expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(30 * 1024 * 1024); // it stopped reading long before the end
    expect(received).toHaveLength(count);
    // Nothing refused stays on disk, not even the partial file of the stream cut at 10 MB.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(filesUnder(dir)).toEqual(before);
  });

  it('removes the file again when its row cannot be stored', async () => {
    const before = filesUnder(dir);
    failInsert = true;
    try {
      const res = await upload(JPEG, 'image/jpeg', { clientMessageId: uuid(30), fileName: 'a.jpg' });
      expect(res.status).toBe(503);
      expect(await messageOf(res)).toContain('thử lại');
    } finally {
      failInsert = false;
    }
    expect(filesUnder(dir)).toEqual(before);
  });

  it('takes one upload at a time per resident: a second one meanwhile is refused kindly', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (first) {
          first = false;
          controller.enqueue(new Uint8Array(JPEG));
          return;
        }
        await gate;
        controller.close();
      },
    });
    const other = await newSession();
    const pending = upload(slow, 'image/jpeg', { clientMessageId: uuid(20), fileName: 'a.jpg' }, other);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await upload(JPEG, 'image/jpeg', { clientMessageId: uuid(21), fileName: 'b.jpg' }, other);
    expect(second.status).toBe(429);
    expect(await messageOf(second)).toContain('đang gửi một tệp khác');
    release();
    expect((await pending).status).toBe(202);
    expect((await upload(JPEG, 'image/jpeg', { clientMessageId: uuid(22), fileName: 'b.jpg' }, other)).status).toBe(202);
  });
});
