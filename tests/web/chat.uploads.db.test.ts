/**
 * POST /api/chat/uploads: a resident's photo or PDF from the web chat is stored, then handed to the
 * pipeline as a photo/file message whose attachment the staff-group adapters can load.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAdapter } from '../../src/bot/adapters/web/web.adapter.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { createOutboxRepository } from '../../src/bot/outbox/outbox.repository.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/web/app.js';
import { createWebChatHistory } from '../../src/web/chat.history.js';
import { registerChatRoutes } from '../../src/web/chat.routes.js';
import { createWebUploadsRepository } from '../../src/web/uploads.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const SESSION = '7d3f0c1e-0000-4000-8000-000000000001';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('web chat uploads', () => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  const received: InboundMessage[] = [];
  let uploads: ReturnType<typeof createWebUploadsRepository>;

  beforeAll(async () => {
    database = await createTestDatabase();
    uploads = createWebUploadsRepository({ db: database.db });
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
            uploads,
          }),
      ],
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
  });

  const upload = (body: Buffer, type: string, query: Record<string, string>) =>
    fetch(`${url}/api/chat/uploads?${new URLSearchParams(query)}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('stores a photo and passes it on as a photo message the staff side can load', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const res = await upload(bytes, 'image/jpeg', { sessionId: SESSION, clientMessageId: uuid(1), fileName: 'cccd mặt trước.jpg' });
    expect(res.status).toBe(202);
    expect(received.at(-1)).toMatchObject({
      channel: 'web',
      conversationRef: `web:${SESSION}`,
      externalMessageId: `${SESSION}:${uuid(1)}`,
      kind: 'photo',
      text: '',
      attachment: { ref: expect.stringMatching(/^web-upload:\d+$/), mimeType: 'image/jpeg', fileName: 'cccd mặt trước.jpg' },
    });
    expect(await uploads.loadMedia({ ref: received.at(-1)!.attachment!.ref })).toEqual({ data: bytes, fileName: 'cccd mặt trước.jpg', mimeType: 'image/jpeg' });

    const pdf = await upload(Buffer.from('%PDF-1.4'), 'application/pdf', { sessionId: SESSION, clientMessageId: uuid(2), fileName: '../../don.pdf' });
    expect(pdf.status).toBe(202);
    expect(received.at(-1)).toMatchObject({ kind: 'file', attachment: { fileName: '.._.._don.pdf' } });
    expect(await uploads.loadMedia({ ref: 'telegram-file:1' })).toBeUndefined();
  });

  it('refuses other file types, empty and oversized bodies, and bad ids, in Vietnamese', async () => {
    const count = received.length;
    const wrongType = await upload(Buffer.from('MZ'), 'application/x-msdownload', { sessionId: SESSION, clientMessageId: uuid(3), fileName: 'a.exe' });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { error: { message: string } }).error.message).toContain('Chỉ gửi được ảnh');
    expect((await upload(Buffer.alloc(0), 'image/png', { sessionId: SESSION, clientMessageId: uuid(4), fileName: 'a.png' })).status).toBe(415);
    expect((await upload(Buffer.from('x'), 'image/png', { sessionId: 'nope', clientMessageId: uuid(5), fileName: 'a.png' })).status).toBe(400);
    const huge = await upload(Buffer.alloc(11 * 1024 * 1024, 1), 'image/jpeg', { sessionId: SESSION, clientMessageId: uuid(6), fileName: 'big.jpg' });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toContain('Tệp quá lớn');
    expect(received).toHaveLength(count);
  });
});
