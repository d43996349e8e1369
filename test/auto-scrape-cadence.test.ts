import { Connection, Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { autoScrapeWorkflowId, ENABLED_SEARCH_ATTRIBUTE, INTERVAL_SEARCH_ATTRIBUTE } from '../src/workflows/keys.js';
import { getStateQuery, runNowSignal, syncSettingsSignal } from '../src/workflows/messages.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, settingsOf, sleep, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();


describe('the per-user job keeps its cadence', () => {
  it('runs on its interval with no client connected, and mirrors each run into threat_settings', async () => {
    const config = testConfig();
    const userId = uniqueName('cadence');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 2);
    // Start through a connection of its own, then close it: nothing but the worker is left.
    const connection = await Connection.connect({ address: temporal.env.address });
    await startAutoScrape(new Client({ connection }), config, { userId, settings: { intervalSeconds: 2, enabled: true } });
    await connection.close();

    // Everything is read while the worker still runs: the mirror of the last run lands just after it.
    const { runs, row } = await withWorker(temporal, db, config, async () => {
      const finished = await waitFor('three finished runs', async () => {
        const r = (await runsOf(db.prisma, userId)).filter((x) => x.outcome === 'success');
        return r.length >= 3 && r;
      });
      const mirrored = await waitFor('the mirror of run 3', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.runCount >= 3 && r.jobStatus !== 'running' && r;
      });
      return { runs: finished, row: mirrored };
    });
    for (let i = 1; i < runs.length; i++) {
      // Each run starts one interval after the previous one started (the workflow's clock, a little after).
      expect(runs[i]!.startedAt.getTime() - runs[i - 1]!.startedAt.getTime()).toBeGreaterThanOrEqual(2000);
      expect(runs[i]!.scheduledAt.getTime()).toBe(runs[i - 1]!.startedAt.getTime() + 2000);
    }
    expect(row.jobStatus).toBe('completed');
    expect(row.consecutiveFailures).toBe(0);
    expect(row.lastRunAt).not.toBeNull();
    expect(row.nextRunAt!.getTime()).toBe(row.lastRunAt!.getTime() + 2000);
    expect(sources.hits(`/${userId}`).length).toBeGreaterThanOrEqual(3);
  });

  it('starting the same user twice gives one workflow', async () => {
    const config = testConfig();
    const userId = uniqueName('twice');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 60);
    const first = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 60, enabled: true } });
    const second = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 30, enabled: true } });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    const ids: string[] = [];
    for await (const wf of temporal.env.client.workflow.list({ query: `WorkflowId = '${autoScrapeWorkflowId(userId)}'` })) ids.push(wf.runId);
    expect(ids).toEqual([first.firstExecutionRunId]);
    await first.terminate('test over');
  });

  it('an interval change wakes the sleeping job and reschedules it from the last run', async () => {
    const config = testConfig();
    const userId = uniqueName('interval');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    const lastRunAt = new Date(Date.now() - 10_000);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 3600, enabled: true }, lastRunAt });
    await withWorker(temporal, db, config, async () => {
      const before = await waitFor('the job to be scheduled', async () => {
        const s = await handle.query(getStateQuery);
        return s.nextRunAt !== undefined && s;
      });
      expect(before.nextRunAt).toBe(lastRunAt.getTime() + 3600_000);
      // Last run was 10 s ago: with a 30 s interval the next run is due 20 s from now, not an hour.
      await handle.signal(syncSettingsSignal, { intervalSeconds: 30 });
      const after = await waitFor('the new due time', async () => {
        const s = await handle.query(getStateQuery);
        return s.intervalSeconds === 30 && s.nextRunAt !== before.nextRunAt && s;
      });
      expect(after.nextRunAt).toBe(lastRunAt.getTime() + 30_000);
      // The settings are visible to visibility queries, which is how the health check finds drift.
      await waitFor('the interval search attribute', async () => (await handle.describe()).typedSearchAttributes.get(INTERVAL_SEARCH_ATTRIBUTE) === 30);
      expect((await handle.describe()).typedSearchAttributes.get(ENABLED_SEARCH_ATTRIBUTE)).toBe(true);
      // Shrinking it below the time already waited makes the run happen now.
      await handle.signal(syncSettingsSignal, { intervalSeconds: 5 });
      await waitFor('a run right after the change', async () => (await runsOf(db.prisma, userId)).length === 1);
      const [run] = await runsOf(db.prisma, userId);
      expect(run!.scheduledAt.getTime()).toBeGreaterThanOrEqual(lastRunAt.getTime() + 5000);
      const row = await waitFor('the mirror', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.jobStatus === 'completed' && r;
      });
      expect(row.nextRunAt!.getTime()).toBe(row.lastRunAt!.getTime() + 5000);
      // The database row's settings are the user's: the mirror never writes them.
      expect(row.intervalSeconds).toBe(3600);
    });
    await handle.terminate('test over');
  });

  it('run-now runs a sleeping job at once, and the cadence continues from that run', async () => {
    const config = testConfig();
    const userId = uniqueName('runnow');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 3600, enabled: true }, lastRunAt: new Date() });
    await withWorker(temporal, db, config, async () => {
      await waitFor('the job to be scheduled', async () => (await handle.query(getStateQuery)).nextRunAt !== undefined);
      expect(await runsOf(db.prisma, userId)).toHaveLength(0);
      await handle.signal(runNowSignal);
      await waitFor('the run', async () => (await runsOf(db.prisma, userId)).some((r) => r.outcome === 'success'));
      const state = await waitFor('the next due time', async () => {
        const s = await handle.query(getStateQuery);
        return s.status === 'completed' && s;
      });
      expect(state.runNowRequested).toBe(false);
      expect(state.nextRunAt).toBe(state.lastRunAt! + 3600_000);
      expect(await runsOf(db.prisma, userId)).toHaveLength(1);
    });
    await handle.terminate('test over');
  });

  it('after the worker was down past a due time: exactly one catch-up run, then the normal cadence', async () => {
    const config = testConfig();
    const userId = uniqueName('catchup');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 2);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 2, enabled: true } });
    await withWorker(temporal, db, config, () => waitFor('the first run', async () => (await runsOf(db.prisma, userId)).some((r) => r.outcome === 'success')));
    const stoppedAt = Date.now();
    // Three due times pass with no worker.
    await sleep(7000);
    const restartedAt = Date.now();
    await withWorker(temporal, db, config, () =>
      waitFor('two runs after the restart', async () => (await runsOf(db.prisma, userId)).filter((r) => r.startedAt.getTime() > restartedAt && r.outcome === 'success').length >= 2),
    );
    const runs = await runsOf(db.prisma, userId);
    const during = runs.filter((r) => r.startedAt.getTime() > stoppedAt && r.startedAt.getTime() < restartedAt);
    expect(during).toEqual([]);
    const after = runs.filter((r) => r.startedAt.getTime() > restartedAt);
    // The missed slots collapse into one run: the second comes a full interval after the first.
    expect(after[1]!.startedAt.getTime() - after[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(2000);
    expect(after[1]!.scheduledAt.getTime()).toBe(after[0]!.startedAt.getTime() + 2000);
    // Run numbers have no gaps: nothing was lost or counted twice.
    expect(runs.map((r) => r.runNumber)).toEqual(runs.map((_, i) => i + 1));
    await handle.terminate('test over');
  });
});
