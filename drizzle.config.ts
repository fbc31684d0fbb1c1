import { defineConfig } from 'drizzle-kit';

// drizzle-kit only reads the schema; it never connects. Migrations are committed and append-only.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/**/*.table.ts',
  out: './src/db/migrations',
});
