/**
 * The web chat: the static page at `/` and a small JSON API it talks to.
 *
 *   POST /api/chat/messages  { sessionId, clientMessageId, text, action? }  → 202 once handled
 *   POST /api/chat/uploads?sessionId=…&clientMessageId=…&fileName=…  (body: the photo/PDF bytes) → 202
 *   GET  /api/chat/messages?sessionId=…&after=<id>&wait=<s>  → { items } (long-poll when nothing is newer)
 *   GET  /api/chat/info  → { unitName }
 *
 * Every refusal is JSON with a Vietnamese message the page can show as is.
 */
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { WebAdapter } from '../bot/adapters/web/web.adapter.js';
import { toConversationRef, toInboundMessage, toInboundUpload } from '../bot/adapters/web/web.mapper.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { createThrottle } from '../bot/core/throttle.js';
import type { Logger } from '../logger.js';
import type { WebChatHistory } from './chat.history.js';
import { cleanFileName, createUploadGate, readUpload } from './uploads.intake.js';
import type { WebUploadsRepository } from './uploads.repository.js';

export const publicDir = fileURLToPath(new URL('./public', import.meta.url));

const MAX_BODY = '8kb';
const MAX_WAIT_S = 25;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
const postSchema = z.object({
  sessionId: uuid,
  clientMessageId: uuid,
  text: z.string().max(8_000),
  action: z.string().min(1).max(200).optional(),
});
const pollSchema = z.object({
  sessionId: uuid,
  after: z.coerce.number().int().min(0).default(0),
  wait: z.coerce.number().min(0).max(MAX_WAIT_S).default(0),
});

const uploadSchema = z.object({
  sessionId: uuid,
  clientMessageId: uuid,
  fileName: z.string().max(500).default(''),
});

const refusals = {
  file_too_large: { status: 413, message: 'Tệp quá lớn (tối đa 10 MB). Anh/chị vui lòng chụp lại ảnh nhỏ hơn hoặc gửi từng trang.' },
  file_empty: { status: 400, message: 'Tệp này trống (0 byte). Anh/chị vui lòng chọn lại ảnh hoặc tệp PDF.' },
  bad_file: { status: 415, message: 'Chỉ gửi được ảnh (JPG, PNG) hoặc tệp PDF. Anh/chị vui lòng chọn lại.' },
  busy_resident: { status: 429, message: 'Anh/chị đang gửi một tệp khác. Vui lòng chờ tệp đó gửi xong rồi gửi tiếp.' },
  busy: { status: 503, message: 'Đang có nhiều người gửi tệp cùng lúc. Anh/chị vui lòng thử lại sau ít phút.' },
  too_large: { status: 413, message: 'Tin nhắn quá dài. Anh/chị vui lòng gửi ngắn hơn, chia làm vài tin.' },
  invalid: { status: 400, message: 'Không đọc được tin nhắn này. Anh/chị vui lòng tải lại trang và thử lại.' },
  rate_limited: { status: 429, message: 'Anh/chị gửi hơi nhanh. Vui lòng chờ một chút rồi gửi tiếp.' },
  unavailable: { status: 503, message: 'Hệ thống đang khởi động lại. Anh/chị vui lòng thử lại sau ít phút.' },
} as const;

function refuse(res: Response, code: keyof typeof refusals) {
  const { status, message } = refusals[code];
  res.status(status).json({ error: { code: `web.${code}`, message } });
}

