// Lint rules that keep the architecture honest: the core never touches an SDK, express or a driver.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkImports = {
  paths: [
    { name: 'telegraf', message: 'Only src/bot/adapters/telegram may import telegraf.' },
    { name: 'zca-js', message: 'Only src/bot/adapters/zalo may import zca-js.' },
    { name: 'express', message: 'Only *.routes.ts and src/web may import express.' },
    { name: 'postgres', message: 'Only src/db may import the database driver.' },
    { name: '@electric-sql/pglite', message: 'Only src/db may import the database driver.' },
  ],
  patterns: [
    { group: ['telegraf/*', 'zca-js/*', '@electric-sql/pglite/*'], message: 'SDKs stay in adapters and src/db.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'src/db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/bot/core/**/*.ts', 'src/faq/**/*.ts', 'src/handoff/**/*.ts'],
    ignores: ['**/*.routes.ts'],
    rules: { 'no-restricted-imports': ['error', sdkImports] },
  },
);
