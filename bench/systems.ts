// Putting a user group on each system under test: our per-user jobs, one Schedule per user, or
// (by seeding alone) the legacy scheduler, which finds its users in threat_settings when it starts.
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../src/config.js';
import { startAutoScrape } from '../src/client/jobs.js';
import { scheduledScrapeWorkflow } from './schedule-workflow.js';
import type { UserGroup } from './users.js';

/** Runs `fn` over `items` with at most `concurrency` calls in flight: a bounded request loop. */
export async function inBatches<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

const START_CONCURRENCY = 16;

export async function startOurJobs(client: Client, config: Config, group: UserGroup): Promise<void> {
  await inBatches(group.ids, START_CONCURRENCY, async (userId, i) => {
    await startAutoScrape(client, config, {
      userId,
      settings: { intervalSeconds: group.intervalSeconds, enabled: true },
      lastRunAt: new Date(group.firstDueAt[i]! - group.intervalSeconds * 1000),
    });
  });
}

export const scheduleId = (userId: string) => `bench-schedule:${userId}`;

export async function createSchedules(client: Client, taskQueue: string, group: UserGroup): Promise<void> {
  const intervalMs = group.intervalSeconds * 1000;
  await inBatches(group.ids, START_CONCURRENCY, async (userId, i) => {
    // Interval specs count from the epoch; the offset puts this user's slots where its first due time is.
    // Whole seconds, because that is the resolution the scheduler keeps.
    const offsetMs = Math.round((group.firstDueAt[i]! % intervalMs) / 1000) * 1000;
    await client.schedule.create({
      scheduleId: scheduleId(userId),
      spec: { intervals: [{ every: intervalMs, offset: offsetMs % intervalMs }] },
      action: { type: 'startWorkflow', workflowType: scheduledScrapeWorkflow, workflowId: `bench-scheduled-run:${userId}`, taskQueue, args: [{ userId }] },
      // The defaults, named: a slot that comes while the previous run is still waiting is skipped, so an
      // outage ends in one run per user rather than a burst.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  });
}

export async function deleteSchedules(client: Client, group: UserGroup): Promise<void> {
  await inBatches(group.ids, START_CONCURRENCY, async (userId) => {
    await client.schedule.getHandle(scheduleId(userId)).delete().catch(() => undefined);
  });
}
