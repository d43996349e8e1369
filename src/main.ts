// `npm start`: everything on one machine. Postgres (embedded unless DATABASE_URL), migrations, the
// Temporal dev server (unless TEMPORAL_ADDRESS) with its Web UI, the worker and the status API; all
// stopped cleanly on Ctrl-C.
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { migrate } from './db/migrate.js';
import { createPrisma } from './db/prisma.js';
import { withDatabase } from './db/url.js';
import { startEmbeddedPostgres } from './postgres/embedded.js';
import { ensureDatabase } from './db/databases.js';
import { ensureTemporalCli } from './temporal/cli-binary.js';
import { connectToTemporal } from './temporal/connect.js';
import { startDevServer } from './temporal/dev-server.js';
import { installRuntime } from './temporal/runtime.js';
import { createWorker } from './worker.js';
import { buildApp } from './api/app.js';
import { ensureHealthCheckSchedule } from './health/schedule.js';
import { exitWith, runEntry, type Cleanup } from './process-lifecycle.js';

const APP_DATABASE = 'auto_scrape';

async function main(cleanups: Cleanup[], log: Logger, config: Config): Promise<{ worker: Worker }> {
  // The CLI first: it is the step that can take minutes, and the one most likely to need the user.
  const cliPath = config.TEMPORAL_ADDRESS ? undefined : await ensureTemporalCli(config, (line) => log.info(line));

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = path.join(config.DATA_DIR, 'postgres');
    log.info({ dataDir, port: config.EMBEDDED_PG_PORT }, 'starting the embedded Postgres');
    const pg = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_PG_PORT, persistent: true });
    cleanups.push(() => pg.stop());
    await ensureDatabase(pg.adminUrl, APP_DATABASE);
    databaseUrl = withDatabase(pg.adminUrl, APP_DATABASE);
  }
  const dbUrl = databaseUrl;
  // A connection failure to DATABASE_URL is put into words by the entry's error report.
  const migrated = await migrate(dbUrl);
  log.info({ applied: migrated.applied, alreadyApplied: migrated.alreadyApplied.length }, 'database migrated');
  const prisma = createPrisma(dbUrl, config.DATABASE_POOL_SIZE);
  cleanups.push(() => prisma.$disconnect());

  let address = config.TEMPORAL_ADDRESS;
  if (!address) {
    const dbFilename = path.join(config.DATA_DIR, 'temporal.db');
    let env: TestWorkflowEnvironment;
    try {
      env = await startDevServer({ cliPath: cliPath!, namespace: config.TEMPORAL_NAMESPACE, dbFilename, port: config.TEMPORAL_DEV_PORT, uiPort: config.TEMPORAL_UI_PORT });
    } catch (error) {
      throw new Error(
        `The Temporal dev server did not start on port ${config.TEMPORAL_DEV_PORT} (UI ${config.TEMPORAL_UI_PORT}): ${(error as Error).message.split('\n')[0]}. ` +
          'Another process may hold those ports: set TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to a running server.',
        { cause: error },
      );
    }
    cleanups.push(() => env.teardown());
    address = env.address;
    log.info({ address, webUi: `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, dbFilename }, 'Temporal dev server running');
  }
  const connections = await connectToTemporal(address);
  cleanups.push(() => connections.native.close(), () => connections.client.close());

  const temporalClient = new Client({ connection: connections.client, namespace: config.TEMPORAL_NAMESPACE });
  const worker = await createWorker({ connection: connections.native, client: temporalClient, config, prisma });
  await ensureHealthCheckSchedule(temporalClient, config);
  const app = buildApp({ prisma, config, client: temporalClient, logger: log });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  cleanups.push(() => app.close());
  log.info({ url: `http://${config.API_HOST}:${(app.server.address() as { port: number }).port}`, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'status API listening; worker running');
  return { worker };
}

exitWith(
  runEntry(
    async ({ config, log, cleanups }) => {
      const { worker } = await main(cleanups, log, config);
      return () => worker.run();
    },
    { installRuntime },
  ),
);
