/**
 * Console benchmark: server time of the console's pages, measured over HTTP on a signed-in session
 * (session check, queries, rendering), with 60 entries (the catalogue plus synthetic copies) and
 * 1,000 revisions (300 of them on the entry whose history is opened). Target: p95 ≤ 200 ms per page.
 * Runs on in-memory PGlite, as `npm start` does by default.
 */
import type { AddressInfo } from 'node:net';
import { createConsoleDeps } from '../console/console.assembly.js';
import { registerConsoleRoutes } from '../console/console.routes.js';
import { createDatabase } from '../db/client.js';
import { loadCatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEditing } from '../faq/faq.editing.js';
import { createFaqEngine } from '../faq/faq.engine.js';
import { createFaqRepository } from '../faq/faq.repository.js';
import type { FaqEntry } from '../faq/faq.types.js';
import { syncUnitsFromData } from '../units/index.js';
import { createLogger } from '../logger.js';
import { createApp } from '../web/app.js';

const ENTRIES = 60;
const REVISIONS = 1_000;
const ROUNDS = 60;
const TARGET_P95_MS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function runConsoleBench({ dataDir = 'data' }: { dataDir?: string } = {}) {
  const logger = createLogger({ level: 'silent' });
  const database = await createDatabase({ pgliteDataDir: 'memory://' });
  try {
    const catalogue = loadCatalogueFiles({ dataDir });
    await syncUnitsFromData({ db: database.db, dataDir });
    const faq = createFaqRepository({ db: database.db });
    const editing = createFaqEditing({ db: database.db });
    const synthetic: FaqEntry[] = [];
    for (let i = 0; synthetic.length + catalogue.entries.length < ENTRIES; i += 1) {
      const base = catalogue.entries[i % catalogue.entries.length]!;
      synthetic.push({ ...base, id: `${base.id}-ban-sao-${i}`, title: `${base.title} (bản sao ${i})` });
    }
    await faq.seed({ entries: [...catalogue.entries, ...synthetic] });
    // 1,000 revisions: 300 on the entry whose history is opened, the rest spread over the others.
    const all = [...catalogue.entries, ...synthetic];
    const hot = catalogue.entries.find((e) => e.id === 'gio-lam-viec') ?? all[0]!;
    let revisions = all.length;
    for (let i = 0; revisions < REVISIONS; i += 1) {
      const entry = i < 300 ? hot : all[i % all.length]!;
      await editing.saveDraft({ entry: { ...entry, summary: `${entry.summary} (sửa lần ${i})` }, author: 'bench' });
      if (i % 3 === 0) await editing.publish({ entryId: entry.id, author: 'bench' });
      revisions += 1;
    }
    const engine = createFaqEngine({ ...catalogue, entries: (await faq.listPublished()).entries });
    const deps = createConsoleDeps({ db: database.db, engine, catalogue, logger });
    await deps.accounts.addAccount({ username: 'bench', password: 'mat-khau-thu-2026', role: 'province' });
    const app = createApp({ logger, routes: [(a) => registerConsoleRoutes({ app: a, deps })] });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cookie = await signIn(base);
      const pages = [
        { name: 'list', path: '/admin' },
        { name: 'list, search + filter', path: '/admin?q=gio+lam+viec&status=published' },
        { name: 'editor', path: `/admin/entries/${hot.id}` },
        { name: 'history diff (300 revisions)', path: `/admin/entries/${hot.id}/history?a=1&b=300` },
        { name: 'try a question', path: `/admin/try?q=${encodeURIComponent('thứ bảy có làm việc không')}` },
        { name: 'audit log', path: '/admin/audit' },
      ];
      console.log(`Console pages, ${all.length} entries, ${revisions} revisions, ${ROUNDS} requests each (PGlite, signed in):`);
      const results = [];
      for (const page of pages) {
        for (let i = 0; i < 3; i += 1) await fetchPage(base, page.path, cookie); // warm-up
        const times: number[] = [];
        for (let i = 0; i < ROUNDS; i += 1) times.push(await fetchPage(base, page.path, cookie));
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 50);
        const p95 = percentile(times, 95);
        results.push({ page: page.name, p50, p95 });
        console.log(`  ${page.name.padEnd(30)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   ${p95 <= TARGET_P95_MS ? 'ok' : 'OVER'} (target p95 ≤ ${TARGET_P95_MS} ms)`);
      }
      return { entries: all.length, revisions, results };
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  } finally {
    await database.close();
  }
}

export async function signIn(base: string, username = 'bench'): Promise<string> {
  const login = await fetch(`${base}/admin/login`);
  const loginCookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_login" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    body: new URLSearchParams({ _login: token, username, password: 'mat-khau-thu-2026' }).toString(),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('mc_admin='));
  if (!session) throw new Error(`bench sign-in failed: ${res.status}`);
  return session.split(';')[0]!;
}

export async function fetchPage(base: string, path: string, cookie: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  const body = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200 || body.length < 500) throw new Error(`${path} answered ${res.status}`);
  return ms;
}
