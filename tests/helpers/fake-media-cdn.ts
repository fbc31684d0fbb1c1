/**
 * A loopback stand-in for a platform's media CDN (Zalo's *.zdn.vn): serves the bytes registered for
 * a path, 404 for anything else, and can stall a path to exercise the download timeout. `fetcher`
 * is the REAL downloader (shared/download.ts) with the link's origin pointed here, so recorded
 * fixtures keep their real-looking links and nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadMedia, type MediaFetcher } from '../../src/shared/download.js';

export type FakeMediaCdn = {
  /** Serve `data` at the link's path. */
  serve(url: string, file: { data: Buffer; contentType: string }): void;
  /** The link's path answers headers and then never finishes its body. */
  stall(url: string): void;
  /** Paths requested, in order. */
  readonly requests: string[];
  fetcher(limits: { maxBytes: number; timeoutMs: number }): MediaFetcher;
  close(): Promise<void>;
};

export async function startFakeMediaCdn(): Promise<FakeMediaCdn> {
  const files = new Map<string, { data: Buffer; contentType: string }>();
  const stalled = new Set<string>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    if (stalled.has(path)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(16));
      return; // never ends
    }
    const file = files.get(path);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.data.length) }).end(file.data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };
  return {
    requests,
    serve: (url, file) => void files.set(pathOf(url), file),
    stall: (url) => void stalled.add(pathOf(url)),
    fetcher: ({ maxBytes, timeoutMs }) => ({ url }) => downloadMedia({ url: `${origin}${pathOf(url)}`, maxBytes, timeoutMs }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
