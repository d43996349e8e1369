// The Temporal dev server, then Postgres, restarted under load. Jobs must come through both.
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startAutoScrape } from '../../src/client/jobs.js';
import { ensureDatabase } from '../../src/db/databases.js';
import { migrate } from '../../src/db/migrate.js';
import { createPrisma } from '../../src/db/prisma.js';
import { withDatabase } from '../../src/db/url.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/postgres/embedded.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { autoScrapeWorkflowId } from '../../src/workflows/keys.js';
import { getStateQuery, pauseSignal } from '../../src/workflows/messages.js';
import { useTestDatabase } from '../support/database.js';
import { useFixtureServer } from '../support/fixture-server.js';
import { settingsOf, sleep, testConfig, testEnv, waitFor } from '../support/jobs.js';
import { freePort } from '../support/ports.js';
import { uniqueName } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const sources = useFixtureServer();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'chaos-restart-'));
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Prisma = ReturnType<typeof createPrisma>;

async function createUsers(prisma: Prisma, count: number, interval: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${uniqueName('u')}-${i}`);
  for (const userId of ids) {
    await prisma.threatSettings.create({ data: { userId, intervalSeconds: interval, keywords: ['advisory'], sources: { create: [{ url: sources.url(`/${userId}`), kind: 'rss' }] } } });
  }
  return ids;
}

/** Run numbers of every user are 1..n with no gap, and each has a run after `after`. */
async function checkRuns(prisma: Prisma, userIds: string[], after: number): Promise<string[]> {
  const problems: string[] = [];
  for (const userId of userIds) {
    const runs = await prisma.scrapeRun.findMany({ where: { userId }, orderBy: { runNumber: 'asc' } });
    if (runs.map((r) => r.runNumber).join() !== runs.map((_, i) => i + 1).join()) problems.push(`${userId}: run numbers ${runs.map((r) => r.runNumber)}`);
    if (!runs.some((r) => r.startedAt.getTime() > after && r.outcome === 'success')) problems.push(`${userId}: no successful run after the restart`);
  }
  return problems;
}

describe('restarts under load', () => {
  const db = useTestDatabase();

  it('the Temporal dev server restarted (persistent database file): no job lost, cadence resumes', async () => {
    const server = { cliPath: inject('temporalCliPath'), namespace: 'default', dbFilename: path.join(scratch, 'temporal.db'), port: await freePort() };
    let env = await startDevServer(server);
    const workerEnv = testEnv({ DATABASE_URL: db.url, TEMPORAL_ADDRESS: env.address, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, SCRAPE_RETRY_MAX_INTERVAL_MS: '2000' });
    const config = testConfig(workerEnv);
    const userIds = await createUsers(db.prisma, 100, 5);
    const worker = await startWorkerProcess(workerEnv);
    try {
      for (const userId of userIds) await startAutoScrape(env.client, config, { userId, settings: { intervalSeconds: 5, enabled: true } });
      await sleep(12_000);
      await env.teardown();
      await sleep(5_000);
      env = await startDevServer(server);
      const restartedAt = Date.now();
      // The same worker process reconnects by itself.
      await waitFor('every job running again after the restart', async () => (await checkRuns(db.prisma, userIds, restartedAt)).length === 0, 90_000);
      for (const userId of userIds.slice(0, 5)) expect((await env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).describe()).status.name).toBe('RUNNING');
      worker.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(await checkRuns(db.prisma, userIds, restartedAt)).toEqual([]);
    } finally {
      worker.kill('SIGKILL');
      await env.teardown();
    }
  });

  it('Postgres restarted: status mirrors and scrape results arrive once it is back, nothing lost', async () => {
    const temporal = await startDevServer({ cliPath: inject('temporalCliPath'), namespace: 'default' });
    const port = await freePort();
    const dataDir = path.join(scratch, 'pg');
    let pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    await ensureDatabase(pg.adminUrl, 'app');
    const url = withDatabase(pg.adminUrl, 'app');
    await migrate(url);
    const prisma = createPrisma(url);
    const workerEnv = testEnv({ DATABASE_URL: url, TEMPORAL_ADDRESS: temporal.address, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, SCRAPE_RETRY_MAX_INTERVAL_MS: '2000' });
    const config = testConfig(workerEnv);
    const userIds = await createUsers(prisma, 50, 3);
    const worker = await startWorkerProcess(workerEnv);
    try {
      for (const userId of userIds) await startAutoScrape(temporal.client, config, { userId, settings: { intervalSeconds: 3, enabled: true } });
      await sleep(10_000);
      await pg.stop();
      await sleep(8_000);
      pg = await startEmbeddedPostgres({ dataDir, port, persistent: true });
      const backAt = Date.now();
      // Every run the workflow counted has its row, and the mirror caught up with the workflow's own state.
      let workerExit: number | string | undefined;
      void worker.exited.then((code) => (workerExit = code));
      // Let the jobs run on the restored database, then pause them all so the totals stop moving.
      await waitFor('runs after the restart', async () => (await checkRuns(prisma, userIds, backAt)).length === 0, 90_000).catch(async (e: unknown) => {
        throw new Error(`${(e as Error).message}: ${(await checkRuns(prisma, userIds, backAt)).slice(0, 5).join('; ')}\n${worker.output().slice(-2000)}`);
      });
      for (const userId of userIds) await temporal.client.workflow.getHandle(autoScrapeWorkflowId(userId)).signal(pauseSignal);
      // Every run the workflow counted has its finished row, and the mirror caught up with the workflow's own state.
      await waitFor('mirrors and rows to catch up', async () => {
        if (workerExit !== undefined) throw new Error(`the worker process died (${workerExit}):\n${worker.output().slice(-3000)}`);
        for (const userId of userIds) {
          const state = await temporal.client.workflow.getHandle(autoScrapeWorkflowId(userId)).query(getStateQuery);
          if (state.status !== 'paused') return false;
          const row = await settingsOf(prisma, userId);
          const finished = await prisma.scrapeRun.count({ where: { userId, outcome: { not: 'running' } } });
          if (row.jobStatus !== 'paused' || row.runCount !== state.runCount || finished !== state.runCount) return false;
        }
        return true;
      }, 60_000);
      expect(await checkRuns(prisma, userIds, backAt)).toEqual([]);
      const failed = await prisma.scrapeRun.count({ where: { outcome: 'failure' } });
      console.log(`chaos(postgres restart): ${userIds.length} users, ${await prisma.scrapeRun.count()} runs, ${failed} failed while the database was down`);
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
      await prisma.$disconnect();
      await pg.stop();
      await temporal.teardown();
    }
  });
});

