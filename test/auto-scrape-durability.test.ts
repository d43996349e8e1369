import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';

const { History } = temporal.api.history.v1;
import { describe, expect, inject, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { WORKFLOWS_PATH } from '../src/worker.js';
import { getStateQuery, pauseSignal, syncSettingsSignal } from '../src/workflows/messages.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, settingsOf, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const db = useTestDatabase();
const temporalEnv = useTestTemporal();
const sources = useFixtureServer();
const HISTORIES = path.join(import.meta.dirname, 'fixtures', 'histories');

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The test database goes away for everyone: new connections refused, open ones cut. */
async function databaseDown() {
  await admin(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
}
const databaseUp = () => admin(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);


describe('durability', () => {
  it('with the database down, the status mirror keeps retrying and the status arrives once it is back', async () => {
    const config = testConfig();
    const userId = uniqueName('dbdown');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    const handle = await startAutoScrape(temporalEnv.env.client, config, { userId, settings: { intervalSeconds: 3600, enabled: true }, lastRunAt: new Date() });
    await withWorker(temporalEnv, db, config, async () => {
      await waitFor('the first mirror', async () => (await settingsOf(db.prisma, userId)).jobStatus === 'scheduled');
      await databaseDown();
      try {
        await handle.signal(pauseSignal);
        await waitFor('the mirror to fail and retry', async () => {
          const pending = (await handle.describe()).raw.pendingActivities ?? [];
          return pending.some((a) => a.activityType?.name === 'mirrorJobStatus' && (a.attempt ?? 0) >= 3);
        });
        expect((await handle.query(getStateQuery)).status).toBe('paused');
      } finally {
        await databaseUp();
      }
      const row = await waitFor('the status to arrive', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.jobStatus === 'paused' && r;
      });
      expect(row.nextRunAt).toBeNull();
    });
    await handle.terminate('test over');
  });

  it('continues as new at the threshold with its whole state, and no run is lost or repeated across the boundary', async () => {
    const config = testConfig({ CONTINUE_AS_NEW_AFTER_EVENTS: '40', SCRAPE_MAX_ATTEMPTS: '1', MAX_CONSECUTIVE_FAILURES: '1000' });
    const userId = uniqueName('can');
    const source = `/${userId}`;
    sources.setStatus(source, 500);
    await createUser(db.prisma, userId, [sources.url(source)], 1);
    const handle = await startAutoScrape(temporalEnv.env.client, config, { userId, settings: { intervalSeconds: 1, enabled: true } });
    const state = await withWorker(temporalEnv, db, config, async () => {
      await waitFor('two continue-as-new boundaries', async () => {
        let runs = 0;
        for await (const _ of temporalEnv.env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs++;
        return runs >= 3;
      }, 60_000);
      await handle.signal(syncSettingsSignal, { intervalSeconds: 2 });
      return waitFor('the settings change', async () => {
        const s = await handle.query(getStateQuery);
        return s.intervalSeconds === 2 && s;
      });
    });
    const described = await handle.describe();
    expect(described.runId).not.toBe(handle.firstExecutionRunId);
    // Failures kept counting across runs of the workflow: the count is the number of runs.
    expect(state.consecutiveFailures).toBe(state.runCount);
    expect(state.jobInstanceId).toBe(handle.firstExecutionRunId);
    const runs = await runsOf(db.prisma, userId);
    expect(runs.map((r) => r.runNumber)).toEqual(runs.map((_, i) => i + 1));
    expect(runs.length).toBeGreaterThanOrEqual(state.runCount - 1);
    expect(new Set(runs.map((r) => r.runKey.split(':')[0]))).toEqual(new Set([handle.firstExecutionRunId]));

    // Replay: every run of this job, and the recorded histories of earlier versions, replay without
    // non-determinism. A change that would break running workflows fails here.
    const histories: { workflowId: string; history: temporal.api.history.v1.IHistory }[] = [];
    for await (const wf of temporalEnv.env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
      histories.push({ workflowId: wf.workflowId, history: await temporalEnv.env.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory() });
    }
    if (process.env.RECORD_HISTORIES) {
      mkdirSync(HISTORIES, { recursive: true });
      const closed = histories.find((h) => h.history.events?.some((e) => e.workflowExecutionContinuedAsNewEventAttributes));
      writeFileSync(path.join(HISTORIES, `auto-scrape-${process.env.RECORD_HISTORIES}.binpb`), History.encode(History.fromObject(closed!.history)).finish());
    }
    await handle.terminate('test over');
    const recorded = readdirSync(HISTORIES)
      .filter((f) => f.endsWith('.binpb'))
      .map((f) => ({ workflowId: `recorded-${f}`, history: History.decode(readFileSync(path.join(HISTORIES, f))) }));
    expect(recorded.length).toBeGreaterThan(0);
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, [...histories, ...recorded])) results.push(result);
    expect(results.length).toBe(histories.length + recorded.length);
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error}`)).toEqual([]);
  });
});
