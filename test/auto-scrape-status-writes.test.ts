// The job columns have two writers: the status mirror, and the scrape activity (a run's 'running' state
// and its success state, so a successful run needs no mirror activity). These tests hold both to the
// promise that the row always ends at the job's newest state, whatever order the writes land in.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { writeJobStatus } from '../src/activities/job-status-write.js';
import { createMirrorActivity } from '../src/activities/mirror.js';
import { createScrapeActivity } from '../src/activities/scrape.js';
import type { JobStatusSnapshot } from '../src/activities/types.js';
import { startAutoScrape } from '../src/client/jobs.js';
import { getStateQuery, syncSettingsSignal } from '../src/workflows/messages.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, settingsOf, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const { History } = temporal.api.history.v1;
const db = useTestDatabase();
const temporalEnv = useTestTemporal();
const sources = useFixtureServer();

function snapshot(userId: string, fields: Partial<JobStatusSnapshot>): JobStatusSnapshot {
  return { userId, status: 'completed', lastRunAt: Date.parse('2026-12-01T10:00:00Z'), nextRunAt: Date.parse('2026-12-01T11:00:00Z'), consecutiveFailures: 0, runCount: 5, ...fields };
}

async function activityCounts(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
  const counts: Record<string, number> = {};
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe('ordered status writes', () => {
  it('an older write of the same job never replaces a newer one; a new job instance starts its own order', async () => {
    const userId = uniqueName('order');
    await createUser(db.prisma, userId, [], 3600);
    expect(await writeJobStatus(db.prisma, snapshot(userId, { jobInstanceId: 'a', seq: 5 }))).toBe('written');
    expect(await writeJobStatus(db.prisma, snapshot(userId, { jobInstanceId: 'a', seq: 4, status: 'running', runCount: 4 }))).toBe('stale');
    let row = await settingsOf(db.prisma, userId);
    expect([row.jobStatus, row.runCount, row.jobSeq, row.jobInstanceId]).toEqual(['completed', 5, 5, 'a']);
    // A retried attempt writes its own sequence again.
    expect(await writeJobStatus(db.prisma, snapshot(userId, { jobInstanceId: 'a', seq: 5, status: 'failed' }))).toBe('written');
    expect(await writeJobStatus(db.prisma, snapshot(userId, { jobInstanceId: 'b', seq: 1, status: 'scheduled', runCount: 0 }))).toBe('written');
    row = await settingsOf(db.prisma, userId);
    expect([row.jobStatus, row.runCount, row.jobSeq, row.jobInstanceId]).toEqual(['scheduled', 0, 1, 'b']);
    // Writes from workflow code older than the ordering carry no sequence and are applied as they come.
    expect(await writeJobStatus(db.prisma, snapshot(userId, { status: 'paused' }))).toBe('written');
    row = await settingsOf(db.prisma, userId);
    expect([row.jobStatus, row.jobSeq, row.jobInstanceId]).toEqual(['paused', 1, 'b']);
    expect(await writeJobStatus(db.prisma, snapshot(uniqueName('nobody'), { jobInstanceId: 'a', seq: 1 }))).toBe('missing');
    expect(await writeJobStatus(db.prisma, snapshot(uniqueName('nobody'), {}))).toBe('missing');
  });

  it('a stale mirror write still records the runs it carries', async () => {
    const userId = uniqueName('stale-runs');
    await createUser(db.prisma, userId, [], 3600);
    await writeJobStatus(db.prisma, snapshot(userId, { jobInstanceId: 'a', seq: 9 }));
    const run = { runKey: `a:${userId}:3`, runNumber: 3, scheduledAt: Date.now() - 5000, startedAt: Date.now() - 4000, outcome: 'failure' as const, error: 'database was down' };
    const mirror = createMirrorActivity(db.prisma);
    expect(await mirror(snapshot(userId, { jobInstanceId: 'a', seq: 2, status: 'failed', unrecordedRuns: [run] }))).toBe(true);
    expect((await settingsOf(db.prisma, userId)).jobSeq).toBe(9);
    expect((await runsOf(db.prisma, userId)).map((r) => [r.runKey, r.outcome, r.error])).toEqual([[run.runKey, 'failure', 'database was down']]);
  });

  it("a late success from an abandoned attempt neither closes the newer attempt's run nor moves the job", async () => {
    const userId = uniqueName('zombie');
    await createUser(db.prisma, userId, [], 3600);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const activity = createScrapeActivity(db.prisma, async () => {
      if (calls++ === 0) await held;
      return { itemsSeen: 1, newItems: 1, sourcesTried: 1, sourcesFailed: 0, sourceErrors: [] };
    });
    const input = {
      userId,
      runKey: `z:${userId}:1`,
      runNumber: 1,
      scheduledAt: Date.now(),
      startedAt: Date.now(),
      statusOnStart: snapshot(userId, { jobInstanceId: 'z', seq: 1, status: 'running', runCount: 1, nextRunAt: undefined }),
      statusOnSuccess: snapshot(userId, { jobInstanceId: 'z', seq: 2, status: 'completed', runCount: 1, lastError: 'from attempt 1' }),
    };
    // Attempt 1 hangs (its timeout passed, as far as Temporal knows); attempt 2 runs and succeeds; then
    // attempt 1 comes back. Both carry the same sequence, so only the attempt check can stop it.
    const first = new MockActivityEnvironment({ attempt: 1 }).run(activity, input);
    await waitFor('attempt 1 to be scraping', async () => calls === 1 && (await runsOf(db.prisma, userId))[0]?.attempts === 1);
    await new MockActivityEnvironment({ attempt: 2 }).run(activity, { ...input, statusOnSuccess: { ...input.statusOnSuccess, lastError: 'from attempt 2' } });
    release();
    await first;
    const row = await settingsOf(db.prisma, userId);
    expect([row.jobStatus, row.lastError, row.jobSeq]).toEqual(['completed', 'from attempt 2', 2]);
    expect((await runsOf(db.prisma, userId)).map((r) => [r.attempts, r.outcome])).toEqual([[2, 'success']]);
  });
});

describe('a job writing its own status', () => {
  it("shows 'running' while it scrapes and its next due time after, with no mirror activity per successful run", async () => {
    const config = testConfig();
    const userId = uniqueName('own-status');
    // Three seconds leave a loaded machine room: a run that ends past its next due time is mirrored.
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3);
    const start = () =>
      startAutoScrape(temporalEnv.env.client, config, { userId, settings: { intervalSeconds: 3, enabled: true }, lastRunAt: new Date() });
    const handle = await withWorker(temporalEnv, db, config, async () => {
      // Started with the worker up and the first run due 3 s later: by then the job's first state has
      // been written and the mirror is idle, as it is before any run of a settled job.
      const handle = await start();
      await waitFor('the first state', async () => (await settingsOf(db.prisma, userId)).jobStatus === 'scheduled');
      sources.setDelay(800);
      try {
        const running = await waitFor('the running state', async () => {
          const r = await settingsOf(db.prisma, userId);
          return r.jobStatus === 'running' && r;
        });
        expect(running.runCount).toBe(1);
        expect(running.nextRunAt).toBeNull();
        // Written in the same commit as the job's 'running' state.
        expect((await runsOf(db.prisma, userId)).map((r) => [r.runNumber, r.outcome])).toEqual([[1, 'running']]);
      } finally {
        sources.setDelay(0);
      }
      await waitFor('two runs', async () => (await handle.query(getStateQuery)).runCount >= 2);
      const before = await activityCounts(handle);
      await waitFor('three more runs', async () => (await handle.query(getStateQuery)).runCount >= 5, 30_000);
      const after = await activityCounts(handle);
      expect(after.scrapeUser! - before.scrapeUser!).toBeGreaterThanOrEqual(3);
      expect(after.mirrorJobStatus ?? 0).toBe(before.mirrorJobStatus ?? 0);

      const row = await waitFor('the completed state', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.jobStatus === 'completed' && r;
      });
      expect(row.nextRunAt!.getTime() - row.lastRunAt!.getTime()).toBe(3000);
      expect([row.consecutiveFailures, row.lastError]).toEqual([0, null]);
      const runs = await runsOf(db.prisma, userId);
      expect(runs.filter((r) => r.runNumber <= row.runCount).every((r) => r.outcome === 'success')).toBe(true);
      return handle;
    });
    await handle.terminate('test over');
  });

  // The unchanged interval is the subtle one: the mirror's write during the run outranks the run's own
  // success write, and the state after the run looks exactly like what that write carried.
  it.each([
    { change: 'a new interval', intervalSeconds: 30 },
    { change: 'the same interval, as a routine sync sends', intervalSeconds: 10 },
  ])("a message during a run ($change) is not undone by the run's own success write", async ({ intervalSeconds }) => {
    const config = testConfig();
    const userId = uniqueName('mid-run');
    // A 10 s interval keeps the next run well away, so the row can only show this run ending.
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 10);
    const start = () =>
      startAutoScrape(temporalEnv.env.client, config, { userId, settings: { intervalSeconds: 10, enabled: true }, lastRunAt: new Date(Date.now() - 7000) });
    const handle = await withWorker(temporalEnv, db, config, async () => {
      // Started with the worker up and the first run due 3 s later: by then the job's first state has
      // been written and the mirror is idle, as it is before any run of a settled job.
      const handle = await start();
      await waitFor('the first state', async () => (await settingsOf(db.prisma, userId)).jobStatus === 'scheduled');
      sources.setDelay(1500);
      let runCount: number;
      try {
        runCount = (await waitFor('the running state', async () => {
          const r = await settingsOf(db.prisma, userId);
          return r.jobStatus === 'running' && r;
        })).runCount;
        await handle.signal(syncSettingsSignal, { intervalSeconds });
      } finally {
        sources.setDelay(0);
      }
      // That very run must show as ended, not only a later one.
      const row = await waitFor('the run to end', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.jobStatus === 'completed' && r.runCount === runCount && r;
      }, 10_000);
      expect(row.nextRunAt!.getTime() - row.lastRunAt!.getTime()).toBe(intervalSeconds * 1000);
      // The row holds the job's newest write, and nothing is left to write.
      const state = await handle.query(getStateQuery);
      expect(row.jobSeq).toBe(state.statusSeq);
      expect(row.runCount).toBe(state.runCount);

      // Recorded for the replay test: a job with successful runs and a message during one.
      if (process.env.RECORD_HISTORIES && intervalSeconds === 30) {
        const dir = path.join(import.meta.dirname, 'fixtures', 'histories');
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, `auto-scrape-${process.env.RECORD_HISTORIES}-success.binpb`), History.encode(History.fromObject(await handle.fetchHistory())).finish());
      }
      return handle;
    });
    await handle.terminate('test over');
  });
});
