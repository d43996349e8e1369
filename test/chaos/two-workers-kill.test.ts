// Two worker processes share the task queue; one is killed with SIGKILL in the middle of scrapes.
import { describe, expect, it } from 'vitest';
import { startAutoScrape } from '../../src/client/jobs.js';
import { useTestDatabase } from '../support/database.js';
import { useFixtureServer } from '../support/fixture-server.js';
import { sleep, testConfig, testEnv } from '../support/jobs.js';
import { freePort } from '../support/ports.js';
import { uniqueName, useTestTemporal } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();

const USERS = 200;
const INTERVAL = 10;

describe('two workers, one killed with SIGKILL mid-scrape', () => {
  it('every due slot runs, none is lost, none completes twice', async () => {
    sources.setDelay(400);
    const env = testEnv({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporal.env.address,
      // A killed worker's attempts are noticed by the missing heartbeat, then retried on the survivor.
      SCRAPE_HEARTBEAT_MS: '3000',
      SCRAPE_START_TO_CLOSE_MS: '15000',
      SCRAPE_RETRY_INITIAL_MS: '500',
      SCRAPE_RETRY_MAX_INTERVAL_MS: '2000',
      WORKER_SHUTDOWN_GRACE_MS: '10000',
    });
    const config = testConfig(env);
    const userIds = Array.from({ length: USERS }, (_, i) => `${uniqueName('u')}-${i}`);
    for (const userId of userIds) {
      await db.prisma.threatSettings.create({ data: { userId, intervalSeconds: INTERVAL, keywords: ['advisory'], sources: { create: [{ url: sources.url(`/${userId}`), kind: 'rss' }] } } });
    }
    const a = await startWorkerProcess({ ...env, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` });
    const b = await startWorkerProcess({ ...env, WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` });
    try {
      for (const userId of userIds) await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: INTERVAL, enabled: true } });
      await sleep(15_000);
      const inFlightAtKill = await db.prisma.scrapeRun.count({ where: { outcome: 'running' } });
      a.kill('SIGKILL');
      expect(await a.exited).toBe('SIGKILL');
      const killedAt = Date.now();
      await sleep(40_000);
      b.kill('SIGTERM');
      // The survivor drains: in-flight scrapes finish, then it exits cleanly.
      expect(await b.exited).toBe(0);
      const stoppedAt = Date.now();

      const runs = await db.prisma.scrapeRun.findMany({ orderBy: [{ userId: 'asc' }, { runNumber: 'asc' }] });
      const byUser = new Map<string, typeof runs>();
      for (const run of runs) byUser.set(run.userId, [...(byUser.get(run.userId) ?? []), run]);
      const retried = runs.filter((r) => r.attempts > 1).length;
      const problems: string[] = [];
      for (const userId of userIds) {
        const mine = byUser.get(userId) ?? [];
        // One row per run number, numbered without gaps: no run lost, none recorded twice.
        if (mine.map((r) => r.runNumber).join() !== mine.map((_, i) => i + 1).join()) problems.push(`${userId}: run numbers ${mine.map((r) => r.runNumber)}`);
        for (const run of mine) if (run.outcome === 'failure') problems.push(`${userId}: run ${run.runNumber} failed: ${run.error}`);
        // Slots kept coming after the kill: the job was picked up by the survivor.
        const last = mine.at(-1);
        if (!last || last.scheduledAt.getTime() < killedAt) problems.push(`${userId}: no run after the kill`);
        // No burst: consecutive runs at least one interval apart.
        for (let i = 1; i < mine.length; i++) {
          if (mine[i]!.scheduledAt.getTime() - mine[i - 1]!.startedAt.getTime() < INTERVAL * 1000) problems.push(`${userId}: runs ${i} and ${i + 1} closer than the interval`);
        }
      }
      console.log(
        `chaos(two workers): ${USERS} users, ${runs.length} runs, ${inFlightAtKill} in flight at the kill, ${retried} retried after it, ` +
          `${runs.filter((r) => r.outcome === 'running').length} still open at stop (${Math.round((stoppedAt - killedAt) / 1000)} s after the kill)`,
      );
      expect(problems.slice(0, 10)).toEqual([]);
      // Only a run started as the survivor stopped may still be open.
      const open = runs.filter((r) => r.outcome === 'running');
      for (const run of open) expect(run.runNumber).toBe(byUser.get(run.userId)!.at(-1)!.runNumber);
      expect(inFlightAtKill).toBeGreaterThan(0);
    } finally {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
    }
  });
});
