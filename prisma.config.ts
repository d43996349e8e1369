// Prisma 7 reads the connection URL from here rather than from schema.prisma.
// `prisma generate` needs no database; `prisma migrate deploy` (online machines) uses DATABASE_URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:54329/auto_scrape' },
});
