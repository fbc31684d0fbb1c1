/**
 * How the app's own static files are served: `Cache-Control: no-cache` with an ETag, so a browser
 * keeps its copy but asks every time (a 304 costs a few bytes) and sees a new chat.js or console.css
 * right after an upgrade, not an hour later.
 */
import type { ServeStaticOptions } from 'serve-static';

export const revalidatedAssets = {
  etag: true,
  lastModified: true,
  cacheControl: false,
  setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
} satisfies ServeStaticOptions;
