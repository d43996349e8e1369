// Settings change and run-now through the status API reach the real workflow (a Temporal dev server
// and a worker), and the database changes with them; live status reads come from the workflow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../src/jobs/service.js';
import { autoScrapeWorkflowId } from '../src/workflows/keys.js';
import { getStateQuery } from '../src/workflows/messages.js';
import { apiConfig, apiHarness, OPERATOR_TOKEN, userWithToken, type ApiHarness } from './support/api.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { runsOf, settingsOf, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();
const config = apiConfig();
let api: ApiHarness;

beforeAll(() => {
  api = apiHarness({ prisma: db.prisma, client: temporal.env.client, config });
});
afterAll(() => api?.close());

async function newUser(prefix: string, intervalSeconds = 3600): Promise<{ userId: string; token: string }> {
  const userId = uniqueName(prefix);
  const token = await userWithToken({ prisma: db.prisma, config }, { userId, intervalSeconds, keywords: ['advisory'], sources: [{ url: sources.url(`/${userId}`), kind: 'rss' }] });
  return { userId, token };
}

const stateOf = (userId: string) => temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).query(getStateQuery);
const terminate = (userId: string) => temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).terminate('test over');

describe('changes through the API reach the workflow', () => {
  it('PATCH settings: the database changes, the running workflow reschedules, and pausing pauses it', async () => {
    const { userId, token } = await newUser('patch');
    // A job that ran just now, so it sleeps for the whole hour unless told otherwise.
    await db.prisma.threatSettings.update({ where: { userId }, data: { lastRunAt: new Date() } });
    await startJob({ prisma: db.prisma, config, client: temporal.env.client }, userId);
    await withWorker(temporal, db, config, async () => {
      const before = await waitFor('the job to be scheduled', async () => {
        const s = await stateOf(userId);
        return s.nextRunAt !== undefined && s;
      });
      const response = await api.call('PATCH', `/jobs/${userId}/settings`, token, { intervalSeconds: 1800 });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ userId, settings: { intervalSeconds: 1800, enabled: true }, delivery: 'signalled' });
      expect((await settingsOf(db.prisma, userId)).intervalSeconds).toBe(1800);
      const after = await waitFor('the workflow to take the new interval', async () => {
        const s = await stateOf(userId);
        return s.intervalSeconds === 1800 && s;
      });
      expect(after.nextRunAt).toBe(before.lastRunAt! + 1800_000);

      const pause = await api.call('PATCH', `/jobs/${userId}/settings`, token, { enabled: false });
      expect(pause.statusCode).toBe(200);
      expect((await settingsOf(db.prisma, userId)).enabled).toBe(false);
      const paused = await waitFor('the workflow to pause', async () => {
        const s = await stateOf(userId);
        return s.status === 'paused' && s;
      });
      expect(paused.enabled).toBe(false);
      // The mirror reports it back into the row the API reads.
      await waitFor('the paused status in the database', async () => (await settingsOf(db.prisma, userId)).jobStatus === 'paused');
      const status = (await api.call('GET', `/jobs/${userId}`, token)).json();
      expect(status).toMatchObject({ enabled: false, intervalSeconds: 1800, status: 'paused' });
    });
    await terminate(userId);
  });

  it('PATCH settings for a job that is not running starts it with the new settings', async () => {
    const { userId } = await newUser('notrunning');
    const response = await api.call('PATCH', `/jobs/${userId}/settings`, OPERATOR_TOKEN, { intervalSeconds: 7200 });
    expect(response.statusCode).toBe(200);
    expect(response.json().delivery).toBe('started');
    const description = await temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).describe();
    expect(description.status.name).toBe('RUNNING');
    await withWorker(temporal, db, config, async () => {
      const state = await waitFor('the started job to report', async () => {
        const s = await stateOf(userId);
        return s.intervalSeconds === 7200 && s;
      });
      expect(state.enabled).toBe(true);
    });
    await terminate(userId);
  });

  it('run-now: the sleeping workflow runs at once and the run lands in the database and the status', async () => {
    const { userId, token } = await newUser('runnow');
    await db.prisma.threatSettings.update({ where: { userId }, data: { lastRunAt: new Date() } });
    await startJob({ prisma: db.prisma, config, client: temporal.env.client }, userId);
    await withWorker(temporal, db, config, async () => {
      await waitFor('the job to be scheduled', async () => (await stateOf(userId)).nextRunAt !== undefined);
      expect(await runsOf(db.prisma, userId)).toHaveLength(0);
      const response = await api.call('POST', `/jobs/${userId}/run-now`, token);
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ userId, delivery: 'signalled' });
      await waitFor('the run', async () => (await runsOf(db.prisma, userId)).some((r) => r.outcome === 'success'));
      const state = await waitFor('the workflow to count the run', async () => {
        const s = await stateOf(userId);
        return s.runCount === 1 && s.status === 'completed' && s;
      });
      expect(state.runNowRequested).toBe(false);
      // The 'running' mirror already carries runCount 1; wait for the one written after the run.
      await waitFor('the mirror', async () => {
        const row = await settingsOf(db.prisma, userId);
        return row.runCount === 1 && row.jobStatus === 'completed';
      });

      const status = (await api.call('GET', `/jobs/${userId}?live=true`, token)).json();
      expect(status).toMatchObject({ status: 'completed', runCount: 1 });
      expect(status.recentRuns).toHaveLength(1);
      expect(status.recentRuns[0]).toMatchObject({ runNumber: 1, outcome: 'success' });
      expect(status.recentItems.map((i: { title: string }) => i.title)).toEqual(['Advisory']);
      expect(status.live).toMatchObject({ status: 'completed', runCount: 1, intervalSeconds: 3600 });
      expect(status).not.toHaveProperty('liveError');
    });
    await terminate(userId);
  });

  it('run-now for a job that is not running starts it and it runs', async () => {
    const { userId, token } = await newUser('runnow-start');
    const response = await api.call('POST', `/jobs/${userId}/run-now`, token);
    expect(response.statusCode).toBe(202);
    expect(response.json().delivery).toBe('started');
    await withWorker(temporal, db, config, () => waitFor('the run', async () => (await runsOf(db.prisma, userId)).some((r) => r.outcome === 'success')));
    await terminate(userId);
  });
});

describe('reads never need the worker', () => {
  it('with no worker polling, a live status read still answers 200 from the database and says why live is missing', async () => {
    const { userId, token } = await newUser('noworker');
    await startJob({ prisma: db.prisma, config, client: temporal.env.client }, userId);
    const response = await api.call('GET', `/jobs/${userId}?live=true`, token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ userId, intervalSeconds: 3600 });
    expect(response.json()).not.toHaveProperty('live');
    expect(typeof response.json().liveError).toBe('string');
    await terminate(userId);
  });

  it('with the Temporal client absent, status reads answer 200 and changes are stored for the health check', async () => {
    const { userId, token } = await newUser('noclient');
    const offline = apiHarness({ prisma: db.prisma, config });
    try {
      expect((await offline.call('GET', `/jobs/${userId}`, token)).statusCode).toBe(200);
      const patch = await offline.call('PATCH', `/jobs/${userId}/settings`, token, { intervalSeconds: 600 });
      expect(patch.statusCode).toBe(202);
      expect(patch.json().delivery).toBe('temporal_unavailable');
      expect((await settingsOf(db.prisma, userId)).intervalSeconds).toBe(600);
    } finally {
      await offline.close();
    }
  });

  it('/readyz checks the real Temporal server through the client', async () => {
    const response = await api.call('GET', '/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ready: true, checks: { postgres: 'ok', temporal: 'ok' } });
  });
});
