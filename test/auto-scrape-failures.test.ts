import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { getStateQuery, reEnableUpdate, syncSettingsSignal, updateSettingsUpdate } from '../src/workflows/messages.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, settingsOf, sleep, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();


async function failingUser(intervalSeconds: number) {
  const userId = uniqueName('fail');
  const path = `/${userId}`;
  sources.setStatus(path, 503);
  await createUser(db.prisma, userId, [sources.url(path)], intervalSeconds);
  return { userId, path };
}

describe('failed runs', () => {
  it('a failing scrape is tried 3 times with growing backoff, then counts as one failed run', async () => {
    const config = testConfig();
    const { userId, path } = await failingUser(3600);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 3600, enabled: true } });
    const state = await withWorker(temporal, db, config, () =>
      waitFor('the failed run', async () => {
        const s = await handle.query(getStateQuery);
        return s.status === 'failed' && s;
      }),
    );
    expect(state.consecutiveFailures).toBe(1);
    expect(state.lastError).toMatch(/503/);
    const hits = sources.hits(path);
    expect(hits).toHaveLength(3);
    // Initial retry interval 100 ms, coefficient 2: the second wait is at least twice the first's floor.
    expect(hits[1]! - hits[0]!).toBeGreaterThanOrEqual(100);
    expect(hits[2]! - hits[1]!).toBeGreaterThanOrEqual(200);
    const [run] = await runsOf(db.prisma, userId);
    expect(run).toMatchObject({ outcome: 'failure', attempts: 3, runNumber: 1 });
    expect(run!.error).toMatch(/503/);
    expect(run!.finishedAt).not.toBeNull();
    await handle.terminate('test over');
  });

  it('5 consecutive failed runs disable the job, in its state and in threat_settings, and scraping stops', async () => {
    const config = testConfig();
    const { userId, path } = await failingUser(1);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 1, enabled: true } });
    await withWorker(temporal, db, config, async () => {
      const state = await waitFor('the job to disable itself', async () => {
        const s = await handle.query(getStateQuery);
        return s.status === 'disabled_due_to_failures' && s;
      }, 60_000);
      expect(state.consecutiveFailures).toBe(5);
      expect(state.nextRunAt).toBeUndefined();
      const row = await waitFor('the mirror', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.jobStatus === 'disabled_due_to_failures' && r;
      });
      expect(row.consecutiveFailures).toBe(5);
      expect(row.nextRunAt).toBeNull();
      expect(row.lastError).toMatch(/503/);
      expect(row.enabled).toBe(true);
      const hitsAtDisable = sources.hits(path).length;
      expect(hitsAtDisable).toBe(15);
      // Several intervals later: not one more attempt. The health check's routine sync does not lift it either.
      await handle.signal(syncSettingsSignal, { enabled: true, intervalSeconds: 1 });
      await sleep(3500);
      expect(sources.hits(path)).toHaveLength(hitsAtDisable);
      expect((await handle.query(getStateQuery)).status).toBe('disabled_due_to_failures');
      expect((await runsOf(db.prisma, userId)).map((r) => r.outcome)).toEqual(Array(5).fill('failure'));
    });
    await handle.terminate('test over');
  });

  it('a success in between resets the count', async () => {
    const config = testConfig();
    const { userId, path } = await failingUser(1);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 1, enabled: true } });
    await withWorker(temporal, db, config, async () => {
      await waitFor('two failures', async () => (await handle.query(getStateQuery)).consecutiveFailures === 2, 30_000);
      sources.setStatus(path, 200);
      const ok = await waitFor('a success', async () => {
        const s = await handle.query(getStateQuery);
        return s.status === 'completed' && s;
      });
      expect(ok.consecutiveFailures).toBe(0);
      expect(ok.lastError).toBeUndefined();
      sources.setStatus(path, 503);
      // A failed run outlasts a 1 s interval, so the next one starts at once: look at the run, not the status.
      const again = await waitFor('the next failure', async () => {
        const s = await handle.query(getStateQuery);
        return s.lastRun?.outcome === 'failure' && s.lastRun.runNumber > ok.runCount && s;
      });
      expect(again.consecutiveFailures).toBe(1);
    });
    await handle.terminate('test over');
  });

  it('re-enable resets the count and resumes scraping', async () => {
    const config = testConfig({ MAX_CONSECUTIVE_FAILURES: '2' });
    const { userId, path } = await failingUser(1);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 1, enabled: true } });
    await withWorker(temporal, db, config, async () => {
      await waitFor('the lock-out', async () => (await handle.query(getStateQuery)).status === 'disabled_due_to_failures', 30_000);
      sources.setStatus(path, 200);
      const answer = await handle.executeUpdate(reEnableUpdate);
      expect(answer.consecutiveFailures).toBe(0);
      expect(answer.status).not.toBe('disabled_due_to_failures');
      await waitFor('a successful run after re-enable', async () => (await runsOf(db.prisma, userId)).some((r) => r.outcome === 'success'));
      const row = await waitFor('the mirror', async () => {
        const r = await settingsOf(db.prisma, userId);
        return r.jobStatus === 'completed' && r;
      });
      expect(row.consecutiveFailures).toBe(0);
      expect(row.lastError).toBeNull();
    });
    await handle.terminate('test over');
  });

  it('invalid settings are rejected with a clear error, change nothing and leave no trace in history', async () => {
    const config = testConfig({ INTERVAL_MIN_SECONDS: '60', DEFAULT_INTERVAL_SECONDS: '3600' });
    const userId = uniqueName('invalid');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 3600, enabled: true }, lastRunAt: new Date() });
    await withWorker(temporal, db, config, async () => {
      const cases: [unknown, RegExp][] = [
        [{ intervalSeconds: 0 }, /between 60 and 604800, got 0/],
        [{ intervalSeconds: -5 }, /between 60 and 604800, got -5/],
        [{ intervalSeconds: 'ten' }, /whole number of seconds, got "ten"/],
        [{ intervalSeconds: 1.5 }, /whole number of seconds/],
        [{ intervalSeconds: 10_000_000 }, /between 60 and 604800/],
        [{ enabled: 'yes' }, /enabled must be true or false/],
        [{ colour: 'red' }, /Unknown setting\(s\): colour/],
        [{}, /Nothing to change/],
      ];
      for (const [patch, message] of cases) {
        const error = await handle.executeUpdate(updateSettingsUpdate, { args: [patch as never] }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(message);
      }
      // A bad signal (which cannot be refused) is dropped, not applied.
      await handle.signal(syncSettingsSignal, { intervalSeconds: -1 });
      const accepted = await handle.executeUpdate(updateSettingsUpdate, { args: [{ intervalSeconds: 120 }] });
      expect(accepted.intervalSeconds).toBe(120);
      const state = await handle.query(getStateQuery);
      expect(state.intervalSeconds).toBe(120);
      expect(state.enabled).toBe(true);
    });
    const history = await handle.fetchHistory();
    const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const rejected = history.events!.filter((e) => e.workflowExecutionUpdateRejectedEventAttributes);
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(0);
    await handle.terminate('test over');
  });
});
