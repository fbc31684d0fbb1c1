/**
 * The web chat: the static page at `/` and a small JSON API it talks to. Who is asking is the
 * session cookie (chat.session.ts), never a URL or body field, so no id reaches proxy logs.
 *
 *   POST /api/chat/session        { legacySessionId? }  → resumes this device's session, or starts one
 *   POST /api/chat/session/new    {}                    → "Cuộc trò chuyện mới": a fresh session on this device
 *   POST /api/chat/messages       { clientMessageId, text, action? }  → 202 once handled
 *   POST /api/chat/uploads        body: the photo/PDF bytes; X-Client-Message-Id, X-File-Name (percent-encoded) → 202
 *   GET  /api/chat/messages?after=<id>&wait=<s>  → { items } (long-poll when nothing is newer)
 *   GET  /api/chat/info           → { unitName, uploads }
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
import { adoptLegacySession, sessionOf, startSession } from './chat.session.js';
import { revalidatedAssets } from './static.assets.js';
import { cleanFileName, createUploadGate, receiveUpload } from './uploads.intake.js';
import type { WebUploadsRepository } from './uploads.repository.js';
import { chatRefusals } from './web.texts.js';

export const publicDir = fileURLToPath(new URL('./public', import.meta.url));

const MAX_BODY = '8kb';
const MAX_WAIT_S = 25;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
const postSchema = z.object({
  clientMessageId: uuid,
  text: z.string().max(8_000),
  action: z.string().min(1).max(200).optional(),
});
const pollSchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  wait: z.coerce.number().min(0).max(MAX_WAIT_S).default(0),
});
const sessionSchema = z.object({ legacySessionId: z.string().max(100).optional() });
const uploadSchema = z.object({
  clientMessageId: uuid,
  fileName: z
    .string()
    .max(1_500)
    .default('')
    .transform((v, ctx) => {
      try {
        return decodeURIComponent(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not percent-encoded UTF-8' });
        return z.NEVER;
      }
    }),
});

type Refusal = keyof typeof chatRefusals;

function refuse(res: Response, code: Refusal) {
  const { status, message } = chatRefusals[code];
  res.status(status).json({ error: { code: `web.${code}`, message } });
}

/** JSON only: a cross-site form cannot send it, so another site cannot start or reset a session here. */
const jsonBody = express.json({ limit: MAX_BODY });
const isJson = (req: Request) => typeof req.is('application/json') === 'string';

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
  uploads?: Pick<WebUploadsRepository, 'saveUpload' | 'files'>;
}): void {
  const log = logger.child({ module: 'web-chat' });
  const throttle = createThrottle({ limit: postsPerMinute, windowMs: 60_000, clock });
  const uploadGate = createUploadGate();

  app.get('/api/chat/info', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ unitName, uploads: uploads !== undefined });
  });

  app.post('/api/chat/session', jsonBody, (req, res) => {
    const parsed = sessionSchema.safeParse(req.body ?? {});
    if (!isJson(req) || !parsed.success) return refuse(res, 'invalid');
    if (!sessionOf(req)) {
      const legacy = parsed.data.legacySessionId;
      if (!(legacy && adoptLegacySession(req, res, { legacySessionId: legacy }))) startSession(req, res);
    }
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });

  app.post('/api/chat/session/new', jsonBody, (req, res) => {
    if (!isJson(req)) return refuse(res, 'invalid');
    startSession(req, res);
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });

  if (uploads) {
    // The bytes are the body (no multipart parser needed); the names travel in headers, not the URL.
    // Read as a stream through the gate into a file: the limit, the type and the name are checked on the way in.
    app.post('/api/chat/uploads', async (req, res) => {
      // A refusal before the whole body was read answers at once; the rest is not read, the connection closes.
      const stop = (code: Refusal) => {
        if (!req.complete) {
          res.set('Connection', 'close');
          res.on('finish', () => req.destroy());
        }
        refuse(res, code);
      };
      const session = sessionOf(req);
      if (!session) return stop('no_session');
      const parsed = uploadSchema.safeParse({ clientMessageId: req.get('x-client-message-id'), fileName: req.get('x-file-name') });
      if (!parsed.success) return stop('invalid');
      if (!throttle.check({ key: req.ip ?? 'unknown' }).allowed) return stop('rate_limited');
      const { sessionId } = session;
      const { clientMessageId } = parsed.data;
      const slot = await uploadGate.enter({ key: sessionId });
      if ('refused' in slot) return stop(slot.refused);
      try {
        const declared = Number(req.headers['content-length']);
        const received = await receiveUpload({ body: req, files: uploads.files, ...(Number.isFinite(declared) ? { declaredLength: declared } : {}) });
        if (!received.ok) return stop(received.refusal);
        const fileName = cleanFileName({ name: parsed.data.fileName, ext: received.ext });
        const at = clock.now();
        const { ref } = await uploads
          .saveUpload({ conversationRef: toConversationRef({ sessionId }), fileName, mimeType: received.mimeType, size: received.size, storageKey: received.key, at })
          .catch(async (error: unknown) => {
            await uploads.files.remove({ keys: [received.key] });
            throw error;
          });
        await webAdapter.receive(toInboundUpload({ upload: { sessionId, clientMessageId, ref, fileName, mimeType: received.mimeType }, receivedAt: at }));
      } catch (error) {
        log.warn({ err: error }, 'web chat upload not accepted');
        return stop('unavailable');
      } finally {
        slot.leave();
      }
      res.status(202).json({ ok: true });
    });
  }

  app.post('/api/chat/messages', jsonBody, async (req, res) => {
    const parsed = postSchema.safeParse(req.body);
    if (!parsed.success) return refuse(res, 'invalid');
    const session = sessionOf(req);
    if (!session) return refuse(res, 'no_session');
    if (!throttle.check({ key: req.ip ?? 'unknown' }).allowed) return refuse(res, 'rate_limited');
    const message = toInboundMessage({ post: { ...parsed.data, sessionId: session.sessionId }, receivedAt: clock.now() });
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
    const session = sessionOf(req);
    if (!session) return refuse(res, 'no_session');
    const { after, wait } = parsed.data;
    const conversationRef = toConversationRef({ sessionId: session.sessionId });
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

  // Body-parser refusals (too large, malformed JSON) for the chat API get the page's own wording;
  // the rest (bad charset, bad gzip) the app's (src/web/app.ts), Vietnamese too.
  app.use('/api/chat', (error: Error & { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return refuse(res, req.path.startsWith('/uploads') ? 'file_too_large' : 'too_large');
    if (error.type === 'entity.parse.failed') return refuse(res, 'invalid');
    next(error);
  });

  app.use(express.static(publicDir, { index: 'index.html', ...revalidatedAssets }));
}
