/**
 * The express app: mounts each feature's routes and one error middleware.
 * Feature routes are passed in as `register` functions so this file never grows per feature.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../logger.js';

export type RegisterRoutes = (app: Express) => void;

/** `trustProxy`: express's "trust proxy" setting (TRUST_PROXY); false trusts no X-Forwarded-* header. */
export function createApp({ logger, routes, trustProxy = false }: { logger: Logger; routes: RegisterRoutes[]; trustProxy?: boolean | number | string }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  for (const register of routes) register(app);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'http.not_found', message: 'Not found' } });
  });
  // Express recognises error middleware by its four parameters.
  app.use((error: Error & { status?: number; code?: string; expose?: boolean }, req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    res.status(status).json({
      error:
        status >= 500
          ? { code: 'internal.error', message: 'Internal error' }
          : { code: error.code ?? 'http.bad_request', message: error.expose === false ? 'Bad request' : error.message },
    });
  });
  return app;
}
