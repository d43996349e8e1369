// The worker as people run it: its own process, its Prometheus endpoint, and SIGTERM mid-scrape.
import { describe, expect, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, testConfig, testEnv, waitFor } from './support/jobs.js';
import { freePort } from './support/ports.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { startWorkerProcess } from './support/worker-process.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();

describe('a worker process', () => {
  it('exports scheduling lag and scrape metrics, and on SIGTERM lets the in-flight scrape finish before exiting 0', async () => {
    const metrics = `127.0.0.1:${await freePort()}`;
    const env = testEnv({ DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporal.env.address, WORKER_METRICS_ADDRESS: metrics, WORKER_SHUTDOWN_GRACE_MS: '20000' });
    const config = testConfig(env);
    const userId = uniqueName('proc');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 2);
    const worker = await startWorkerProcess(env);
    try {
      await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 2, enabled: true } });
      await waitFor('two runs', async () => (await runsOf(db.prisma, userId)).filter((r) => r.outcome === 'success').length >= 2);

      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      expect(text).toMatch(/^auto_scrape_scheduling_lag_bucket\{.*le="1000".*\} \d+/m);
      expect(text).toMatch(/^auto_scrape_scheduling_lag_count\{.*\} [1-9]\d*/m);
      expect(text).toMatch(/^auto_scrape_attempts\w*\{.*outcome="success".*\} [1-9]\d*/m);
      expect(text).toMatch(/^auto_scrape_duration_bucket\{/m);
      // The SDK's own metrics come through the same endpoint.
      expect(text).toMatch(/^temporal_\w+/m);

      // The next scrape hangs on a slow source; SIGTERM arrives while it is in flight.
      sources.setDelay(4000);
      const before = (await runsOf(db.prisma, userId)).length;
      await waitFor('a scrape in flight', async () => (await runsOf(db.prisma, userId)).some((r) => r.runNumber > before && r.outcome === 'running'));
      worker.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      const last = (await runsOf(db.prisma, userId)).at(-1)!;
      expect(last).toMatchObject({ outcome: 'success', attempts: 1 });
      expect(worker.output()).not.toMatch(/"level":50/);
    } finally {
      sources.setDelay(0);
      worker.kill('SIGKILL');
    }
  });
});
