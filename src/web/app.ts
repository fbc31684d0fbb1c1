/**
 * The express app: security headers on every response, each feature's routes, then a Vietnamese
 * 404 and one error middleware. Feature routes are passed in as `register` functions so this file
 * never grows per feature.
 *
 * Refusals never show a library's words or codes (`Z_DATA_ERROR`, `unsupported charset "LATIN-9"`):
 * a request the app cannot read gets a stable code and a Vietnamese sentence, as JSON for the API
 * and for clients that ask for JSON, as a small HTML page for a browser.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../logger.js';
import { securityHeaders } from './security.headers.js';
import { backToChat, httpRefusals } from './web.texts.js';

export type RegisterRoutes = (app: Express) => void;
export type HttpRefusal = keyof typeof httpRefusals;

/** `trustProxy`: express's "trust proxy" setting (TRUST_PROXY); false trusts no X-Forwarded-* header. */
export function createApp({ logger, routes, trustProxy = false }: { logger: Logger; routes: RegisterRoutes[]; trustProxy?: boolean | number | string }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders());
  for (const register of routes) register(app);

  app.use((req, res) => sendRefusal(req, res, 'not_found'));
  // Express recognises error middleware by its four parameters.
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const refusal = refusalOf(error);
    if (refusal === 'internal') logger.error({ err: error, path: req.path }, 'request failed');
    // A refused body may still be arriving: answer, then close instead of reading the rest.
    if (!req.complete) res.set('Connection', 'close');
    sendRefusal(req, res, refusal, error.status && error.status >= 400 && error.status < 500 ? error.status : undefined);
  });
  return app;
}

/** body-parser / raw-body / zlib failures by what the client did wrong; anything else is ours. */
function refusalOf(error: Error & { status?: number; type?: string }): HttpRefusal {
  const status = error.status ?? 500;
  if (status >= 500) return 'internal';
  if (status === 404) return 'not_found';
  if (error.type === 'entity.too.large') return 'body_too_large';
  if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported') return 'bad_encoding';
  // A bad gzip body is a zlib error with status 400 and no type; bad JSON is entity.parse.failed.
  if (error.type === 'entity.parse.failed' || status === 400) return 'bad_body';
  return 'bad_request';
}

export function sendRefusal(req: Request, res: Response, refusal: HttpRefusal, status: number = httpRefusals[refusal].status): void {
  const { title, message } = httpRefusals[refusal];
  res.status(status).set('Cache-Control', 'no-store');
  const wantsHtml = !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
  if (!wantsHtml) {
    res.json({ error: { code: `http.${refusal}`, message } });
    return;
  }
  res.type('html').send(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>${message}</p><p><a href="/">${backToChat}</a></p></main></body></html>
`);
}
