// `npm start`'s prestart: builds dist/ when it is missing or older than a source file, so
// `npm install && npm start` stays the one command. A container runs `node dist/main.js` directly.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}/dist/.built`;

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => `${root}/${p}`);
const stale = !existsSync(stamp) || !existsSync(`${root}/dist/main.js`) || Math.max(...sources.map(newest)) > statSync(stamp).mtimeMs;
if (stale) execFileSync(process.execPath, [`${root}/scripts/build.mjs`], { stdio: 'inherit' });
