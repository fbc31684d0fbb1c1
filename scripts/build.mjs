// `npm run build`: a clean dist/ from src/ (tsc), plus the files the code finds next to itself
// through import.meta.url: the SQL migrations (src/db/client.ts) and the web chat's page (src/web/chat.routes.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}/dist`;
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}/tsconfig.build.json`], { stdio: 'inherit' });
cpSync(`${root}/src/db/migrations`, `${dist}/db/migrations`, { recursive: true });
cpSync(`${root}/src/web/public`, `${dist}/web/public`, { recursive: true });
writeFileSync(`${dist}/.built`, `${new Date().toISOString()}\n`);
console.log('built dist/');
