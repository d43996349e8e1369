import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { schemaDrift } from './support/schema-drift.js';
import { useTestDatabase } from './support/database.js';

const db = useTestDatabase();

async function exec(sql: string) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('schema.prisma and the migrations', () => {
  it('agree: every model, field, type, nullability, default, enum, index and foreign key matches', async () => {
    expect(await schemaDrift(db.url)).toEqual([]);
  });

  it('the comparison catches drift of each kind', async () => {
    await exec(`
      ALTER TABLE threat_settings ALTER COLUMN last_error SET NOT NULL;
      ALTER TABLE threat_sources DROP COLUMN etag;
      ALTER TABLE threat_items ALTER COLUMN title TYPE varchar(200);
      ALTER TABLE scrape_runs ADD COLUMN extra int;
      ALTER TYPE job_status ADD VALUE 'zombie';
      DROP INDEX threat_items_user_id_url_key;
      ALTER TABLE scrape_runs DROP CONSTRAINT scrape_runs_user_id_fkey;
    `);
    const problems = await schemaDrift(db.url);
    expect(problems).toEqual(
      expect.arrayContaining([
        'column threat_settings.last_error is NOT NULL in the database but optional in the schema',
        'column threat_sources.etag (ThreatSource.etag) is missing from the database',
        'column threat_items.title has type varchar in the database but text in the schema',
        'column scrape_runs.extra exists in the database but not in the schema',
        expect.stringMatching(/^enum job_status has values/),
        'unique index on threat_items(user_id,url) is missing from the database',
        'foreign key scrape_runs(user_id) → threat_settings(user_id) is missing from the database',
      ]),
    );
    expect(problems).toHaveLength(7);
  });
});
