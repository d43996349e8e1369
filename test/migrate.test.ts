import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, MigrationError, readMigrations } from '../src/db/migrate.js';
import { dropDatabase, ensureDatabase } from '../src/db/databases.js';
import { withDatabase } from '../src/db/url.js';
import { schemaDrift } from './support/schema-drift.js';

const adminUrl = inject('pgAdminUrl');
const created: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `m_${randomBytes(5).toString('hex')}`;
  created.push(name);
  await ensureDatabase(adminUrl, name);
  return withDatabase(adminUrl, name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

afterAll(async () => {
  for (const name of created) await dropDatabase(adminUrl, name);
});

describe('the offline migration step', () => {
  it('applies every migration to an empty database and records it as Prisma does', async () => {
    const url = await emptyDatabase();
    const result = await migrate(url);
    const names = (await readMigrations()).map((m) => m.name);
    expect(result.applied).toEqual(names);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const file = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await schemaDrift(url)).toEqual([]);
  });

  it('is idempotent: a second run applies nothing', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const rows = await query<{ count: string }>(url, 'SELECT count(*) FROM _prisma_migrations');
    expect(Number(rows[0]?.count)).toBe(again.alreadyApplied.length);
  });

  it('two concurrent runs apply each migration once', async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual((await readMigrations()).map((m) => m.name).sort());
  });

  it('refuses a migration edited after it was applied, and changes nothing', async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await migrate(url, dir);
    const [first] = await readMigrations(dir);
    writeFileSync(path.join(dir, first!.name, 'migration.sql'), `${first!.sql}\n-- edited\n`);
    await expect(migrate(url, dir)).rejects.toThrow(/was edited after it was applied/);
  });

  it('rolls a failing migration back whole, records nothing, and says which one failed', async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    const broken = path.join(dir, '99990101000000_broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');
    const failure = await migrate(url, dir).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toMatch(/99990101000000_broken failed and was rolled back: .*no_such_table/);
    expect(await query(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'")).toEqual([]);
    expect(await query(url, "SELECT 1 FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'")).toEqual([]);
  });
});
