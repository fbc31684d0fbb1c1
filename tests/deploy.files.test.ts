/**
 * The container recipe against what it runs: no Docker daemon or image registry is reachable in CI,
 * so the Dockerfile and compose.yaml are checked as text against package.json and the build.
 * (`docker compose config` validates compose.yaml where a compose client is installed.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const dockerfile = read('Dockerfile');
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => (line.startsWith('FROM ') ? [...acc, [line]] : (acc.at(-1)!.push(line), acc)), []);

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, as the non-root node user', () => {
    expect(stages).toHaveLength(2);
    const [build, run] = stages as [string[], string[]];
    expect(build).toContain('RUN npm ci --no-audit --no-fund');
    expect(build.some((l) => l.startsWith('RUN npm run build') && l.includes('npm prune --omit=dev'))).toBe(true);
    expect(run).toContain('USER node');
    expect(run.filter((l) => l.startsWith('COPY --from=build')).map((l) => l.split(' ')[2])).toEqual(['/app/package.json', '/app/node_modules', '/app/dist']);
  });

  it('runs exactly what `npm start` runs, and the build `npm run build` needs', () => {
    const cmd = instructions.find((l) => l.startsWith('CMD '))!;
    // `exec`: npm's shell (sh -c) becomes node, so the SIGTERM npm passes on reaches the bot itself
    // (without it the shell dies and node runs on, orphaned; tests/main.process.test.ts).
    expect(pkg.scripts.start).toBe('exec node dist/main.js');
    expect(JSON.parse(cmd.slice(4)).join(' ')).toBe(pkg.scripts.start!.replace(/^exec /, ''));
    expect(pkg.scripts.build).toBe('node scripts/build.mjs');
    // What the build reads is copied before it runs.
    const copied = stages[0]!.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(' ').slice(1, -1));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src']) expect(copied).toContain(needed);
    expect(existsSync(new URL('../tsconfig.build.json', import.meta.url))).toBe(true);
    // The runtime stage ships data/ next to dist/, where the code looks for it.
    expect(stages[1]).toContain('COPY data ./data');
  });

  it('checks /healthz and stops with SIGTERM (node is PID 1 and handles it)', () => {
    const check = instructions.find((l) => l.startsWith('HEALTHCHECK '))!;
    expect(check).toContain('/healthz');
    expect(instructions).toContain('STOPSIGNAL SIGTERM');
  });

  it('keeps uploads in the data volume and the detailed health report on the container\'s loopback', () => {
    const env = instructions.find((l) => l.startsWith('ENV '))!;
    expect(env).toMatch(/UPLOADS_DIR=\/data\/uploads/);
    expect(instructions).toContain('VOLUME ["/data"]');
    expect(env).toMatch(/HEALTH_PORT=\d+/);
    expect(env).not.toMatch(/HEALTH_HOST=/); // default 127.0.0.1: not published
  });

  it('leaves tsx and pino-pretty to development installs', () => {
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.dependencies).not.toHaveProperty('pino-pretty');
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('typescript');
  });

  it('keeps secrets, dependencies and builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', '.data', '.env']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, { image?: string; build?: string; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; volumes?: string[]; environment?: Record<string, string> }>;
    volumes: Record<string, unknown>;
  };

  it('runs the bot on PostgreSQL 16+, started once the database is healthy', () => {
    const { bot, db } = compose.services;
    expect(Number(/^postgres:(\d+)/.exec(db!.image!)?.[1])).toBeGreaterThanOrEqual(16);
    expect(db!.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(bot!.build).toBe('.');
    expect(bot!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(bot!.environment!.DATABASE_URL).toMatch(/^postgres:\/\/.*@db:5432\//);
  });

  it('keeps the database and the bot files in named volumes', () => {
    const named = (volumes: string[] = []) => volumes.map((v) => v.split(':')[0]);
    expect(named(compose.services.db!.volumes)).toEqual(['pgdata']);
    expect(named(compose.services.bot!.volumes)).toEqual(['botdata']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['botdata', 'pgdata']);
  });
});
