// A database of its own for each test file, cloned from the migrated template and dropped afterwards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPrisma, type Prisma } from '../../src/db/prisma.js';
import { dropDatabase, ensureDatabase } from '../../src/db/databases.js';
import { withDatabase } from '../../src/db/url.js';

export interface TestDatabase {
  url: string;
  name: string;
  prisma: Prisma;
}

export function useTestDatabase(): TestDatabase {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const db = { url: withDatabase(adminUrl, name), name } as TestDatabase;
  beforeAll(async () => {
    await ensureDatabase(adminUrl, name, inject('pgTemplate'));
    db.prisma = createPrisma(db.url);
  });
  afterAll(async () => {
    await db.prisma?.$disconnect();
    await dropDatabase(adminUrl, name);
  });
  return db;
}
