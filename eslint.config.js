// Lint rules that keep the architecture honest: the core never touches an SDK, express or a driver;
// src/db knows no feature module; faq does not import bot; modules reach each other through their
// public file (index.ts). tests/architecture.test.ts adds what ESLint cannot see: no import cycle.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkPaths = {
  paths: [
    { name: 'telegraf', message: 'Only src/bot/adapters/telegram may import telegraf.' },
    { name: 'zca-js', message: 'Only src/bot/adapters/zalo may import zca-js.' },
    { name: 'express', message: 'Only *.routes.ts and src/web may import express.' },
    { name: 'postgres', message: 'Only src/db may import the database driver.' },
    { name: '@electric-sql/pglite', message: 'Only src/db may import the database driver.' },
  ],
  patterns: [{ group: ['telegraf/*', 'zca-js/*', '@electric-sql/pglite/*'], message: 'SDKs stay in adapters and src/db.' }],
};

/** Modules with a public file: from outside, only `<module>/index.js` may be imported. */
const publicFiles = ['units', 'privacy', 'handoff'].map((module) => ({
  group: [`**/${module}/*`, `**/${module}/**/*`, `!**/${module}/index.js`],
  message: `Import src/${module} through its public file, src/${module}/index.ts.`,
}));

const dbImportsNoFeature = {
  group: ['../bot/*', '../bot/**', '../faq/*', '../handoff/*', '../handoff/**', '../units/*', '../privacy/*', '../web/*', '../cli/*', '../bench/*', '../pipeline.assembly.js', '../main.js'],
  message: 'src/db knows no feature module: a module contributes what it needs (a state probe, its own repository).',
};

const faqImportsNoBot = { group: ['../bot/*', '../bot/**'], message: 'src/faq does not import src/bot (shared pieces live in src/shared).' };

/** One no-restricted-imports rule per group of files (a later flat-config entry replaces the rule, it does not merge). */
const restrict = ({ withSdk = false, patterns = [] } = {}) => ({
  'no-restricted-imports': ['error', { ...(withSdk ? { paths: sdkPaths.paths } : {}), patterns: [...publicFiles, ...(withSdk ? sdkPaths.patterns : []), ...patterns] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'src/db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  { files: ['src/**/*.ts'], rules: restrict() },
  {
    files: ['src/bot/core/**/*.ts', 'src/handoff/**/*.ts', 'src/units/**/*.ts', 'src/privacy/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['**/*.routes.ts'],
    rules: restrict({ withSdk: true }),
  },
  { files: ['src/faq/**/*.ts'], ignores: ['**/*.routes.ts'], rules: restrict({ withSdk: true, patterns: [faqImportsNoBot] }) },
  { files: ['src/db/**/*.ts'], rules: restrict({ patterns: [dbImportsNoFeature] }) },
  // Build scripts run on plain Node.
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
