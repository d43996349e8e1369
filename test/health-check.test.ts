import { describe, expect, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { ensureHealthCheckSchedule } from '../src/health/schedule.js';
import { healthCheckWorkflow } from '../src/workflows/health-check.js';
import { autoScrapeWorkflowId, HEALTH_CHECK_SCHEDULE_ID, INTERVAL_SEARCH_ATTRIBUTE } from '../src/workflows/keys.js';
import { getStateQuery } from '../src/workflows/messages.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();

const isRunning = async (userId: string) => {
  try {
    return (await temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).describe()).status.name === 'RUNNING';
  } catch {
    return false;
  }
};

describe('the health check', () => {
  it('starts missing jobs, resyncs drifted ones, pauses disabled ones, ends deleted ones, and survives a bad row', async () => {
    const config = testConfig({ HEALTH_CHECK_PAGE_SIZE: '2' });
    const user = (name: string) => uniqueName(name);
    const neverStarted = user('never');
    const terminated = user('terminated');
    const drifted = user('drifted');
    const disabled = user('disabled');
    const deleted = user('deleted');
    const badRow = user('bad');
    const stays = user('stays-off');
    for (const id of [neverStarted, terminated, drifted, disabled, deleted, badRow, stays]) await createUser(db.prisma, id, [sources.url(`/${id}`)], 3600);
    const start = (userId: string) => startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 3600, enabled: true }, lastRunAt: new Date() });
    await (await start(terminated)).terminate('stopped by hand');
    const driftedJob = await start(drifted);
    const disabledJob = await start(disabled);
    const deletedJob = await start(deleted);
    // The database changes behind the jobs' backs, as the app (or a person with psql) would do.
    await db.prisma.threatSettings.update({ where: { userId: drifted }, data: { intervalSeconds: 7200 } });
    await db.prisma.threatSettings.update({ where: { userId: disabled }, data: { enabled: false } });
    await db.prisma.threatSettings.update({ where: { userId: stays }, data: { enabled: false } });
    await db.prisma.threatSettings.update({ where: { userId: badRow }, data: { intervalSeconds: 0 } });
    await db.prisma.threatSettings.delete({ where: { userId: deleted } });

    await withWorker(temporal, db, config, async () => {
      // Visibility is eventually consistent: wait until the running jobs show there.
      await waitFor('visibility', async () => (await temporal.env.client.workflow.count(`WorkflowType = 'autoScrapeWorkflow' AND ExecutionStatus = 'Running'`)).count >= 3);
      const totals = await temporal.env.client.workflow.execute(healthCheckWorkflow, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: uniqueName('hc'), args: [{ pageSize: 2 }] });
      expect(totals.checked).toBe(6);
      expect(totals.started).toBe(2);
      expect(totals.resynced).toBe(1);
      expect(totals.stopped).toBe(2);
      expect(totals.errors).toEqual([{ userId: badRow, error: expect.stringMatching(/intervalSeconds must be between 1 and/) }]);

      expect(await isRunning(neverStarted)).toBe(true);
      expect(await isRunning(terminated)).toBe(true);
      expect(await isRunning(stays)).toBe(false);
      expect(await isRunning(badRow)).toBe(false);
      await waitFor('the drifted interval', async () => (await driftedJob.query(getStateQuery)).intervalSeconds === 7200);
      await waitFor('the disabled job to pause', async () => (await disabledJob.query(getStateQuery)).status === 'paused');
      expect((await deletedJob.describe()).status.name).toBe('TERMINATED');

      const report = await db.prisma.healthCheckReport.findFirstOrThrow({ orderBy: { id: 'desc' } });
      expect(report).toMatchObject({ checked: 6, started: 2, resynced: 1, stopped: 2, errorCount: 1 });
      expect(report.finishedAt).not.toBeNull();

      // A second pass right after finds nothing to do (once visibility has caught up).
      await waitFor('visibility of the fixes', async () => {
        const d = await driftedJob.describe();
        return d.typedSearchAttributes.get(INTERVAL_SEARCH_ATTRIBUTE) === 7200 && (await temporal.env.client.workflow.count(`WorkflowType = 'autoScrapeWorkflow' AND ExecutionStatus = 'Running'`)).count >= 4;
      });
      const again = await temporal.env.client.workflow.execute(healthCheckWorkflow, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: uniqueName('hc'), args: [{ pageSize: 100 }] });
      expect(again).toMatchObject({ checked: 6, started: 0, resynced: 0, stopped: 0 });
    });
    for (const id of [neverStarted, terminated, drifted, disabled]) await temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(id)).terminate('test over').catch(() => undefined);
  });

  it('its schedule is created once, runs every 5 minutes with overlap skip, and is triggered at start', async () => {
    const config = testConfig();
    await withWorker(temporal, db, config, async () => {
      const before = await db.prisma.healthCheckReport.count();
      await ensureHealthCheckSchedule(temporal.env.client, config);
      await ensureHealthCheckSchedule(temporal.env.client, config);
      const schedules = [];
      for await (const s of temporal.env.client.schedule.list()) schedules.push(s.scheduleId);
      expect(schedules.filter((id) => id === HEALTH_CHECK_SCHEDULE_ID)).toHaveLength(1);
      const described = await temporal.env.client.schedule.getHandle(HEALTH_CHECK_SCHEDULE_ID).describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 300_000 })]);
      expect(described.policies.overlap).toBe('SKIP');
      // Triggered at start: a pass ran and left its report without waiting five minutes.
      await waitFor('a triggered pass', async () => (await db.prisma.healthCheckReport.count({ where: { finishedAt: { not: null } } })) > before);
      await temporal.env.client.schedule.getHandle(HEALTH_CHECK_SCHEDULE_ID).delete();
    });
  });
});
