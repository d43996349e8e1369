// The production worker (`npm run start:worker`, the image's worker command): connects to an existing
// Temporal server and Postgres, runs the prebuilt workflow bundle from `npm run build`, and drains on
// SIGINT/SIGTERM. Any number of them may share the task queue.
//   --migrate            apply pending database migrations first
//   --alive-file <path>  keep <path> fresh while the worker runs (the container's health check)
//   --from-source        bundle the workflows from src/ at start instead (development and chaos tests under tsx)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { keepFileFresh } from './alive-file.js';
import { migrate } from './db/migrate.js';
import { createPrisma } from './db/prisma.js';
import { ensureHealthCheckSchedule } from './health/schedule.js';
import { exitWith, requireSettings, runEntry } from './process-lifecycle.js';
import { connectToTemporal } from './temporal/connect.js';
import { installRuntime } from './temporal/runtime.js';
import { createWorker } from './worker.js';
import { WORKFLOW_BUNDLE_FILE } from './temporal/workflow-bundle.js';

const ALIVE_EVERY_MS = 10_000;

exitWith(
  runEntry(
    async ({ config: loaded, log, cleanups }) => {
      const { values: flags } = parseArgs({ options: { migrate: { type: 'boolean', default: false }, 'alive-file': { type: 'string' }, 'from-source': { type: 'boolean', default: false } } });
      const config = requireSettings(loaded, ['DATABASE_URL', 'TEMPORAL_ADDRESS'], 'the production worker connects to an existing Postgres and Temporal server');
      const bundlePath = path.join(path.dirname(fileURLToPath(import.meta.url)), WORKFLOW_BUNDLE_FILE);
      const fromSource = flags['from-source'];
      if (!fromSource && !existsSync(bundlePath)) throw new Error(`No workflow bundle at ${bundlePath}: run \`npm run build\` and start dist/worker-main.js.`);

      if (flags.migrate) {
        const migrated = await migrate(config.DATABASE_URL);
        log.info({ applied: migrated.applied, alreadyApplied: migrated.alreadyApplied.length }, 'database migrated');
      }
      const prisma = createPrisma(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
      cleanups.push(() => prisma.$disconnect());
      const connections = await connectToTemporal(config.TEMPORAL_ADDRESS);
      cleanups.push(() => connections.native.close(), () => connections.client.close());

      const client = new Client({ connection: connections.client, namespace: config.TEMPORAL_NAMESPACE });
      const worker = await createWorker({
        connection: connections.native,
        client,
        config,
        prisma,
        overrides: fromSource ? {} : { workflowsPath: undefined, workflowBundle: { codePath: bundlePath } },
      });
      // Every replica ensures it: idempotent, and the deployment reconciles as soon as any worker is up.
      await ensureHealthCheckSchedule(client, config);
      log.info({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
      return async () => {
        const running = worker.run();
        const aliveFile = flags['alive-file'];
        const stopAlive = aliveFile ? keepFileFresh(aliveFile, () => worker.getState() === 'RUNNING', ALIVE_EVERY_MS) : undefined;
        try {
          await running;
        } finally {
          stopAlive?.();
        }
      };
    },
    { installRuntime },
  ),
);
