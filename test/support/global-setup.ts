// Once per `npm test`: the Temporal CLI (built on first use), a real Postgres, and a migrated template
// database that each test file clones into a database of its own.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { ensureTemporalCli } from '../../src/temporal/cli-binary.js';
import { migrate } from '../../src/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/postgres/embedded.js';
import { dropDatabase, ensureDatabase } from '../../src/db/databases.js';
import { freePort } from './ports.js';
import { withDatabase } from '../../src/db/url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliPath: string;
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const config = loadConfig();
  project.provide('temporalCliPath', await ensureTemporalCli(config));

  let embedded: EmbeddedPostgresHandle | undefined;
  let scratch: string | undefined;
  let adminUrl: string;
  if (config.DATABASE_URL) {
    adminUrl = config.DATABASE_URL;
  } else {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'auto-scrape-test-pg-'));
    chmodSync(scratch, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), port: await freePort(), persistent: false });
    adminUrl = embedded.adminUrl;
  }
  const template = `auto_scrape_template_${process.pid}`;
  await dropDatabase(adminUrl, template);
  await ensureDatabase(adminUrl, template);
  await migrate(withDatabase(adminUrl, template));
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    await dropDatabase(adminUrl, template).catch(() => undefined);
    await embedded?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
}