export function registerChatRoutes({
  app,
  webAdapter,
  history,
  logger,
  unitName,
  clock = systemClock,
  postsPerMinute = 30,
  uploads,
}: {
  app: Express;
  webAdapter: WebAdapter;
  history: WebChatHistory;
  logger: Logger;
  unitName: string;
  clock?: Clock;
  /** Per client address: generous for a person, small for a script. The pipeline throttles per resident too. */
  postsPerMinute?: number;
  /** Where uploaded photos/files are kept; without it the page offers no upload. */
  uploads?: Pick<WebUploadsRepository, 'saveUpload'>;
}): void {
  const log = logger.child({ module: 'web-chat' });
  const throttle = createThrottle({ limit: postsPerMinute, windowMs: 60_000, clock });
  const uploadGate = createUploadGate();

  app.get('/api/chat/info', (_req, res) => {
    res.json({ unitName, uploads: uploads !== undefined });
  });

  if (uploads) {
    // The bytes are the body (no multipart parser needed); the names travel in the query string.
    // Read as a stream through the gate: the limit, the type and the name are checked on the way in.
    app.post('/api/chat/uploads', async (req, res) => {
      // A refusal before the whole body was read answers at once; the rest is not read, the connection closes.
      const stop = (code: keyof typeof refusals) => {
        if (!req.complete) {
          res.set('Connection', 'close');
          res.on('finish', () => req.destroy());
        }
        refuse(res, code);
      };
      const parsed = uploadSchema.safeParse(req.query);
      if (!parsed.success) return stop('invalid');
      if (!throttle.check({ key: req.ip ?? 'unknown' }).allowed) return stop('rate_limited');
      const { sessionId, clientMessageId } = parsed.data;
      const slot = await uploadGate.enter({ key: sessionId });
      if ('refused' in slot) return stop(slot.refused);
      try {
        const declared = Number(req.headers['content-length']);
        const read = await readUpload({ body: req, ...(Number.isFinite(declared) ? { declaredLength: declared } : {}) });
        if (!read.ok) return stop(read.refusal);
        const fileName = cleanFileName({ name: parsed.data.fileName, ext: read.ext });
        const at = clock.now();
        const { ref } = await uploads.saveUpload({ conversationRef: toConversationRef({ sessionId }), fileName, mimeType: read.mimeType, data: read.data, at });
        await webAdapter.receive(toInboundUpload({ upload: { sessionId, clientMessageId, ref, fileName, mimeType: read.mimeType }, receivedAt: at }));
      } catch (error) {
        log.warn({ err: error, sessionId }, 'web chat upload not accepted');
        return stop('unavailable');
      } finally {
        slot.leave();
      }
      res.status(202).json({ ok: true });
    });
  }

  app.post('/api/chat/messages', express.json({ limit: MAX_BODY }), async (req, res) => {
    const parsed = postSchema.safeParse(req.body);
    if (!parsed.success) return refuse(res, 'invalid');
    if (!throttle.check({ key: req.ip ?? 'unknown' }).allowed) return refuse(res, 'rate_limited');
    const message = toInboundMessage({ post: parsed.data, receivedAt: clock.now() });
    try {
      await webAdapter.receive(message);
    } catch (error) {
      log.warn({ err: error, conversationRef: message.conversationRef }, 'web chat message not accepted');
      return refuse(res, 'unavailable');
    }
    res.status(202).json({ ok: true });
  });

  app.get('/api/chat/messages', async (req, res) => {
    const parsed = pollSchema.safeParse(req.query);
    if (!parsed.success) return refuse(res, 'invalid');
    const { sessionId, after, wait } = parsed.data;
    const conversationRef = toConversationRef({ sessionId });
    let { items } = await history.list({ conversationRef });
    if (wait > 0 && !items.some((i) => i.id > after)) {
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      await webAdapter.waitForActivity({ conversationRef, timeoutMs: wait * 1000, signal: aborted.signal });
      if (aborted.signal.aborted && res.writableEnded === false && req.destroyed) return;
      ({ items } = await history.list({ conversationRef }));
    }
    res.set('Cache-Control', 'no-store').json({ items });
  });

  // Body-parser refusals (too large, malformed JSON) for the chat API get the page's own wording.
  app.use('/api/chat', (error: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return refuse(res, req.path.startsWith('/uploads') ? 'file_too_large' : 'too_large');
    if (error.type === 'entity.parse.failed') return refuse(res, 'invalid');
    next(error);
  });

  app.use(express.static(publicDir, { index: 'index.html', maxAge: '1h' }));
}
