/** drizzle-kit config: `pnpm db:generate` (drizzle-kit generate) writes SQL migrations to ./drizzle from the schema. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/db/schema.ts',
  out: './drizzle',
});
