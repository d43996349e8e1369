import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { startDevServer } from '../src/temporal/dev-server.js';
import { createWorker } from '../src/worker.js';
import { autoScrapeWorkflowId } from '../src/workflows/keys.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, sleep, testConfig, waitFor } from './support/jobs.js';
import { freePort } from './support/ports.js';
import './support/runtime.js';
import { uniqueName } from './support/temporal.js';

const db = useTestDatabase();
const sources = useFixtureServer();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'temporal-restart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function runWorkerOn(env: TestWorkflowEnvironment, config: ReturnType<typeof testConfig>, until: () => Promise<unknown>) {
  const connection = await NativeConnection.connect({ address: env.address });
  try {
    const worker = await createWorker({ connection, client: env.client, config, prisma: db.prisma });
    await worker.runUntil(until);
  } finally {
    await connection.close();
  }
}

describe('a dev server restart', () => {
  it('keeps the job (persistent database file) and its cadence', async () => {
    const config = testConfig();
    const userId = uniqueName('restart');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 2);
    const server = { cliPath: inject('temporalCliPath'), namespace: 'default', dbFilename: path.join(scratch, 'temporal.db'), port: await freePort() };

    let env = await startDevServer(server);
    const handle = await startAutoScrape(env.client, config, { userId, settings: { intervalSeconds: 2, enabled: true } });
    await runWorkerOn(env, config, () => waitFor('two runs', async () => (await runsOf(db.prisma, userId)).filter((r) => r.outcome === 'success').length >= 2));
    await env.teardown();
    const downAt = Date.now();
    await sleep(3000);

    env = await startDevServer(server);
    try {
      const again = env.client.workflow.getHandle(autoScrapeWorkflowId(userId));
      expect((await again.describe()).runId).toBe(handle.firstExecutionRunId);
      await runWorkerOn(env, config, () =>
        waitFor('two runs after the restart', async () => (await runsOf(db.prisma, userId)).filter((r) => r.startedAt.getTime() > downAt && r.outcome === 'success').length >= 2),
      );
      const runs = await runsOf(db.prisma, userId);
      expect(runs.map((r) => r.runNumber)).toEqual(runs.map((_, i) => i + 1));
      const after = runs.filter((r) => r.startedAt.getTime() > downAt);
      expect(after[1]!.startedAt.getTime() - after[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(2000);
      await again.terminate('test over');
    } finally {
      await env.teardown();
    }
  });
});
