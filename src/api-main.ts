// The production status API (`npm run start:api`, the image's api command): reads an existing Postgres,
// reaches Temporal for live state and job commands, and listens on API_HOST:API_PORT; on SIGINT/SIGTERM
// it stops accepting, finishes in-flight requests and closes its connections.
//   --migrate   apply pending database migrations first
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from './api/app.js';
import { migrate } from './db/migrate.js';
import { createPrisma } from './db/prisma.js';
import { exitWith, requireSettings, runEntry, untilSignal } from './process-lifecycle.js';

exitWith(
  runEntry(
    async ({ config: loaded, log, cleanups }) => {
      const { values: flags } = parseArgs({ options: { migrate: { type: 'boolean', default: false } } });
      const config = requireSettings(loaded, ['DATABASE_URL', 'TEMPORAL_ADDRESS'], 'the production status API connects to an existing Postgres and Temporal server');
      if (flags.migrate) {
        const migrated = await migrate(config.DATABASE_URL);
        log.info({ applied: migrated.applied, alreadyApplied: migrated.alreadyApplied.length }, 'database migrated');
      }
      const prisma = createPrisma(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
      cleanups.push(() => prisma.$disconnect());
      // Lazy: status reads answer from the database, so the API starts (and stays up) while Temporal is
      // down; the connection is made on first use and readiness reports Temporal's state meanwhile.
      const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
      cleanups.push(() => connection.close());
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

      const app = await buildApp({ prisma, config, client, logger: log });
      await app.listen({ host: config.API_HOST, port: config.API_PORT });
      cleanups.push(() => app.close());
      const { port } = app.server.address() as AddressInfo;
      log.info({ url: `http://${config.API_HOST}:${port}` }, 'status API listening');
      return async () => {
        const signal = await untilSignal();
        log.info({ signal }, 'stopping the status API');
      };
    },
  ),
);
